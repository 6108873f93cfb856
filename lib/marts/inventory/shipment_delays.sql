-- inventory.shipment_delays: one row per shipment (order x carrier x shipping mode: the lines of
-- an order travel together), with the ship month, the recipient's generalised geography (the
-- customer version valid at the order date) and keyed pseudonym, and the delays. No order id:
-- the Open Data extraction needs the distribution of delays (medians are not additive) and the
-- number of distinct recipients per cell, nothing that names an order.
-- Returns are excluded (they travel the other way); undelivered shipments keep a null delay.
-- Shipments to the unknown customer member keep a null pseudonym (the extraction counts them as
-- one recipient, which can only lower a cell's contributor count: the safe direction). An order
-- whose lines name two customer versions (a source defect) is one shipment, to the first of them,
-- as in inventory.carrier_delays.
with shipped as (
  select
    cast(d.year_month as integer) as month_key,
    f.carrier_key,
    f.shipping_mode,
    f.order_id,
    f.customer_key,
    f.transit_days,
    f.delivery_delay_days
  from core.fact_sales f
  join core.dim_date d on d.date_key = f.ship_date_key
  where not f.is_return and f.ship_date_key <> -1
),
shipments as (
  select
    month_key,
    carrier_key,
    shipping_mode,
    order_id,
    min(customer_key) as customer_key,
    cast(max(transit_days) as integer) as transit_days,
    cast(max(delivery_delay_days) as integer) as delivery_delay_days
  from shipped
  group by month_key, carrier_key, shipping_mode, order_id
),
recipients as (
  select
    s.month_key,
    s.carrier_key,
    s.shipping_mode,
    c.customer_pseudonym,
    coalesce(c.country, 'unknown') as country,
    coalesce(c.region_code, 'unknown') as region_code,
    coalesce(c.region_name, 'unknown') as region_name,
    s.transit_days,
    s.delivery_delay_days
  from shipments s
  left join core.dim_customer c on c.customer_key = s.customer_key
)
select * from recipients
