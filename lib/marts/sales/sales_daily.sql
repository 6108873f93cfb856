-- sales.sales_daily: sales by day x product x channel x generalised customer profile.
-- The customer appears only through attributes that single nobody out on their own (segment,
-- type, age band, gender, département, région), taken from the dim_customer version valid at
-- the order date. Counts of distinct orders and customers are not additive across rows.
with lines as (
  select
    f.order_date_key as date_key,
    f.product_key,
    f.channel_key,
    c.segment,
    c.customer_type,
    c.age_band,
    c.gender,
    c.departement_code,
    c.departement_name,
    c.region_code,
    c.region_name,
    f.order_id,
    c.customer_pseudonym,
    f.customer_key,
    f.quantity,
    f.is_return,
    f.gross_amount,
    f.discount_amount,
    f.net_amount,
    f.cost_amount,
    f.margin_amount,
    f.freight_allocated
  from core.fact_sales f
  join core.dim_customer c on c.customer_key = f.customer_key
),
aggregated as (
  select
    date_key,
    product_key,
    channel_key,
    segment,
    customer_type,
    age_band,
    gender,
    departement_code,
    departement_name,
    region_code,
    region_name,
    cast(count(*) as integer) as order_lines,
    cast(count(distinct order_id) as integer) as orders,
    cast(count(distinct case when customer_key > 0 then customer_pseudonym end) as integer) as customers,
    cast(sum(quantity) as bigint) as quantity,
    cast(sum(case when is_return then -quantity else 0 end) as bigint) as returned_quantity,
    cast(sum(gross_amount) as decimal(18, 2)) as gross_amount,
    cast(sum(discount_amount) as decimal(18, 2)) as discount_amount,
    cast(sum(net_amount) as decimal(18, 2)) as net_amount,
    cast(sum(cost_amount) as decimal(18, 2)) as cost_amount,
    cast(sum(margin_amount) as decimal(18, 2)) as margin_amount,
    cast(sum(freight_allocated) as decimal(18, 2)) as freight_amount
  from lines
  group by all
)
select * from aggregated
