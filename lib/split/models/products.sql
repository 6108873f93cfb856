-- products: one staged row per distinct product description seen on SALE and STOCK records.
with seen as (
    select
        min(source_line) as source_line,
        product_id, product_name, category, subcategory, brand, supplier_id,
        count(*) as row_count
    from raw
    where record_type_clean in ('SALE', 'STOCK')
    group by all
),
described as (
    select * from seen
    where coalesce(product_id, product_name, category, subcategory, brand) is not null
)
select * from described order by source_line
