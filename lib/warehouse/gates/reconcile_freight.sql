-- Reconciliation of freight: per order, the allocated freight of its lines sums exactly to the
-- order's freight (largest-remainder allocation); in total, to the cent.
with order_freight as (
  select order_id, max(freight_cost) as freight_cost
  from stg_order_lines
  group by order_id
),
allocated as (
  select order_id, sum(freight_allocated) as freight_allocated
  from fact_sales
  group by order_id
),
mismatched as (
  select o.order_id
  from order_freight o
  left join allocated a using (order_id)
  where o.freight_cost is distinct from a.freight_allocated
)
select
  cast(count(*) as integer) as failures,
  'orders whose lines do not sum to the order freight: ' || cast(count(*) as varchar)
    || '; total freight ' || cast((select coalesce(sum(freight_cost), 0) from order_freight) as varchar)
    || ' = allocated ' || cast((select coalesce(sum(freight_allocated), 0) from fact_sales) as varchar) as detail
from mismatched
