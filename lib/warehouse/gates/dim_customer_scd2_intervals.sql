-- SCD2 integrity of dim_customer: for each customer the half-open validity intervals
-- [valid_from, valid_to) do not overlap, the versions are contiguous (each valid_to is the
-- next valid_from), and exactly one version is current (the last one).
with versions as (
  select
    customer_pseudonym,
    version_number,
    valid_from,
    valid_to,
    is_current,
    lead(valid_from) over (partition by customer_pseudonym order by version_number) as next_valid_from,
    lead(version_number) over (partition by customer_pseudonym order by version_number) as next_version
  from dim_customer
  where customer_key <> -1
),
broken as (
  select customer_pseudonym from versions
  where next_version is not null and (valid_to <> next_valid_from or next_valid_from < valid_from or is_current)
  union all
  select customer_pseudonym from versions
  where next_version is null and (not is_current or valid_to <> date '9999-12-31')
)
select count(*) as failures from broken
