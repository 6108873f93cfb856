-- 03_table_rows: the rows of one warehouse table.
select cast(count(*) as integer) as rows from {{table}}
