-- Question (purchasing): which suppliers deliver well? Over the whole period: the average of the
-- monthly fill rates (received / on order at the start of the month; units on order are a stock,
-- so they are not summed across months), estimated replenishment days, days to ship their
-- products, and stock-outs of their products at month end.
with performance as (
  select
    supplier_key,
    sum(units_received) as units_received,
    avg(fill_rate) as fill_rate,
    count(fill_rate) as months_with_open_orders,
    avg(replenishment_days) as replenishment_days,
    avg(days_to_ship) as days_to_ship
  from inventory.supplier_performance
  group by supplier_key
),
stock_outs as (
  select supplier_key, count(*) filter (where is_stock_out) as month_end_stock_outs
  from inventory.stock_monthly
  group by supplier_key
)
select
  s.supplier_name,
  s.supplier_country,
  cast(p.units_received as bigint) as units_received,
  cast(p.months_with_open_orders as bigint) as months_with_open_orders,
  round(p.fill_rate, 3) as fill_rate,
  round(p.replenishment_days, 1) as replenishment_days,
  round(p.days_to_ship, 2) as days_to_ship,
  cast(coalesce(o.month_end_stock_outs, 0) as bigint) as month_end_stock_outs
from performance p
join inventory.dim_supplier s using (supplier_key)
left join stock_outs o using (supplier_key)
order by fill_rate desc nulls last, s.supplier_name, supplier_key
