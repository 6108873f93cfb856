-- suppliers: one staged row per distinct supplier description (the contact is a natural person).
with seen as (
    select
        min(source_line) as source_line,
        supplier_id, supplier_name, supplier_country, supplier_contact_name, supplier_contact_email,
        count(*) as row_count
    from raw
    where record_type_clean in ('SALE', 'STOCK')
    group by all
),
described as (
    select * from seen
    where coalesce(supplier_id, supplier_name, supplier_country, supplier_contact_name, supplier_contact_email) is not null
)
select * from described order by source_line
