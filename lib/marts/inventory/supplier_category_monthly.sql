-- inventory.supplier_category_monthly: supplier performance by month x supplier x product
-- category, the additive parts only, so that any roll-up (supplier country, year, category) can
-- recompute the ratios from sums:
--   fill rate        = units_received / units_on_order_at_open (the previous month-end's open orders)
--   replenishment    = replenishment_days_total / replenishment_orders: for each product x
--                      warehouse snapshot with units on order, the days until the first later
--                      snapshot that records a receipt (bounded by the snapshot frequency)
with snapshots as (
  select f.*, cast(d.year_month as integer) as month_key, d.calendar_date, p.category
  from core.fact_inventory f
  join core.dim_date d on d.date_key = f.snapshot_date_key
  join core.dim_product p on p.product_key = f.product_key
),
period_end as (
  select pe.*, p.category
  from core.fact_inventory_period_end pe
  join core.dim_product p on p.product_key = pe.product_key
),
on_order_at_open as (
  select
    supplier_key,
    category,
    cast(lead(year_month) over (partition by product_key, warehouse_key order by year_month) as integer) as month_key,
    units_on_order
  from period_end
),
opened as (
  select
    s.month_key,
    s.supplier_key,
    s.category,
    (
      select min(r.calendar_date)
      from snapshots r
      where r.product_key = s.product_key and r.warehouse_key = s.warehouse_key
        and r.calendar_date > s.calendar_date and r.units_received > 0
    ) - s.calendar_date as replenishment_days
  from snapshots s
  where s.units_on_order > 0
),
received as (
  select month_key, supplier_key, category, sum(units_received) as units_received
  from snapshots
  group by all
),
open_orders as (
  select month_key, supplier_key, category, sum(units_on_order) as units_on_order
  from on_order_at_open
  where month_key is not null
  group by all
),
replenishment as (
  select month_key, supplier_key, category, sum(replenishment_days) as days_total, count(replenishment_days) as orders
  from opened
  group by all
),
keys as (
  select month_key, supplier_key, category from received
  union select month_key, supplier_key, category from open_orders
),
final as (
  select
    k.month_key,
    k.supplier_key,
    k.category,
    cast(coalesce(o.units_on_order, 0) as bigint) as units_on_order_at_open,
    cast(coalesce(r.units_received, 0) as bigint) as units_received,
    cast(coalesce(rp.days_total, 0) as bigint) as replenishment_days_total,
    cast(coalesce(rp.orders, 0) as integer) as replenishment_orders
  from keys k
  left join open_orders o using (month_key, supplier_key, category)
  left join received r using (month_key, supplier_key, category)
  left join replenishment rp using (month_key, supplier_key, category)
)
select * from final
