-- od_delivery_performance_by_mode_area: shipments and delivery delays by period x shipping mode x
-- recipient area (all margins): shipments, delivered shipments, median and 90th percentile of the
-- delivery delay (order to delivery, days) and the median transit (ship to delivery). Medians are
-- not additive: they are computed from the shipments of each cell.
-- No carrier dimension: a row naming one carrier would be that business's figure (a trade secret,
-- Directive (EU) 2016/943), confidential by construction. Every cell aggregates carriers instead:
-- business_units counts the known carriers of a cell, business_top / business_total give the
-- largest carrier's shipments against the cell's, for the business rules (3 carriers at least,
-- none above 85 %; an unknown carrier is not counted as a unit but its shipments can dominate).
-- Contributors are the distinct recipients (natural persons: 11 at least); shipments to an
-- unidentified customer count as one recipient. Reads the Inventory mart only.
-- {{time_grain}}, {{geo_level}}, {{mode_level}} (mode, or grouped: same day with express): the
-- rung of the design ladder.
with shipments as (
  select
    od_period_key(s.month_key, {{time_grain}}) as period_key,
    -- the unit for the business rules: a carrier the export names, or one "unknown" unit for
    -- all the carrier ids it does not know (they could be any carrier, so they count as none)
    case when c.is_inferred or c.carrier_key < 0 then -1 else c.carrier_key end as carrier_unit,
    od_mode(s.shipping_mode, {{mode_level}}) as shipping_mode,
    od_country(s.country, s.region_code, {{geo_level}}, {{large_countries}}) as country,
    od_area(s.country, s.region_code, {{geo_level}}, {{large_countries}}) as area,
    od_customer_hi(s.customer_pseudonym) as customer_hi,
    od_customer_lo(s.customer_pseudonym) as customer_lo,
    s.transit_days,
    s.delivery_delay_days
  from inventory.shipment_delays s
  join inventory.dim_carrier c on c.carrier_key = s.carrier_key
  -- the release period is that of the sales (period.sql): an order of late December shipped in
  -- January of the next year is left out, rather than open a year of a few days
  where s.month_key <= (select max(month_key) from sales.customer_monthly)
),
-- Grouped by the two numbers of each pseudonym's digits and by the period's number (macros.sql):
-- the same groups as by the texts, cheaper to hash; the period's text is put back on the cells.
per_recipient as (
  select
    case when grouping(period_key) = 1 then -1 else period_key end as period_key,
    case when grouping(shipping_mode) = 1 then 'All' else shipping_mode end as shipping_mode,
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    count(*) as shipments,
    count(delivery_delay_days) as delivered_shipments
  from shipments
  group by customer_hi, customer_lo, cube(period_key, shipping_mode), grouping sets ((country, area), (country), ())
  -- a country with a single area (every country but France) is that area: one row, not two; at
  -- NUTS-1 level no country level at all (All is the sum of the areas)
  having not (grouping(area) = 1 and grouping(country) = 0 and (country <> 'FR' or {{geo_level}} <> 'region'))
),
delays as (
  -- the same cells, from the shipments themselves: medians need the distribution, not sums
  select
    case when grouping(period_key) = 1 then -1 else period_key end as period_key,
    case when grouping(shipping_mode) = 1 then 'All' else shipping_mode end as shipping_mode,
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    cast(quantile_cont(delivery_delay_days, 0.5) as double) as median_delivery_delay_days,
    cast(quantile_cont(delivery_delay_days, 0.9) as double) as p90_delivery_delay_days,
    cast(quantile_cont(transit_days, 0.5) as double) as median_transit_days
  from shipments
  group by cube(period_key, shipping_mode), grouping sets ((country, area), (country), ())
  -- a country with a single area (every country but France) is that area: one row, not two; at
  -- NUTS-1 level no country level at all (All is the sum of the areas)
  having not (grouping(area) = 1 and grouping(country) = 0 and (country <> 'FR' or {{geo_level}} <> 'region'))
),
per_carrier as (
  -- the same cells, split by carrier: how many carriers each cell describes, and the largest
  select
    case when grouping(period_key) = 1 then -1 else period_key end as period_key,
    case when grouping(shipping_mode) = 1 then 'All' else shipping_mode end as shipping_mode,
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    carrier_unit,
    count(*) as shipments
  from shipments
  group by carrier_unit, cube(period_key, shipping_mode), grouping sets ((country, area), (country), ())
  -- a country with a single area (every country but France) is that area: one row, not two; at
  -- NUTS-1 level no country level at all (All is the sum of the areas)
  having not (grouping(area) = 1 and grouping(country) = 0 and (country <> 'FR' or {{geo_level}} <> 'region'))
),
carrier_units as (
  select
    period_key,
    shipping_mode,
    geo_code,
    cast(count(*) filter (where carrier_unit > 0) as integer) as business_units,
    cast(max(shipments) as bigint) as business_top,
    cast(sum(shipments) as bigint) as business_total
  from per_carrier
  group by period_key, shipping_mode, geo_code
),
counts as (
  select
    period_key,
    shipping_mode,
    geo_code,
    cast(sum(shipments) as bigint) as shipments,
    cast(sum(delivered_shipments) as bigint) as delivered_shipments,
    cast(count(*) as integer) as contributors
  from per_recipient
  group by period_key, shipping_mode, geo_code
),
cells as (
  select od_period_label(c.period_key, {{time_grain}}) as period, c.shipping_mode, c.geo_code, c.shipments, c.delivered_shipments,
    d.median_delivery_delay_days, d.p90_delivery_delay_days, d.median_transit_days, c.contributors,
    u.business_units, u.business_top, u.business_total
  from counts c
  join delays d using (period_key, shipping_mode, geo_code)
  join carrier_units u using (period_key, shipping_mode, geo_code)
)
select * from cells
order by period, shipping_mode, geo_code
