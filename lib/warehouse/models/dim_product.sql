-- dim_product: one row per product (category > subcategory > product, brand).
-- Members are the cleansed products plus "inferred members": a product id that a sale or a
-- stock snapshot references but that has no product row (late-arriving dimension, Kimball).
-- A fact with no product id at all points to the unknown member (-1).
with products as (
  select product_id, product_name, category, subcategory, brand, source_line
  from stg_products
  where product_id is not null
),
referenced as (
  select product_id from stg_order_lines
  union
  select product_id from stg_stock_snapshots
),
inferred as (
  select
    r.product_id,
    'unknown' as product_name,
    'unknown' as category,
    'unknown' as subcategory,
    'unknown' as brand,
    cast(null as bigint) as source_line
  from referenced r
  where r.product_id is not null
    and not exists (select 1 from products p where p.product_id = r.product_id)
),
members as (
  select *, false as is_inferred from products
  union all
  select *, true as is_inferred from inferred
),
keyed as (
  select
    cast(row_number() over (order by product_id) as integer) as product_key,
    product_id,
    coalesce(product_name, 'unknown') as product_name,
    coalesce(category, 'unknown') as category,
    coalesce(subcategory, 'unknown') as subcategory,
    coalesce(brand, 'unknown') as brand,
    is_inferred,
    source_line
  from members
),
unknown_member as (
  select
    -1 as product_key,
    'unknown' as product_id,
    'unknown' as product_name,
    'unknown' as category,
    'unknown' as subcategory,
    'unknown' as brand,
    false as is_inferred,
    cast(null as bigint) as source_line
),
final as (
  select * from unknown_member
  union all
  select * from keyed
)
select * from final
