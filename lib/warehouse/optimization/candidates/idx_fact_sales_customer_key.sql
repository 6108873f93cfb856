-- CANDIDATE, NOT BUILT: measured by `npm run bench -- queries` and left out; reports/optimization.md
-- gives its last measurement and verdict. It stays here so every benchmark run re-checks the decision.
-- Why: the second half of a data-subject request: all the order lines of the customer's
-- versions (a handful of customer_key values among millions of lines). Highly selective point
-- lookups are the case where an ART index beats DuckDB's zone maps, which only help on sorted
-- or clustered columns (fact_sales is not ordered by customer).
create index idx_fact_sales_customer_key on fact_sales (customer_key);
