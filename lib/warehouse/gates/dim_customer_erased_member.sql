-- The "erased customer" member of dim_customer (GDPR Art. 17): exactly one row with key -2,
-- holding no personal field, and no other row may use its pseudonym 'erased'.
select
  (select case when count(*) = 1 then 0 else 1 end from dim_customer where customer_key = -2)
  + (select count(*) from dim_customer
     where customer_key = -2 and personal_enc is not null)
  + (select count(*) from dim_customer where customer_pseudonym = 'erased' and customer_key <> -2)
  as failures
