-- Everything dim_customer holds about one customer, every SCD2 version, still encrypted: each
-- version's record of personal fields is decrypted in Node with the customer's data key
-- (Art. 15 access, Art. 20 portability). Pseudonym given as {{pseudonym}} (a SQL literal).
with versions as (
  select
    customer_key, version_number, valid_from, valid_to, is_current, is_inferred,
    customer_type, segment, gender, age_band, country, departement_code, departement_name,
    region_code, region_name,
    personal_enc
  from dim_customer
  where customer_pseudonym = {{pseudonym}}
)
select * from versions order by version_number
