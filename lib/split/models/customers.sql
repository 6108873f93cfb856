-- customers: one staged row per distinct customer attribute version, as typed in the export.
-- card_number is not selected: it never leaves the splitter (data minimisation, GDPR Art. 5(1)(c)).
with versions as (
    select
        min(source_line) as source_line,
        customer_version,
        customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
        gender, street, postal_code, city, country, segment,
        count(*) as row_count
    from raw_sale
    group by all
),
with_customer as (
    select * from versions
    where coalesce(customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
                   gender, street, postal_code, city, country, segment) is not null
)
select * from with_customer order by source_line
