-- Independent totals for the carrier table: inventory.carrier_delays (per month, carrier and
-- mode), which the extraction does not read.
with shipments as (
  select shipments, delivered_shipments from inventory.carrier_delays
)
select cast(sum(shipments) as bigint) as shipments, cast(sum(delivered_shipments) as bigint) as delivered_shipments
from shipments
