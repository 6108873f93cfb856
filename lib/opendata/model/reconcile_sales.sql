-- Independent totals for the sales tables: the Sales mart's per-customer history
-- (sales.customer_sales), which the extraction does not read. Lines without a known customer are
-- in neither. Orders are not reconciled here: the tables count order x category pairs.
with history as (
  select net_amount, quantity from sales.customer_sales
)
select cast(sum(net_amount) as double) as net_amount, cast(sum(quantity) as bigint) as units
from history
