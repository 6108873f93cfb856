-- sale_rows: every SALE row of the raw export exactly as typed, with what the reconciliation of
-- injected defects needs to know about it (lib/quality/defectReconciliation.ts):
--   row_hash        the whole row: two rows with the same hash are byte-for-byte copies;
--   line_hash       the columns the splitter stages for an order line (the customer columns
--                   reduced to their version id, as lib/split/models/raw_sale.sql does): a copy
--                   that differs only outside them is an exact duplicate for the cleanser;
--   rejected        a value the cleansing policy requires is missing: the row is rejected for it;
--   copy_rank       1 for the first row of its order line (dedupe key), 2, 3... for later copies;
--   kept_rank       the same among the rows that are not rejected: the cleanser keeps rank 1.
-- "First" is the first in the file (export_rows.sql numbers the records in file order).
with sale as (
  select * from export_rows where record_type = 'SALE'
),
hashed as (
  select
    *,
    md5(concat_ws(chr(31), {{all_columns}})) as row_hash,
    md5(concat_ws(chr(31), {{line_columns}})) as line_hash,
    ({{missing_required}}) as rejected
  from sale
),
ranked as (
  select
    *,
    row_number() over (partition by {{dedupe_key}} order by row_number) as copy_rank,
    first_value(row_hash) over (partition by {{dedupe_key}} order by row_number) as first_row_hash
  from hashed
),
kept_ranked as (
  select
    r.*,
    k.kept_rank,
    k.kept_line_hash
  from ranked r
  left join (
    select
      row_number,
      row_number() over (partition by {{dedupe_key}} order by row_number) as kept_rank,
      first_value(line_hash) over (partition by {{dedupe_key}} order by row_number) as kept_line_hash
    from hashed
    where not rejected
  ) k using (row_number)
)
select * from kept_ranked
