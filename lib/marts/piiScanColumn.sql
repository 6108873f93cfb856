-- Matches of one mart column against the known personal values of the kinds its role can
-- disclose ({{kinds}}, lib/marts/columnRoles.ts): exact for names, ids, phones, streets and birth
-- dates; case-insensitive for emails. Two equi-joins (hash joins), so the cost is one pass over
-- the column whatever the number of known values.
with cells as (
  select cast({{column}} as varchar) as value
  from {{source}}
  where {{column}} is not null
),
known as (
  select kind, value from pii_known_values where kind in ({{kinds}})
),
exact_hits as (
  select p.kind
  from cells c
  join known p on p.value = c.value
  where p.kind not like '%email'
),
email_hits as (
  select p.kind
  from cells c
  join known p on p.value = lower(c.value)
  where p.kind like '%email'
)
select kind, cast(count(*) as integer) as n
from (select * from exact_hits union all select * from email_hits)
group by kind
order by kind
