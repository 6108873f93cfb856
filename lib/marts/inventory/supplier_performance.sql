-- inventory.supplier_performance: per month and supplier, how well the supplier delivers.
--   fill_rate: units received in the month / units on order at the end of the previous month
--     (capped at 1: a delivery can include units ordered during the month); null when nothing
--     was on order.
--   replenishment_days: for each product x warehouse with units on order at a snapshot, the days
--     until the first later snapshot that records a receipt, averaged over the orders opened in
--     the month. An estimate bounded by the snapshot frequency (monthly: +/- a month).
--   days_to_ship: average days from order to shipment of the supplier's products' sales lines.
with snapshots as (
  select f.*, d.year_month, d.calendar_date
  from core.fact_inventory f
  join core.dim_date d on d.date_key = f.snapshot_date_key
),
period_end as (
  select * from core.fact_inventory_period_end
),
on_order_at_open as (
  -- the previous month's month-end units on order, carried to the month that follows it
  select
    p.supplier_key,
    p.product_key,
    p.warehouse_key,
    lead(p.year_month) over (partition by p.product_key, p.warehouse_key order by p.year_month) as month_key,
    p.units_on_order
  from period_end p
),
received as (
  select year_month as month_key, supplier_key, sum(units_received) as units_received
  from snapshots
  group by all
),
opened_orders as (
  select
    s.year_month as month_key,
    s.supplier_key,
    (
      select min(r.calendar_date)
      from snapshots r
      where r.product_key = s.product_key and r.warehouse_key = s.warehouse_key
        and r.calendar_date > s.calendar_date and r.units_received > 0
    ) - s.calendar_date as replenishment_days
  from snapshots s
  where s.units_on_order > 0
),
shipping as (
  select d.year_month as month_key, f.supplier_key, avg(f.days_to_ship) as days_to_ship
  from core.fact_sales f
  join core.dim_date d on d.date_key = f.order_date_key
  where f.quantity > 0
  group by all
),
months as (
  select distinct year_month as month_key, supplier_key from snapshots
  union
  select month_key, supplier_key from shipping
),
final as (
  select
    m.month_key,
    m.supplier_key,
    cast(coalesce(o.units_on_order, 0) as bigint) as units_on_order_at_open,
    cast(coalesce(r.units_received, 0) as bigint) as units_received,
    cast(case when o.units_on_order > 0 then round(least(coalesce(r.units_received, 0) / o.units_on_order, 1), 4) end as double) as fill_rate,
    cast(round(oo.replenishment_days, 1) as double) as replenishment_days,
    cast(round(sh.days_to_ship, 2) as double) as days_to_ship
  from months m
  left join (select month_key, supplier_key, sum(units_on_order) as units_on_order from on_order_at_open where month_key is not null group by all) o
    on o.month_key = m.month_key and o.supplier_key = m.supplier_key
  left join received r on r.month_key = m.month_key and r.supplier_key = m.supplier_key
  left join (select month_key, supplier_key, avg(replenishment_days) as replenishment_days from opened_orders group by all) oo
    on oo.month_key = m.month_key and oo.supplier_key = m.supplier_key
  left join shipping sh on sh.month_key = m.month_key and sh.supplier_key = m.supplier_key
)
select * from final
