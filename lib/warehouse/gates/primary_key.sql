-- Generic test: the declared primary key ({{columns}}) of {{table}} holds, as a PRIMARY KEY
-- constraint would enforce it: no key column is null and no two rows share a key. The facts'
-- keys are checked only here (lib/warehouse/keys.ts), so a failure stops the build before the
-- new warehouse replaces the live one. Failures: the rows that break the key. The detail gives
-- counts only (a key value may be a pseudonym).
with key_counts as (
  select {{columns}}, count(*) as key_rows
  from {{table}}
  group by all
),
broken as (
  select
    coalesce(sum(case when {{any_null}} then key_rows end), 0) as null_rows,
    count(case when not ({{any_null}}) and key_rows > 1 then 1 end) as repeated_keys,
    coalesce(sum(case when not ({{any_null}}) and key_rows > 1 then key_rows end), 0) as repeated_rows
  from key_counts
)
select
  cast(null_rows + repeated_rows as bigint) as failures,
  case when null_rows + repeated_rows > 0
       then null_rows || ' row(s) with a null key column; ' || repeated_keys || ' key(s) held by more than one row (' || repeated_rows || ' rows)'
  end as detail
from broken
