-- The population of the journalist model: every customer who is a natural person in the
-- warehouse (current version), by the customer table's quasi-identifiers. Read from core (the
-- release's only read of core besides the PII scan's list of pseudonyms), counts only.
with persons as (
  select od_area(country, region_code) as geo_code, age_band, gender
  from core.dim_customer
  where is_current and customer_type = 'PERSON' and customer_key > 0
)
select geo_code, age_band, gender, cast(count(*) as integer) as population
from persons
group by all
order by all
