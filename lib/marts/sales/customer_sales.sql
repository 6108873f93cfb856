-- sales.customer_sales: one row per customer, known only by their pseudonym, with the
-- generalised profile of their current version and their purchase history (first/last order,
-- orders, revenue, margin, returns): the basis of segmentation and retention analyses.
-- Lines without a customer (unknown member -1) or of an erased customer (member -2, GDPR
-- Art. 17) are not a customer and are left out.
with versions as (
  select customer_key, customer_pseudonym
  from core.dim_customer
  where customer_key > 0
),
current_profile as (
  select customer_pseudonym, segment, customer_type, age_band, gender, departement_code, departement_name, region_code, region_name
  from core.dim_customer
  where is_current and customer_key > 0
),
history as (
  select
    v.customer_pseudonym,
    cast(min(f.order_date_key) as integer) as first_order_date_key,
    cast(max(f.order_date_key) as integer) as last_order_date_key,
    cast(count(distinct f.order_id) as integer) as orders,
    cast(count(*) as integer) as order_lines,
    cast(sum(f.quantity) as bigint) as quantity,
    cast(sum(f.net_amount) as decimal(18, 6)) as net_amount,
    cast(sum(f.margin_amount) as decimal(18, 6)) as margin_amount,
    cast(count(*) filter (where f.is_return) as integer) as return_lines
  from core.fact_sales f
  join versions v on v.customer_key = f.customer_key
  group by v.customer_pseudonym
),
final as (
  select p.*, h.* exclude (customer_pseudonym)
  from current_profile p
  join history h using (customer_pseudonym)
)
select * from final
