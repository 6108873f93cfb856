-- 03_customer_columns: the columns of dim_customer and their types; the `_enc` column holds the
-- ciphertext of each row's personal fields, every other column is in clear.
select column_name, column_type from (describe dim_customer) order by column_name
