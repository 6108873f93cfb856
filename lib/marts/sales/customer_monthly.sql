-- sales.customer_monthly: each customer's purchases by month x sales channel x product category,
-- with the generalised profile and geography of the dim_customer version valid at the order
-- date. The finest grain the Open Data extraction needs: per-cell contributor counts and the
-- largest contributor's amount (frequency and dominance rules) are computed from it. Customers
-- appear only by their keyed pseudonym; lines without a known customer are left out (they have
-- no contributor to count: see lib/opendata/model/README of the release).
--   orders: distinct orders of the customer in the row; an order with lines in two categories
--           counts once in each (so the column is additive across rows by construction).
-- The rows are grouped by integers (a number per distinct pseudonym and profile, per category),
-- the names joined back once per row: grouping 10 M lines by eight strings was most of its time.
with profiles as (
  -- One number per distinct (pseudonym, profile): two versions of a customer that differ only in
  -- an attribute this mart does not show share it, as they share a row.
  select
    customer_key,
    dense_rank() over (order by customer_pseudonym, customer_type, age_band, gender, country, region_code, region_name) as profile_id
  from core.dim_customer
  where customer_key > 0
),
categories as (
  select product_key, dense_rank() over (order by category) as category_id
  from core.dim_product
),
lines as (
  select
    cast(d.year_month as integer) as month_key,
    p.profile_id,
    f.channel_key,
    c.category_id,
    f.order_id,
    f.quantity,
    f.net_amount
  from core.fact_sales f
  join profiles p on p.customer_key = f.customer_key
  join core.dim_date d on d.date_key = f.order_date_key
  join categories c on c.product_key = f.product_key
  where f.customer_key > 0
),
by_order as (
  -- An order's lines in one row first, so that orders are counted by count(*), not count(distinct).
  select month_key, profile_id, channel_key, category_id, order_id, sum(quantity) as units, sum(net_amount) as net_amount
  from lines
  group by all
),
aggregated as (
  select
    month_key,
    profile_id,
    channel_key,
    category_id,
    cast(count(*) as integer) as orders,
    cast(sum(units) as bigint) as units,
    cast(sum(net_amount) as decimal(18, 6)) as net_amount
  from by_order
  group by all
),
named as (
  select
    a.month_key,
    pn.customer_pseudonym,
    pn.customer_type,
    pn.age_band,
    pn.gender,
    pn.country,
    pn.region_code,
    pn.region_name,
    ch.sales_channel,
    cn.category,
    a.orders,
    a.units,
    a.net_amount
  from aggregated a
  join (
    select distinct p.profile_id, c.customer_pseudonym, c.customer_type, c.age_band, c.gender, c.country, c.region_code, c.region_name
    from profiles p join core.dim_customer c using (customer_key)
  ) pn using (profile_id)
  join core.dim_channel ch on ch.channel_key = a.channel_key
  join (select distinct c.category_id, p.category from categories c join core.dim_product p using (product_key)) cn using (category_id)
)
select * from named
