-- inventory.carrier_delays: per month (of the ship date), carrier and shipping mode, how long
-- deliveries take. transit = delivery date - ship date (the carrier's part); delivery delay =
-- delivery date - order date (what the customer waited). Lines without a delivery date are
-- counted as undelivered, not averaged as zero. Returns are excluded (they travel the other way).
with shipped as (
  select
    d.year_month as month_key,
    f.carrier_key,
    f.shipping_mode,
    f.order_id,
    f.transit_days,
    f.delivery_delay_days
  from core.fact_sales f
  join core.dim_date d on d.date_key = f.ship_date_key
  where not f.is_return and f.ship_date_key <> -1
),
orders as (
  -- one shipment per order, carrier and mode: the lines of an order travel together
  select month_key, carrier_key, shipping_mode, order_id, max(transit_days) as transit_days, max(delivery_delay_days) as delivery_delay_days
  from shipped
  group by all
),
final as (
  select
    month_key,
    carrier_key,
    shipping_mode,
    cast(count(*) as integer) as shipments,
    cast(count(transit_days) as integer) as delivered_shipments,
    cast(count(*) - count(transit_days) as integer) as undelivered_shipments,
    cast(round(avg(transit_days), 2) as double) as avg_transit_days,
    cast(quantile_cont(transit_days, 0.5) as double) as median_transit_days,
    cast(quantile_cont(transit_days, 0.9) as double) as p90_transit_days,
    cast(round(avg(delivery_delay_days), 2) as double) as avg_delivery_delay_days
  from orders
  group by month_key, carrier_key, shipping_mode
)
select * from final
