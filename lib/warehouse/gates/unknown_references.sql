-- Facts kept with an unknown dimension member (key -1), counted per role: the measure of how
-- much of the data could not be attributed. Informational: these rows are kept on purpose.
select fact, role, cast(rows as integer) as rows
from (
  select 'fact_sales' as fact, 'order_date' as role, count(*) filter (where order_date_key = -1) as rows from fact_sales
  union all select 'fact_sales', 'ship_date', count(*) filter (where ship_date_key = -1) from fact_sales
  union all select 'fact_sales', 'delivery_date', count(*) filter (where delivery_date_key = -1) from fact_sales
  union all select 'fact_sales', 'product', count(*) filter (where product_key = -1) from fact_sales
  union all select 'fact_sales', 'customer', count(*) filter (where customer_key = -1) from fact_sales
  union all select 'fact_sales', 'supplier', count(*) filter (where supplier_key = -1) from fact_sales
  union all select 'fact_sales', 'carrier', count(*) filter (where carrier_key = -1) from fact_sales
  union all select 'fact_sales', 'warehouse', count(*) filter (where warehouse_key = -1) from fact_sales
  union all select 'fact_sales', 'channel', count(*) filter (where channel_key = -1) from fact_sales
  union all select 'fact_inventory', 'snapshot_date', count(*) filter (where snapshot_date_key = -1) from fact_inventory
  union all select 'fact_inventory', 'product', count(*) filter (where product_key = -1) from fact_inventory
  union all select 'fact_inventory', 'warehouse', count(*) filter (where warehouse_key = -1) from fact_inventory
  union all select 'fact_inventory', 'supplier', count(*) filter (where supplier_key = -1) from fact_inventory
)
order by fact, role
