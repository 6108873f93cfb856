-- Independent totals for the stock table: inventory.stock_monthly summed over everything (a sum
-- of month-end stocks over months is meaningless as stock, but it is the sum of the table's
-- month totals, which is what is checked).
with stock as (
  select month_end_stock_on_hand, is_stock_out, units_sold, units_received from inventory.stock_monthly
)
select
  cast(sum(month_end_stock_on_hand) as bigint) as stock_on_hand,
  cast(count(*) filter (where is_stock_out) as bigint) as stock_out_items,
  cast(sum(units_sold) as bigint) as units_sold,
  cast(sum(units_received) as bigint) as units_received
from stock
