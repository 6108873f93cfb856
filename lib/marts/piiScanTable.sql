-- Matches of every searched column of one table against the known personal values, in one pass
-- over the table: the columns are unpivoted to (column, value) cells ({{cells}}: one cast to text
-- per column, named c0, c1, ...), each distinct cell counted once, then probed against the known
-- values by one hash join, exactly (names, ids, phones, streets, birth dates) and in lower case
-- (emails). {{allowed}} lists, per column, the kinds its role can disclose (lib/marts/columnRoles.ts):
-- a hit of another kind is not one. The known values are hashed once per table instead of twice
-- per column, and a column of a few distinct values (a segment, a gender) costs a few probes.
with cells as (
  select col, value, count(*) as n
  from (unpivot (select {{cells}} from {{source}}) on columns(*) into name col value value)
  group by col, value
),
probes as (
  select col, value as probe, false as is_email, n from cells
  union all
  select col, lower(value) as probe, true as is_email, n from cells
),
allowed (col, kind) as (
  values {{allowed}}
)
select h.col, h.kind, cast(sum(h.n) as integer) as n
from (
  select p.col, k.kind, p.n
  from probes p
  join pii_known_values k on k.value = p.probe and k.is_email = p.is_email
) h
semi join allowed a on a.col = h.col and a.kind = h.kind
group by h.col, h.kind
