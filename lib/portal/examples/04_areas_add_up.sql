-- title: Why the published areas do not add up to the total
-- needs: sales_by_period_area_category(period, geo_code, category, net_amount, flag)
-- show: table
with total as (
  select period, net_amount as total
  from sales_by_period_area_category
  where geo_code = 'All' and category = 'All'
),
areas as (
  select
    s.period,
    round(sum(s.net_amount), 2) as published_areas,
    count(*) filter (where s.flag = 'c') as confidential_areas
  from sales_by_period_area_category s
  join dimension_codes c
    on c.table_name = 'sales_by_period_area_category' and c.dimension = 'geo_code' and c.code = s.geo_code
  where c.finest and s.category = 'All'
  group by s.period
)
select period, total, published_areas, round(total - published_areas, 2) as confidential_areas_together, confidential_areas
from total
join areas using (period)
order by period = 'All', period
