-- raw_sale: the SALE records of the export, with the id of the customer attribute version they carry.
-- The version id hashes the customer columns exactly as typed; cleansing later merges versions that
-- differ only by whitespace or casing (near duplicates).
with sale as (
    select * from raw where record_type_clean = 'SALE'
),
versioned as (
    select *, customer_version_of(customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
                                  gender, street, postal_code, city, country, segment) as customer_version
    from sale
)
select * from versioned
