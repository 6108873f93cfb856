-- Reconciliation of money to the cent: the net amount of the cleansed order lines, recomputed
-- here independently with DECIMAL arithmetic (gross = quantity x unit price; net = gross x
-- (1 - discount), exact), equals the sum of fact_sales.net_amount; same for quantity and gross.
with staged as (
  select
    sum(cast(quantity as bigint)) as quantity,
    sum(cast(quantity * unit_price as decimal(18, 2))) as gross,
    sum(cast(quantity * unit_price as decimal(18, 2)) * (1 - coalesce(discount, 0))) as net
  from stg_order_lines
),
facts as (
  select
    sum(cast(quantity as bigint)) as quantity,
    sum(cast(gross_amount as decimal(18, 2))) as gross,
    sum(net_amount) as net
  from fact_sales
)
select
  cast(
    (case when coalesce(s.quantity, 0) <> coalesce(f.quantity, 0) then 1 else 0 end)
    + (case when coalesce(s.gross, 0) <> coalesce(f.gross, 0) then 1 else 0 end)
    + (case when coalesce(s.net, 0) <> coalesce(f.net, 0) then 1 else 0 end)
  as integer) as failures,
  'net staged ' || cast(coalesce(s.net, 0) as varchar) || ' = fact ' || cast(coalesce(f.net, 0) as varchar)
    || '; gross staged ' || cast(coalesce(s.gross, 0) as varchar) || ' = fact ' || cast(coalesce(f.gross, 0) as varchar)
    || '; quantity staged ' || cast(coalesce(s.quantity, 0) as varchar) || ' = fact ' || cast(coalesce(f.quantity, 0) as varchar) as detail
from staged s, facts f
