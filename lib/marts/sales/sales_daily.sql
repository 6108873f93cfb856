-- sales.sales_daily: sales by day x product x channel x generalised customer profile.
-- The customer appears only through attributes that single nobody out on their own (segment,
-- type, age band, gender, département, région), taken from the dim_customer version valid at
-- the order date. Counts of distinct orders and customers are not additive across rows.
-- Computed in one pass over the lines, not with count(distinct) over all of them: nearly every row
-- (a day, a product, a channel, a profile) holds the lines of a single order and at most one
-- customer, which its first and last order and customer show; only the other rows' lines are
-- read again to count their distinct orders and customers. (At 10 M sale lines, 193,983 rows of
-- 9,368,605 have more than one; the statement took 24.4 s against 33.5 s when every line was first
-- summed per order and the customers counted by a separate distinct pass joined back, the same
-- rows.) The profile is numbered once (dense_rank over dim_customer) so the big aggregation groups
-- by integers, not by eight strings; so is the customer (customer_num, one number per pseudonym: a
-- customer's versions share it).
with profiles as (
  select customer_key, dense_rank() over (order by segment, customer_type, age_band, gender, departement_code, departement_name, region_code, region_name) as profile_id,
    segment, customer_type, age_band, gender, departement_code, departement_name, region_code, region_name,
    dense_rank() over (order by customer_pseudonym) as customer_num
  from core.dim_customer
),
-- NOT MATERIALIZED: sums and several each read fact_sales through it. Materialised (DuckDB's
-- default for a CTE read twice), its 10 M rows were copied once into a buffer that spilled.
lines as not materialized (
  select f.order_date_key as date_key, f.product_key, f.channel_key, p.profile_id, f.order_id,
    case when f.customer_key > 0 then p.customer_num end as known_customer,
    f.quantity, f.is_return, f.gross_amount, f.discount_amount, f.net_amount, f.cost_amount, f.margin_amount, f.freight_allocated
  from core.fact_sales f join profiles p on p.customer_key = f.customer_key
),
-- Each row summed straight from its lines, with its first and last order and customer: a row whose
-- lines are of one order and at most one customer (nearly every row: a day, a product, a channel
-- and a profile seldom share two orders) has 1 order, and 1 customer or none.
sums as (
  select date_key, product_key, channel_key, profile_id,
    count(*) as order_lines, min(order_id) as first_order, max(order_id) as last_order,
    min(known_customer) as first_customer, max(known_customer) as last_customer,
    sum(quantity) as quantity, sum(case when is_return then -quantity else 0 end) as returned_quantity,
    sum(gross_amount) as gross_amount, sum(discount_amount) as discount_amount, sum(net_amount) as net_amount,
    sum(cost_amount) as cost_amount, sum(margin_amount) as margin_amount, sum(freight_allocated) as freight_amount
  from lines group by all
),
-- The other rows' orders and customers counted exactly, from their own lines only.
several as (
  select date_key, product_key, channel_key, profile_id, count(distinct order_id) as orders, count(distinct known_customer) as customers
  from lines
  semi join (select date_key, product_key, channel_key, profile_id from sums where first_order <> last_order or first_customer <> last_customer) m
    using (date_key, product_key, channel_key, profile_id)
  group by all
),
aggregated as (
  select s.date_key, s.product_key, s.channel_key, s.profile_id,
    cast(s.order_lines as integer) as order_lines, cast(coalesce(x.orders, 1) as integer) as orders,
    cast(coalesce(x.customers, case when s.first_customer is null then 0 else 1 end) as integer) as customers,
    cast(s.quantity as bigint) as quantity, cast(s.returned_quantity as bigint) as returned_quantity,
    cast(s.gross_amount as decimal(18, 2)) as gross_amount, cast(s.discount_amount as decimal(18, 6)) as discount_amount,
    cast(s.net_amount as decimal(18, 6)) as net_amount, cast(s.cost_amount as decimal(18, 2)) as cost_amount,
    cast(s.margin_amount as decimal(18, 6)) as margin_amount, cast(s.freight_amount as decimal(18, 2)) as freight_amount
  from sums s left join several x using (date_key, product_key, channel_key, profile_id)
),
named as (
  select a.date_key, a.product_key, a.channel_key, p.segment, p.customer_type, p.age_band, p.gender, p.departement_code, p.departement_name, p.region_code, p.region_name,
    a.order_lines, a.orders, a.customers, a.* exclude (date_key, product_key, channel_key, profile_id, order_lines, orders, customers)
  from aggregated a
  join (select distinct profile_id, segment, customer_type, age_band, gender, departement_code, departement_name, region_code, region_name from profiles) p using (profile_id)
)
select * from named
