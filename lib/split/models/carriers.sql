-- carriers: one staged row per distinct carrier description (sale lines, carrier master records).
with seen as (
    select
        min(record_key) as record_key,
        arg_min(source_file, record_key) as source_file,
        arg_min(source_line, record_key) as source_line,
        carrier_id, carrier_name,
        count(*) as row_count
    from raw
    group by all
),
described as (
    select * from seen where coalesce(carrier_id, carrier_name) is not null
)
select * from described order by record_key
