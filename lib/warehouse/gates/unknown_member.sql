-- Generic test: the dimension has exactly one unknown member row ({{column}} = {{value}}), so
-- that a fact with a missing reference is kept and counted instead of dropped.
select case when count(*) = 1 then 0 else 1 end as failures
from {{table}}
where {{column}} = {{value}}
