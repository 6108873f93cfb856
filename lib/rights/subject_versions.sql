-- Everything dim_customer holds about one customer, every SCD2 version, still encrypted: the
-- ciphertexts are decrypted in Node with the customer's data key (Art. 15 access, Art. 20
-- portability). Pseudonym given as {{pseudonym}} (a SQL literal).
with versions as (
  select
    customer_key, version_number, valid_from, valid_to, is_current, is_inferred,
    customer_type, segment, gender, age_band, country, departement_code, departement_name,
    region_code, region_name,
    company_name_enc, first_name_enc, last_name_enc, email_enc, phone_enc, birth_date_enc,
    street_enc, postal_code_enc, city_enc
  from dim_customer
  where customer_pseudonym = {{pseudonym}}
)
select * from versions order by version_number
