-- od_customers_by_area_profile: net purchases, orders and units of identified customers by
-- customer area x customer profile (business, person by age band, unknown) x gender, over
-- the whole release period, with every margin. The profile dimension makes the complement
-- explicit: persons + businesses + unknown = all identified customers, the population of
-- the sales tables, so the business customers of an area are a cell of their own, held to the
-- business rules (3 businesses, dominance), instead of the difference of two published tables.
-- The profile of a customer is that of the dim_customer version valid at the order date.
-- Reads the Sales mart only. {{geo_level}}, {{profile_level}} (age, type): the rung of the design
-- ladder; a rung without gender keeps only the rows at gender = All (datasets.ts).
-- {{customer_buckets}}, {{customer_bucket}}: as in od_sales_by_period_area_category.sql.
with lines as (
  select
    od_country(country, region_code, {{geo_level}}, {{large_countries}}) as country,
    od_area(country, region_code, {{geo_level}}, {{large_countries}}) as area,
    od_profile_group(customer_type, age_band, {{profile_level}}) as profile_group,
    od_profile(customer_type, age_band, {{profile_level}}) as profile,
    case when customer_type = 'PERSON' then coalesce(gender, 'unknown') else 'n/a' end as gender,
    customer_pseudonym,
    orders,
    units,
    net_amount
  from sales.customer_monthly
  where hash(customer_pseudonym) % {{customer_buckets}} = {{customer_bucket}}
),
-- Each customer's rows summed at the table's finest cell (area, profile, gender), and whether
-- that is the customer's only one (most customers have a single area and profile over the period).
leaves as (
  select country, area, profile_group, profile, gender, customer_pseudonym,
    sum(orders) as orders,
    sum(units) as units,
    sum(net_amount) as net_amount
  from lines
  group by all
),
contributions as (
  select *, count(*) over (partition by customer_pseudonym) = 1 as single_leaf
  from leaves
),
-- Per cell, what each customer contributes to it. A customer of one leaf contributes that leaf to
-- every cell above it, the same figures: such customers need no key of their own, so they are
-- grouped together (key null, single_leaf true) and counted, summed and compared inside each cell;
-- every other customer is grouped by its pseudonym, as the cells' definition reads. The same cells
-- as grouping every customer by pseudonym, for a fraction of the rows the cube emits.
per_customer as (
  select
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    case when grouping(profile) = 0 then profile when grouping(profile_group) = 0 then profile_group else 'All' end as profile,
    case when grouping(gender) = 1 then 'All' else gender end as gender,
    sum(orders) as orders,
    sum(units) as units,
    sum(net_amount) as net_amount,
    case when single_leaf then count(*) else 1 end as contributors,
    case when single_leaf then max(abs(net_amount)) else abs(sum(net_amount)) end as top_contribution,
    case when single_leaf then sum(abs(net_amount)) else abs(sum(net_amount)) end as absolute_total
  from contributions
  group by single_leaf, case when single_leaf then null else customer_pseudonym end, cube(gender), grouping sets ((country, area), (country), ()), grouping sets ((profile_group, profile), (profile_group), ())
  -- a country with a single area (every country but France) is that area: one row, not two; at
  -- NUTS-1 level no country level at all (All is the sum of the areas)
  having not (grouping(area) = 1 and grouping(country) = 0 and (country <> 'FR' or {{geo_level}} <> 'region'))
     -- a profile group without age bands (businesses, unknown, or every group at level `type`) is its own leaf
     and not (grouping(profile) = 1 and grouping(profile_group) = 0 and (profile_group <> 'person' or {{profile_level}} = 'type'))
),
cells as (
  select
    geo_code,
    profile,
    gender,
    cast(sum(net_amount) as double) as net_amount,
    cast(sum(orders) as bigint) as orders,
    cast(sum(units) as bigint) as units,
    cast(sum(contributors) as integer) as contributors,
    cast(max(top_contribution) as double) as top_contribution,
    cast(sum(absolute_total) as double) as absolute_total
  from per_customer
  group by geo_code, profile, gender
)
select * from cells
order by geo_code, profile, gender
