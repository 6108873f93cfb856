-- carriers: one staged row per distinct carrier description on SALE records.
with seen as (
    select
        min(source_line) as source_line,
        carrier_id, carrier_name,
        count(*) as row_count
    from raw_sale
    group by all
),
described as (
    select * from seen where coalesce(carrier_id, carrier_name) is not null
)
select * from described order by source_line
