-- customers: one staged row per distinct customer attribute version, as typed in the export: the
-- versions sale lines carry, and those of customer master records (a customer without any sale).
-- card_number is not selected: it never leaves the splitter (data minimisation, GDPR Art. 5(1)(c)).
-- The version id is a function of the columns grouped on: it is computed once per version, after
-- the grouping, not once per sale line (the same rows and ids as grouping on it too).
with carried as (
    select record_key, source_file, source_line,
        customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
        gender, street, postal_code, city, country, segment, record_type_clean = 'CUSTOMER' as is_master
    from raw where record_type_clean in ('SALE', 'CUSTOMER')
),
versions as (
    select
        min(record_key) as record_key,
        arg_min(source_file, record_key) as source_file,
        arg_min(source_line, record_key) as source_line,
        customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
        gender, street, postal_code, city, country, segment,
        count(*) filter (where not is_master) as row_count,
        count(*) filter (where is_master) as master_rows
    from carried
    group by customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
        gender, street, postal_code, city, country, segment
),
with_customer as (
    select * from versions
    where coalesce(customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
                   gender, street, postal_code, city, country, segment) is not null
)
select record_key, source_file, source_line,
    customer_version_of(customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
                        gender, street, postal_code, city, country, segment) as customer_version,
    customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date,
    gender, street, postal_code, city, country, segment, row_count, master_rows
from with_customer order by record_key
