-- Independent totals for the supplier table: inventory.supplier_performance (per supplier and
-- month, without categories), which the extraction does not read.
with performance as (
  select units_received, units_on_order_at_open from inventory.supplier_performance
)
select cast(sum(units_received) as bigint) as units_received, cast(sum(units_on_order_at_open) as bigint) as units_on_order_at_open
from performance
