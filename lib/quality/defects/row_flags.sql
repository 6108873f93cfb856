-- row_flags: the SALE rows that carry a row-level defect ({{condition}}, on the raw text), and
-- where they end: later copies of a line (a duplicate carries its original's defects), rows
-- rejected for a missing required value, rows the cleanser keeps (where the defect is flagged).
select
  count(*)::integer as rows_found,
  count(*) filter (where copy_rank > 1)::integer as on_copies,
  count(*) filter (where rejected)::integer as on_rejected,
  count(*) filter (where kept_rank > 1)::integer as on_removed_copies,
  count(*) filter (where kept_rank = 1)::integer as on_kept
from sale_rows
where {{condition}}
