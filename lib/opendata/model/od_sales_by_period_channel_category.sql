-- od_sales_by_period_channel_category: net sales, orders and units by period x sales channel x
-- product category, with every margin. Shares its period x category margins (and the grand
-- total) with od_sales_by_period_area_category: the two are protected together.
-- Reads the Sales mart only. {{time_grain}}: the same grain as the region table.
-- {{customer_buckets}}, {{customer_bucket}}: the extraction runs once per bucket of customers and
-- adds the cells up (lib/opendata/model/extract.ts); with one bucket this is the whole table.
with lines as (
  select
    od_period(month_key, {{time_grain}}) as period,
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
    case when grouping(period) = 1 then 'All' else period end as period,
    case when grouping(sales_channel) = 1 then 'All' else sales_channel end as sales_channel,
    case when grouping(category) = 1 then 'All' else category end as category,
    customer_pseudonym,
    sum(orders) as orders,
    sum(units) as units,
    sum(net_amount) as net_amount
  from lines
  group by customer_pseudonym, cube(period, sales_channel, category)
),
cells as (
  select
    period,
    sales_channel,
    category,
    cast(sum(net_amount) as double) as net_amount,
    cast(sum(orders) as bigint) as orders,
    cast(sum(units) as bigint) as units,
    cast(count(*) as integer) as contributors,
    cast(max(abs(net_amount)) as double) as top_contribution,
    cast(sum(abs(net_amount)) as double) as absolute_total
  from per_customer
  group by period, sales_channel, category
)
select * from cells
order by period, sales_channel, category
