-- The distinct values of the searched columns of one mart table, counted, added to pii_cells
-- (table number, column number, value as text, rows holding it). The query unites one aggregate
-- per searched column, each grouped in the column's own type and cast to text once per distinct
-- value:
--   select <table number> as tbl, <column number> as col, cast(value as varchar) as value, n
--   from (select <column> as value, count(*) as n from <the table>
--         where <column> is not null group by <column>)
-- Grouped column by column, not unpivoted to (column, text) rows first: the unpivot wrote rows x
-- columns text cells before grouping them (piiScan.ts gives the measurements).
insert into pii_cells
{{cells}}
