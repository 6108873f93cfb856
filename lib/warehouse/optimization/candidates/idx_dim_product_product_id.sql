-- CANDIDATE, NOT BUILT: measured by `npm run bench -- queries` and left out; reports/optimization.md
-- gives its last measurement and verdict. It stays here so every benchmark run re-checks the decision.
-- Why: the natural-key lookup used when a product reference arrives from outside (an analyst's
-- question, the stock alert list, the Open Data product filter). Small table, but it is joined
-- by id on every such request; the index also guarantees the id stays unique.
create unique index idx_dim_product_product_id on dim_product (product_id);
