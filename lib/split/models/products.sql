-- products: one staged row per distinct product description seen on any record (sale lines,
-- stock snapshots, product master records).
with seen as (
    select
        min(record_key) as record_key,
        arg_min(source_file, record_key) as source_file,
        arg_min(source_line, record_key) as source_line,
        product_id, product_name, category, subcategory, brand, supplier_id,
        count(*) as row_count
    from raw
    group by all
),
described as (
    select * from seen
    where coalesce(product_id, product_name, category, subcategory, brand) is not null
)
select * from described order by record_key
