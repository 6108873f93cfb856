-- Generic test: the expression holds on every row (a null result counts as a failure, except
-- that the expression may guard its own nulls).
select count(*) as failures
from {{table}}
where not coalesce(({{expression}}), true)
