-- export_rows: every record of the raw export exactly as typed (all text), numbered in file order,
-- with the customer version id the splitter gives it (lib/split/models/raw_sale.sql: a hash of
-- the customer columns as typed). {{records}} holds the records as read, in file order (a table
-- created from the CSV scan keeps its insertion order, and its rowid follows it).
select
  rowid + 1 as row_number,
  *,
  md5(concat_ws(chr(31), {{customer_columns}})) as customer_version
from {{records}}
