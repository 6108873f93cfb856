-- Independent totals for the delivery table: inventory.carrier_delays (per month, carrier and
-- mode), which the extraction does not read, over the same months (the sales' release period).
with shipments as (
  select shipments, delivered_shipments
  from inventory.carrier_delays
  where cast(month_key as integer) <= (select max(month_key) from sales.customer_monthly)
)
select cast(sum(shipments) as bigint) as shipments, cast(sum(delivered_shipments) as bigint) as delivered_shipments
from shipments
