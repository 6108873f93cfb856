-- Every customer number the warehouse will hold: the cleansed customers and the customers
-- referenced by order lines (a line whose customer has no attribute row still gets a
-- pseudonym, as an inferred member of dim_customer). Ordered, so that the build is
-- deterministic. The ids leave DuckDB only to be pseudonymised in Node (no hmac in DuckDB).
-- The ERASED sentinel (customers erased under GDPR Art. 17, replaced at the split stage) is no
-- customer: it maps to the dedicated "erased customer" member (-2) and gets no pseudonym or key.
with referenced as (
  select customer_id from stg_customers
  union
  select customer_id from stg_order_lines
)
select customer_id
from referenced
where customer_id is not null
  and customer_id <> 'ERASED'
order by customer_id
