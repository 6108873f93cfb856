-- table_rows: the rows of one table ({{table}}, a name the notebook takes from the model list).
select cast(count(*) as integer) as rows from {{table}}
