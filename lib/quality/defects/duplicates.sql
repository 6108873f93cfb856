-- duplicates: the later copies of an order line in the export, split by what they are (a
-- byte-for-byte copy, or a near copy with text changed) and by what the cleanser does with them:
-- rejected with the line for a missing required value, counted DUPLICATE_EXACT because the
-- staged order-line columns are identical (the changes fell on product, supplier, carrier or
-- warehouse text), or counted DUPLICATE_NEAR.
with copies as (
  select
    row_hash = first_row_hash as byte_copy,
    rejected,
    kept_rank > 1 and line_hash = kept_line_hash as caught_exact,
    kept_rank > 1 and line_hash <> kept_line_hash as caught_near
  from sale_rows
  where copy_rank > 1
)
select
  count(*) filter (where byte_copy)::integer as exact_copies,
  count(*) filter (where not byte_copy)::integer as near_copies,
  count(*) filter (where byte_copy and rejected)::integer as exact_copies_rejected,
  count(*) filter (where not byte_copy and rejected)::integer as near_copies_rejected,
  count(*) filter (where byte_copy and caught_exact)::integer as exact_copies_caught_exact,
  count(*) filter (where not byte_copy and caught_exact)::integer as near_copies_caught_exact,
  count(*) filter (where not byte_copy and caught_near)::integer as near_copies_caught_near,
  count(*) filter (where byte_copy and caught_near)::integer as exact_copies_caught_near
from copies
