-- od_carrier_performance_by_carrier_mode_region: shipments and delivery delays by carrier x
-- shipping mode x recipient area over the whole release period (all margins): shipments, delivered shipments, median
-- and 90th percentile of the delivery delay (order to delivery, days) and the median transit
-- (ship to delivery). Medians are not additive: they are computed from the shipments of each cell.
-- Contributors are the distinct recipients (customers, counted as natural persons: 11 at
-- least). The cells also carry the carriers' figures (trade secrets, Directive (EU) 2016/943):
-- business_units counts the known carriers of a cell, business_top / business_total give the
-- largest carrier's shipments against the cell's, for the business frequency and dominance
-- rules (an unknown carrier is not counted as a unit but its shipments can dominate). Reads the
-- Inventory mart only. No time dimension: by year, 60 % of the detail cells fail
-- the 11-recipient rule.
with shipments as (
  select
    c.carrier_name as carrier,
    -- the unit for the business rules: a carrier the export names, or one "unknown" unit for
    -- all the carrier ids it does not know (they could be any carrier, so they count as none)
    case when c.is_inferred or c.carrier_key < 0 then -1 else c.carrier_key end as carrier_unit,
    s.shipping_mode,
    od_country(s.country, s.region_code) as country,
    od_area(s.country, s.region_code) as area,
    s.region_name,
    s.customer_pseudonym,
    s.transit_days,
    s.delivery_delay_days
  from inventory.shipment_delays s
  join inventory.dim_carrier c on c.carrier_key = s.carrier_key
),
per_recipient as (
  select
    case when grouping(carrier) = 1 then 'All' else carrier end as carrier,
    case when grouping(shipping_mode) = 1 then 'All' else shipping_mode end as shipping_mode,
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    case when grouping(area) = 0 and area like 'FR-%' and area <> 'FR-UNK' then any_value(region_name) end as geo_name,
    customer_pseudonym,
    count(*) as shipments,
    count(delivery_delay_days) as delivered_shipments
  from shipments
  group by customer_pseudonym, cube(carrier, shipping_mode), grouping sets ((country, area), (country), ())
  having not (grouping(area) = 1 and grouping(country) = 0 and country <> 'FR')
),
delays as (
  -- the same cells, from the shipments themselves: medians need the distribution, not sums
  select
    case when grouping(carrier) = 1 then 'All' else carrier end as carrier,
    case when grouping(shipping_mode) = 1 then 'All' else shipping_mode end as shipping_mode,
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    cast(quantile_cont(delivery_delay_days, 0.5) as double) as median_delivery_delay_days,
    cast(quantile_cont(delivery_delay_days, 0.9) as double) as p90_delivery_delay_days,
    cast(quantile_cont(transit_days, 0.5) as double) as median_transit_days
  from shipments
  group by cube(carrier, shipping_mode), grouping sets ((country, area), (country), ())
  having not (grouping(area) = 1 and grouping(country) = 0 and country <> 'FR')
),
per_carrier as (
  -- the same cells, split by carrier: how many carriers each cell describes, and the largest
  select
    case when grouping(carrier) = 1 then 'All' else carrier end as carrier,
    case when grouping(shipping_mode) = 1 then 'All' else shipping_mode end as shipping_mode,
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    carrier_unit,
    count(*) as shipments
  from shipments
  group by carrier_unit, cube(carrier, shipping_mode), grouping sets ((country, area), (country), ())
  having not (grouping(area) = 1 and grouping(country) = 0 and country <> 'FR')
),
carrier_units as (
  select
    carrier,
    shipping_mode,
    geo_code,
    cast(count(*) filter (where carrier_unit > 0) as integer) as business_units,
    cast(max(shipments) as bigint) as business_top,
    cast(sum(shipments) as bigint) as business_total
  from per_carrier
  group by carrier, shipping_mode, geo_code
),
counts as (
  select
    carrier,
    shipping_mode,
    geo_code,
    any_value(geo_name) as geo_name,
    cast(sum(shipments) as bigint) as shipments,
    cast(sum(delivered_shipments) as bigint) as delivered_shipments,
    cast(count(*) as integer) as contributors
  from per_recipient
  group by carrier, shipping_mode, geo_code
),
cells as (
  select c.carrier, c.shipping_mode, c.geo_code, c.geo_name, c.shipments, c.delivered_shipments,
    d.median_delivery_delay_days, d.p90_delivery_delay_days, d.median_transit_days, c.contributors,
    u.business_units, u.business_top, u.business_total
  from counts c
  join delays d using (carrier, shipping_mode, geo_code)
  join carrier_units u using (carrier, shipping_mode, geo_code)
)
select * from cells
order by carrier, shipping_mode, geo_code
