-- An analyst's lookup of one product by its reference.
select product_key, product_name, category, subcategory, brand
from dim_product
where product_id = {{product_id}}
