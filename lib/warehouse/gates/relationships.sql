-- Generic test: every non-null {{column}} of {{table}} exists in {{to_table}}.{{to_column}}
-- (a fact never points to a dimension row that does not exist).
select count(*) as failures
from {{table}} t
where t.{{column}} is not null
  and not exists (select 1 from {{to_table}} d where d.{{to_column}} = t.{{column}})
