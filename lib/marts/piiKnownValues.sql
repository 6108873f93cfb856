-- The known personal values the marts must never contain: every direct identifier of a person
-- in the cleansed customers and suppliers (customer numbers, names, full names, emails, phones,
-- streets, birth dates; supplier contacts' names and emails). One row per (kind, value).
-- Values shorter than 3 characters are left out: they would match codes, not people.
-- Values that are also public vocabulary the marts legitimately hold are left out too: a first
-- name that is a département ("Aude"), a holiday ("Noël") or a month or weekday name
-- ("April") in a mart is that public word, and identifies nobody.
-- Reference codes are not left out: a customer number that is also a stock code (Online Retail's
-- 17850) is still that customer in a text column. Where the same digits are a product's code, a
-- quantity or a key, the scans do not search customer numbers at all: the role of each column
-- (lib/marts/columnRoles.ts) decides.
-- Emails are compared in lower case; the other values exactly as cleansed.
with public_vocabulary as (
  select nom as word from read_json({{departements}})
  union select nom from read_json({{regions}})
  union select unnest([
    'Jour de l''an', 'Lundi de Pâques', 'Fête du Travail', 'Victoire 1945', 'Ascension',
    'Lundi de Pentecôte', 'Fête nationale', 'Assomption', 'Toussaint', 'Armistice 1918', 'Noël',
    'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
    'October', 'November', 'December',
    'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'
  ])
),
customers as (
  select * from read_parquet({{customers}})
),
suppliers as (
  select * from read_parquet({{suppliers}})
),
candidates as (
  select 'customer_id' as kind, customer_id as value from customers
  union all select 'first_name', first_name from customers
  union all select 'last_name', last_name from customers
  union all select 'full_name', first_name || ' ' || last_name from customers
  union all select 'email', lower(email) from customers
  union all select 'phone', phone from customers
  union all select 'street', street from customers
  union all select 'birth_date', cast(birth_date as varchar) from customers
  union all select 'supplier_contact_name', contact_name from suppliers
  union all select 'supplier_contact_email', lower(contact_email) from suppliers
)
select distinct kind, value
from candidates
where value is not null
  and length(value) >= 3
  and value not in (select word from public_vocabulary)
