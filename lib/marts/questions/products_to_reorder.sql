-- Question (stock managers): what must be reordered now? At the latest month end, every product
-- and warehouse at or below its reorder level, or with less than $days_of_supply days of supply,
-- with what is already on order.
with latest as (
  select max(month_key) as month_key from inventory.stock_monthly
),
candidates as (
  select s.*
  from inventory.stock_monthly s
  join latest l using (month_key)
  where s.below_reorder or s.days_of_supply < $days_of_supply
)
select
  c.month_key,
  p.product_id,
  p.product_name,
  p.category,
  w.warehouse_id,
  w.warehouse_city,
  su.supplier_name,
  c.month_end_stock_on_hand,
  c.reorder_level,
  c.month_end_units_on_order,
  c.days_of_supply,
  c.below_reorder
from candidates c
join inventory.dim_product p using (product_key)
join inventory.dim_warehouse w using (warehouse_key)
join inventory.dim_supplier su using (supplier_key)
order by c.below_reorder desc, c.days_of_supply nulls last, p.product_id, w.warehouse_id
