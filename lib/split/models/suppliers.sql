-- suppliers: one staged row per distinct supplier description (the contact is a natural person),
-- from any record (sale lines, stock snapshots, product and supplier master records).
with seen as (
    select
        min(record_key) as record_key,
        arg_min(source_file, record_key) as source_file,
        arg_min(source_line, record_key) as source_line,
        supplier_id, supplier_name, supplier_country, supplier_contact_name, supplier_contact_email,
        count(*) as row_count
    from raw
    group by all
),
described as (
    select * from seen
    where coalesce(supplier_id, supplier_name, supplier_country, supplier_contact_name, supplier_contact_email) is not null
)
select * from described order by record_key
