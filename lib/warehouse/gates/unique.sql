-- Generic test: no two rows share a non-null value of {{column}}.
select count(*) as failures
from (
  select {{column}}
  from {{table}}
  where {{column}} is not null
  group by {{column}}
  having count(*) > 1
)
