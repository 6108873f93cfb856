-- inventory.stock_monthly: stock by month x product x supplier x warehouse.
-- Stock levels are the month's LAST snapshot (core.fact_inventory_period_end), never a sum
-- over the month's snapshots; flows (received, sold) are summed over the month.
--   days_of_supply = month-end stock / average units sold per day in the month
--   turnover       = cost of goods sold / average stock value at cost (opening + closing) / 2
--   stock-out      = month-end stock of zero; stock_out_snapshots counts the month's snapshots at zero
-- Sales are attributed to the warehouse that shipped them, in the month of the order date.
with period_end as (
  select * from core.fact_inventory_period_end
),
snapshots as (
  select
    d.year_month as month_key,
    f.product_key,
    f.warehouse_key,
    cast(count(*) filter (where f.stock_on_hand = 0) as integer) as stock_out_snapshots,
    cast(count(*) as integer) as snapshots
  from core.fact_inventory f
  join core.dim_date d on d.date_key = f.snapshot_date_key
  group by all
),
sales as (
  select
    d.year_month as month_key,
    f.product_key,
    f.warehouse_key,
    sum(case when f.quantity > 0 then f.quantity else 0 end) as units_sold,
    sum(case when f.quantity > 0 then f.cost_amount else 0 end) as cost_of_goods_sold
  from core.fact_sales f
  join core.dim_date d on d.date_key = f.order_date_key
  group by all
),
months as (
  select month_key, days_in_month from inventory.dim_month
),
joined as (
  select
    p.year_month as month_key,
    p.product_key,
    p.supplier_key,
    p.warehouse_key,
    p.stock_on_hand as month_end_stock_on_hand,
    p.units_on_order as month_end_units_on_order,
    p.reorder_level,
    p.below_reorder,
    p.stock_value_at_cost as month_end_stock_value,
    lag(p.stock_value_at_cost) over (partition by p.product_key, p.warehouse_key order by p.year_month) as opening_stock_value,
    p.units_received,
    coalesce(s.units_sold, 0) as units_sold,
    coalesce(s.cost_of_goods_sold, 0) as cost_of_goods_sold,
    n.stock_out_snapshots,
    n.snapshots,
    m.days_in_month
  from period_end p
  join months m on m.month_key = p.year_month
  join snapshots n on n.month_key = p.year_month and n.product_key = p.product_key and n.warehouse_key = p.warehouse_key
  left join sales s on s.month_key = p.year_month and s.product_key = p.product_key and s.warehouse_key = p.warehouse_key
),
final as (
  select
    month_key,
    product_key,
    supplier_key,
    warehouse_key,
    month_end_stock_on_hand,
    month_end_units_on_order,
    reorder_level,
    below_reorder,
    cast(month_end_stock_value as decimal(14, 2)) as month_end_stock_value,
    cast(units_received as bigint) as units_received,
    cast(units_sold as bigint) as units_sold,
    cast(cost_of_goods_sold as decimal(18, 2)) as cost_of_goods_sold,
    cast(case when units_sold > 0 then round(month_end_stock_on_hand / (units_sold / days_in_month), 1) end as double) as days_of_supply,
    month_end_stock_on_hand = 0 as is_stock_out,
    stock_out_snapshots,
    snapshots,
    cast(case
      when coalesce((opening_stock_value + month_end_stock_value) / 2, month_end_stock_value) > 0
      then round(cost_of_goods_sold / coalesce((opening_stock_value + month_end_stock_value) / 2, month_end_stock_value), 3)
    end as double) as turnover
  from joined
)
select * from final
