-- The population of the journalist model: every customer who is a natural person in the
-- warehouse (current version), by the customer table's quasi-identifiers at the geography and
-- profile level of the release's design. Read from core (the release's only read of core besides
-- the PII scan's list of pseudonyms), counts only. {{geo_level}}, {{profile_level}}: the design's.
with persons as (
  select
    od_area(country, region_code, {{geo_level}}, {{large_countries}}) as geo_code,
    od_profile(customer_type, age_band, {{profile_level}}) as profile,
    coalesce(gender, 'unknown') as gender
  from core.dim_customer
  where is_current and customer_type = 'PERSON' and customer_key > 0
)
select geo_code, profile, gender, cast(count(*) as integer) as population
from persons
group by all
order by all
