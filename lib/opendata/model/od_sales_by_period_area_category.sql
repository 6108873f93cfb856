-- od_sales_by_period_area_category: net sales, orders and units sold to identified customers by
-- period x customer area x product category, with every margin ("All") published, and per cell
-- what the confidentiality rules need: distinct customers (contributors), the largest customer's
-- absolute net amount and the sum of absolute amounts (dominance on absolute contributions,
-- returns included). Reads the Sales mart only.
-- {{time_grain}} (month, quarter, year) and {{geo_level}} (region, nuts1): the rung of the design
-- ladder (designs.json) the release measured and chose.
-- {{customer_buckets}}, {{customer_bucket}}: the extraction runs once per bucket of customers and
-- adds the cells up (lib/opendata/model/extract.ts); with one bucket this is the whole table.
with lines as (
  select
    od_period_key(month_key, {{time_grain}}) as period_key,
    od_country(country, region_code, {{geo_level}}, {{large_countries}}) as country,
    od_area(country, region_code, {{geo_level}}, {{large_countries}}) as area,
    category,
    od_customer_hi(customer_pseudonym) as customer_hi,
    od_customer_lo(customer_pseudonym) as customer_lo,
    orders,
    units,
    net_amount
  from sales.customer_monthly
  where hash(customer_pseudonym) % {{customer_buckets}} = {{customer_bucket}}
),
-- Grouped by the two numbers of each pseudonym's digits and by the period's number (macros.sql):
-- the same groups as by the texts, cheaper to hash; the period's text is put back on the cells.
per_customer as (
  select
    case when grouping(period_key) = 1 then -1 else period_key end as period_key,
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    case when grouping(category) = 1 then 'All' else category end as category,
    sum(orders) as orders,
    sum(units) as units,
    sum(net_amount) as net_amount
  from lines
  group by customer_hi, customer_lo, cube(period_key, category), grouping sets ((country, area), (country), ())
  -- a country with a single area (every country but France) is that area: one row, not two; at
  -- NUTS-1 level no country level at all (All is the sum of the areas)
  having not (grouping(area) = 1 and grouping(country) = 0 and (country <> 'FR' or {{geo_level}} <> 'region'))
),
cells as (
  select
    period_key,
    geo_code,
    category,
    cast(sum(net_amount) as double) as net_amount,
    cast(sum(orders) as bigint) as orders,
    cast(sum(units) as bigint) as units,
    cast(count(*) as integer) as contributors,
    cast(max(abs(net_amount)) as double) as top_contribution,
    cast(sum(abs(net_amount)) as double) as absolute_total
  from per_customer
  group by period_key, geo_code, category
)
select
  od_period_label(period_key, {{time_grain}}) as period,
  * exclude (period_key)
from cells
order by period, geo_code, category
