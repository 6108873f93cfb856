-- warehouses: one staged row per distinct warehouse description.
with seen as (
    select
        min(source_line) as source_line,
        warehouse_id, warehouse_city,
        count(*) as row_count
    from raw
    where record_type_clean in ('SALE', 'STOCK')
    group by all
),
described as (
    select * from seen where coalesce(warehouse_id, warehouse_city) is not null
)
select * from described order by source_line
