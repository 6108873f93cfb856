-- Generic test: {{column}} is never null.
select count(*) as failures
from {{table}}
where {{column}} is null
