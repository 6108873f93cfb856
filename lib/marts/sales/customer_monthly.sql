-- sales.customer_monthly: each customer's purchases by month x sales channel x product category,
-- with the generalised profile and geography of the dim_customer version valid at the order
-- date. The finest grain the Open Data extraction needs: per-cell contributor counts and the
-- largest contributor's amount (frequency and dominance rules) are computed from it. Customers
-- appear only by their keyed pseudonym; lines without a known customer are left out (they have
-- no contributor to count: see lib/opendata/model/README of the release).
--   orders: distinct orders of the customer in the row; an order with lines in two categories
--           counts once in each (so the column is additive across rows by construction).
with lines as (
  select
    cast(d.year_month as integer) as month_key,
    c.customer_pseudonym,
    c.customer_type,
    c.age_band,
    c.gender,
    c.country,
    c.region_code,
    c.region_name,
    ch.sales_channel,
    p.category,
    f.order_id,
    f.quantity,
    f.net_amount
  from core.fact_sales f
  join core.dim_customer c on c.customer_key = f.customer_key
  join core.dim_date d on d.date_key = f.order_date_key
  join core.dim_product p on p.product_key = f.product_key
  join core.dim_channel ch on ch.channel_key = f.channel_key
  where f.customer_key > 0
),
aggregated as (
  select
    month_key,
    customer_pseudonym,
    customer_type,
    age_band,
    gender,
    country,
    region_code,
    region_name,
    sales_channel,
    category,
    cast(count(distinct order_id) as integer) as orders,
    cast(sum(quantity) as bigint) as units,
    cast(sum(net_amount) as decimal(18, 6)) as net_amount
  from lines
  group by all
)
select * from aggregated
