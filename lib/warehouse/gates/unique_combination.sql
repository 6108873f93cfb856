-- Generic test: the columns ({{columns}}) identify one row.
select count(*) as failures
from (
  select {{columns}}
  from {{table}}
  group by {{columns}}
  having count(*) > 1
)
