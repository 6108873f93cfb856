-- od_customer_sales_by_region_age_gender: purchases of customers who are natural persons
-- (customer_type PERSON in the version valid at the order date) by area x age band x
-- gender, with every margin, over the whole release period. A table about natural persons: 11 customers per cell at least.
-- Reads the Sales mart only. Time is generalised to the whole release period: measured on the
-- default data, 96 % of month, 79 % of quarter and 66 % of year detail cells fail the 11-customer
-- rule (see the release README).
-- {{customer_buckets}}, {{customer_bucket}}: the extraction runs once per bucket of customers and
-- adds the cells up (lib/opendata/model/extract.ts); with one bucket this is the whole table.
with lines as (
  select
    od_country(country, region_code) as country,
    od_area(country, region_code) as area,
    region_name,
    age_band,
    gender,
    customer_pseudonym,
    orders,
    units,
    net_amount
  from sales.customer_monthly
  where customer_type = 'PERSON'
    and hash(customer_pseudonym) % {{customer_buckets}} = {{customer_bucket}}
),
per_customer as (
  select
    case when grouping(area) = 0 then area when grouping(country) = 0 then country else 'All' end as geo_code,
    case when grouping(area) = 0 and area like 'FR-%' and area <> 'FR-UNK' then any_value(region_name) end as geo_name,
    case when grouping(age_band) = 1 then 'All' else age_band end as age_band,
    case when grouping(gender) = 1 then 'All' else gender end as gender,
    customer_pseudonym,
    sum(orders) as orders,
    sum(units) as units,
    sum(net_amount) as net_amount
  from lines
  group by customer_pseudonym, cube(age_band, gender), grouping sets ((country, area), (country), ())
  having not (grouping(area) = 1 and grouping(country) = 0 and country <> 'FR')
),
cells as (
  select
    geo_code,
    any_value(geo_name) as geo_name,
    age_band,
    gender,
    cast(sum(net_amount) as double) as net_amount,
    cast(sum(orders) as bigint) as orders,
    cast(sum(units) as bigint) as units,
    cast(count(*) as integer) as contributors,
    cast(max(abs(net_amount)) as double) as top_contribution,
    cast(sum(abs(net_amount)) as double) as absolute_total
  from per_customer
  group by geo_code, age_band, gender
)
select * from cells
order by geo_code, age_band, gender
