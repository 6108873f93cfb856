-- od_inventory_by_month_category: stock by month x product category (and all categories):
-- month-end stock on hand (the month's last snapshot, never a sum over snapshots), items out of
-- stock at month end, units sold and received, days of supply. Stock is semi-additive: it adds
-- across categories, never across months, so the month has no "All" total.
-- Contributors are the suppliers of the stocked products (businesses: 3 at least, and no
-- supplier above 85 % of the cell's stock). Reads the Inventory mart only.
with stock as (
  select
    od_period(s.month_key, 'month') as period,
    p.category,
    s.supplier_key,
    s.month_end_stock_on_hand,
    case when s.is_stock_out then 1 else 0 end as stock_out,
    s.units_sold,
    s.units_received,
    m.days_in_month
  from inventory.stock_monthly s
  join inventory.dim_product p on p.product_key = s.product_key
  join inventory.dim_month m on m.month_key = s.month_key
),
per_supplier as (
  select
    period,
    case when grouping(category) = 1 then 'All' else category end as category,
    supplier_key,
    any_value(days_in_month) as days_in_month,
    sum(month_end_stock_on_hand) as stock_on_hand,
    sum(stock_out) as stock_out_items,
    sum(units_sold) as units_sold,
    sum(units_received) as units_received
  from stock
  group by period, supplier_key, cube(category)
),
cells as (
  select
    period,
    category,
    cast(sum(stock_on_hand) as bigint) as stock_on_hand,
    cast(sum(stock_out_items) as bigint) as stock_out_items,
    cast(sum(units_sold) as bigint) as units_sold,
    cast(sum(units_received) as bigint) as units_received,
    -- month-end stock / average units sold per day of the month; null when nothing sold
    cast(case when sum(units_sold) > 0 then round(sum(stock_on_hand) / (sum(units_sold) / any_value(days_in_month)), 1) end as double) as days_of_supply,
    cast(count(*) as integer) as contributors,
    cast(max(stock_on_hand) as double) as top_contribution,
    cast(sum(stock_on_hand) as double) as absolute_total
  from per_supplier
  group by period, category
)
select * from cells
order by period, category
