-- raw_sale: the SALE records of the export, with the id of the customer attribute version they carry.
-- The version id hashes the customer columns exactly as typed; cleansing later merges versions that
-- differ only by whitespace or casing (near duplicates).
with sale as (
    select * from raw where record_type_clean = 'SALE'
),
versioned as (
    select
        *,
        md5(concat_ws(chr(31),
            coalesce(customer_id, chr(0)), coalesce(customer_type, chr(0)), coalesce(company_name, chr(0)),
            coalesce(first_name, chr(0)), coalesce(last_name, chr(0)), coalesce(email, chr(0)),
            coalesce(phone, chr(0)), coalesce(birth_date, chr(0)), coalesce(gender, chr(0)),
            coalesce(street, chr(0)), coalesce(postal_code, chr(0)), coalesce(city, chr(0)),
            coalesce(country, chr(0)), coalesce(segment, chr(0))
        )) as customer_version
    from sale
)
select * from versioned
