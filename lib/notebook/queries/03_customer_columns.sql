-- 03_customer_columns: the columns of dim_customer and their types; an `_enc` column holds a
-- ciphertext, every other column is in clear.
select column_name, column_type from (describe dim_customer) order by column_name
