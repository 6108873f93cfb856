-- Generic test: every non-null {{column}} is one of the declared values.
select count(*) as failures
from {{table}}
where {{column}} is not null
  and {{column}} not in ({{values}})
