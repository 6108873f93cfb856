-- Question (logistics): which carriers and modes are slow? Transit and delivery delays per
-- carrier and shipping mode over the whole period, weighted by shipments.
with delays as (
  select
    carrier_key,
    shipping_mode,
    sum(shipments) as shipments,
    sum(undelivered_shipments) as undelivered_shipments,
    sum(avg_transit_days * delivered_shipments) / nullif(sum(delivered_shipments), 0) as avg_transit_days,
    max(p90_transit_days) as worst_monthly_p90_transit_days,
    sum(avg_delivery_delay_days * delivered_shipments) / nullif(sum(delivered_shipments), 0) as avg_delivery_delay_days
  from inventory.carrier_delays
  group by carrier_key, shipping_mode
)
select
  c.carrier_name,
  d.shipping_mode,
  cast(d.shipments as bigint) as shipments,
  cast(d.undelivered_shipments as bigint) as undelivered_shipments,
  round(d.avg_transit_days, 2) as avg_transit_days,
  d.worst_monthly_p90_transit_days,
  round(d.avg_delivery_delay_days, 2) as avg_delivery_delay_days
from delays d
join inventory.dim_carrier c using (carrier_key)
order by avg_transit_days desc nulls last, c.carrier_name, d.shipping_mode, c.carrier_key
