-- od_sales_by_period_channel_category: net sales, orders and units by period x sales channel x
-- product category, with every margin. Shares its period x category margins (and the grand
-- total) with od_sales_by_period_area_category: the two are protected together.
-- Reads the Sales mart only. {{time_grain}}: the same grain as the region table.
-- {{customer_buckets}}, {{customer_bucket}}: the extraction runs once per bucket of customers and
-- adds the cells up (lib/opendata/model/extract.ts); with one bucket this is the whole table.
with lines as (
  select
    od_period_key(month_key, {{time_grain}}) as period_key,
    sales_channel,
    category,
    customer_pseudonym,
    orders,
    units,
    net_amount
  from sales.customer_monthly
  where hash(customer_pseudonym) % {{customer_buckets}} = {{customer_bucket}}
),
per_customer as (
  select
    case when grouping(period_key) = 1 then -1 else period_key end as period_key,
    case when grouping(sales_channel) = 1 then 'All' else sales_channel end as sales_channel,
    case when grouping(category) = 1 then 'All' else category end as category,
    customer_pseudonym,
    sum(orders) as orders,
    sum(units) as units,
    sum(net_amount) as net_amount
  from lines
  group by customer_pseudonym, cube(period_key, sales_channel, category)
),
cells as (
  select
    period_key,
    sales_channel,
    category,
    cast(sum(net_amount) as double) as net_amount,
    cast(sum(orders) as bigint) as orders,
    cast(sum(units) as bigint) as units,
    cast(count(*) as integer) as contributors,
    cast(max(abs(net_amount)) as double) as top_contribution,
    cast(sum(abs(net_amount)) as double) as absolute_total
  from per_customer
  group by period_key, sales_channel, category
)
select
  od_period_label(period_key, {{time_grain}}) as period,
  * exclude (period_key)
from cells
order by period, sales_channel, category
