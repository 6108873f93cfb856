-- 03_versions_per_customer: how many type 2 versions each customer has (the unknown and erased
-- members, keys -1 and -2, left out).
with per_customer as (
  select customer_pseudonym, count(*) as versions
  from dim_customer
  where customer_key > 0
  group by customer_pseudonym
)
select cast(versions as integer) as versions, cast(count(*) as integer) as customers
from per_customer
group by versions
order by versions
