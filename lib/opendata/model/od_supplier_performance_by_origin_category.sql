-- od_supplier_performance_by_origin_category: how suppliers deliver, by period x supplier origin
-- x product category (all margins): units on order at the start of each month and units received
-- (the volumes), fill rate = received / on order (capped at 1), and the average replenishment
-- delay. The additive parts are published so that reusers can re-aggregate.
-- Origin is a hierarchy: the zone (France, the rest of the European Union, outside it) and, at
-- {{origin_level}} = country, each country under its zone (supplier_origin_parent).
-- Contributors are suppliers (businesses: 3 at least; dominance on units received).
-- Reads the Inventory mart only. {{time_grain}}, {{origin_level}}: the rung of the design ladder.
with activity as (
  select
    od_period(a.month_key, {{time_grain}}) as period,
    od_origin_zone(s.supplier_country) as zone,
    case when {{origin_level}} = 'country' and od_origin_zone(s.supplier_country) not in ('FR', 'UNK') then s.supplier_country else od_origin_zone(s.supplier_country) end as country,
    a.category,
    a.supplier_key,
    a.units_on_order_at_open,
    a.units_received,
    a.replenishment_days_total,
    a.replenishment_orders
  from inventory.supplier_category_monthly a
  join inventory.dim_supplier s on s.supplier_key = a.supplier_key
),
per_supplier as (
  select
    case when grouping(period) = 1 then 'All' else period end as period,
    case when grouping(country) = 0 then country when grouping(zone) = 0 then zone else 'All' end as supplier_origin,
    -- the zone a country sits under, for the hierarchy (not published: extract.ts reads *_parent)
    case when grouping(country) = 0 and country <> zone then zone end as supplier_origin_parent,
    case when grouping(category) = 1 then 'All' else category end as category,
    supplier_key,
    sum(units_received) as units_received,
    sum(units_on_order_at_open) as units_on_order_at_open,
    sum(replenishment_days_total) as replenishment_days_total,
    sum(replenishment_orders) as replenishment_orders
  from activity
  group by supplier_key, cube(period, category), grouping sets ((zone, country), (zone), ())
  -- a zone that is its own leaf (France, unknown, or every zone at level `zone`): one row, not two
  having not (grouping(country) = 1 and grouping(zone) = 0 and (zone in ('FR', 'UNK') or {{origin_level}} = 'zone'))
),
cells as (
  select
    period,
    supplier_origin,
    category,
    any_value(supplier_origin_parent) as supplier_origin_parent,
    cast(sum(units_received) as bigint) as units_received,
    cast(sum(units_on_order_at_open) as bigint) as units_on_order_at_open,
    cast(sum(replenishment_days_total) as bigint) as replenishment_days_total,
    cast(sum(replenishment_orders) as bigint) as replenishment_orders,
    cast(case when sum(units_on_order_at_open) > 0 then round(least(sum(units_received) / sum(units_on_order_at_open), 1), 4) end as double) as fill_rate,
    cast(case when sum(replenishment_orders) > 0 then round(sum(replenishment_days_total) / sum(replenishment_orders), 1) end as double) as replenishment_delay_days,
    cast(count(*) as integer) as contributors,
    cast(max(units_received) as double) as top_contribution,
    cast(sum(units_received) as double) as absolute_total
  from per_supplier
  group by period, supplier_origin, category
)
select * from cells
order by period, supplier_origin, category
