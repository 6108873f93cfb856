-- Reconciliation of row counts: every row the cleansing stage received is either a fact row or
-- a reject with a reason (manifest.json), and every kept staged row became exactly one fact row.
--   staged rows (Parquet)  = fact rows
--   manifest rowsKept      = fact rows
--   manifest rowsIn        = fact rows + sum(rejectedByReason)
with staged as (
  select count(*) as staged_rows from {{staged}}
),
facts as (
  select count(*) as fact_rows from {{fact}}
),
manifest as (
  select
    cast($rows_in as bigint) as rows_in,
    cast($rows_kept as bigint) as rows_kept,
    cast($rows_rejected as bigint) as rows_rejected
)
select
  cast(
    (case when s.staged_rows <> f.fact_rows then 1 else 0 end)
    + (case when m.rows_kept <> f.fact_rows then 1 else 0 end)
    + (case when m.rows_in <> f.fact_rows + m.rows_rejected then 1 else 0 end)
  as integer) as failures,
  cast(m.rows_in as varchar) || ' in = ' || cast(f.fact_rows as varchar) || ' fact rows + '
    || cast(m.rows_rejected as varchar) || ' rejected; staged ' || cast(s.staged_rows as varchar)
    || ', kept ' || cast(m.rows_kept as varchar) as detail
from staged s, facts f, manifest m
