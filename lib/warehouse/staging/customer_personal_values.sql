-- The distinct personal values of each customer, one row per (customer, column, value), that
-- dim_customer stores encrypted. The values leave DuckDB only to be encrypted in Node with the
-- customer's data key (AES-GCM, see lib/privacy/envelope.ts); the plaintext is kept in a TEMP
-- table of the build connection, never written to core.duckdb. UNPIVOT drops nulls: a missing
-- value stays null, it is not encrypted.
with personal_values as (
  select
    customer_id,
    company_name,
    first_name,
    last_name,
    email,
    phone,
    cast(birth_date as varchar) as birth_date,
    street,
    postal_code,
    city
  from stg_customers
  where customer_id is not null
    and customer_id <> 'ERASED' -- GDPR Art. 17: nothing of an erased customer is encrypted again
),
unpivoted as (
  unpivot personal_values
  on company_name, first_name, last_name, email, phone, birth_date, street, postal_code, city
  into name column_name value plaintext
)
select distinct customer_id, column_name, plaintext
from unpivoted
order by customer_id, column_name, plaintext
