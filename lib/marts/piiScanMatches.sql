-- Matches of the searched columns of every mart table (pii_cells, piiScanCells.sql) against the
-- known personal values (pii_known_values, piiKnownValues.sql), by one hash join for the whole
-- scan: exactly (names, ids, phones, streets, birth dates) and in lower case (emails). Each
-- distinct value of a column is probed once, so a column of a few distinct values (a segment, a
-- gender) costs a few probes, and the known values are hashed once, not once per table.
-- `allowed` lists, per table and column, the kinds its role can disclose
-- (lib/marts/columnRoles.ts): a hit of another kind is not one.
with probes as (
  select tbl, col, value as probe, false as is_email, n from pii_cells
  union all
  select tbl, col, lower(value) as probe, true as is_email, n from pii_cells
),
allowed (tbl, col, kind) as (
  values {{allowed}}
)
select h.tbl, h.col, h.kind, cast(sum(h.n) as integer) as n
from (
  select p.tbl, p.col, k.kind, p.n
  from probes p
  join pii_known_values k on k.value = p.probe and k.is_email = p.is_email
) h
semi join allowed a on a.tbl = h.tbl and a.col = h.col and a.kind = h.kind
group by h.tbl, h.col, h.kind
order by h.tbl, h.col, h.kind
