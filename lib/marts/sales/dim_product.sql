-- sales.dim_product: the conformed product dimension (hierarchy and brand), copied from core
-- without the lineage column.
with products as (
  select product_key, product_id, product_name, category, subcategory, brand, is_inferred
  from core.dim_product
)
select * from products
