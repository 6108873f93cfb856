-- The stated population of each area of the customer table, for the journalist and marketer
-- models (census.ts): INSEE's legal population of every région ({{regions}}: VALUES rows of
-- région code and population, read from @etalab/decoupage-administratif), mapped to the areas
-- of the release's design by the extraction's own macro, so that a NUTS-1 unit is the sum of its
-- régions. Areas abroad or unknown get no row: no stated population (census.ts says what then).
-- {{geo_level}}, {{large_countries}}: the design's.
select
  od_area('FR', region_code, {{geo_level}}, {{large_countries}}) as geo_code,
  cast(sum(population) as bigint) as population
from (values {{regions}}) as r(region_code, population)
group by all
order by all
