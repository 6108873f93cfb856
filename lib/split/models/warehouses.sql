-- warehouses: one staged row per distinct warehouse description (sale lines, stock snapshots,
-- warehouse master records).
with seen as (
    select
        min(record_key) as record_key,
        arg_min(source_file, record_key) as source_file,
        arg_min(source_line, record_key) as source_line,
        warehouse_id, warehouse_city,
        count(*) as row_count
    from raw
    group by all
),
described as (
    select * from seen where coalesce(warehouse_id, warehouse_city) is not null
)
select * from described order by record_key
