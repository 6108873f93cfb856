-- value_defects: the records whose {{column}} the cleansing rule rejects ({{map}} holds the rule's
-- verdict per distinct raw value), how many of them are later copies of an order line, and how
-- many distinct customer spellings (rows of the splitter's customers entity) the SALE ones carry.
with flagged as (
  select e.row_number, e.customer_version, s.copy_rank
  from export_rows e
  join {{map}} m on m.raw = e.{{column}}
  left join sale_rows s using (row_number)
  where m.issue is not null
)
select
  count(*)::integer as rows_found,
  count(*) filter (where copy_rank > 1)::integer as on_copies,
  count(distinct customer_version) filter (where copy_rank is not null)::integer as spellings
from flagged
