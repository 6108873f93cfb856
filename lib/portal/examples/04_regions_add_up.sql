-- title: Why the published régions do not add up to France
-- needs: sales_by_period_region_category
-- show: table
with france as (
  select period, net_amount as france
  from sales_by_period_region_category
  where geo_code = 'FR' and category = 'All'
),
regions as (
  select
    period,
    round(sum(net_amount), 2) as published_regions,
    count(*) filter (where flag = 'c') as confidential_regions
  from sales_by_period_region_category
  where geo_code like 'FR-%' and category = 'All'
  group by period
)
select period, france, published_regions, confidential_regions
from france
join regions using (period)
order by period
