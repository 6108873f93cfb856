-- title: Net sales by area over the whole period, confidential cells included
-- needs: sales_by_period_area_category(period, geo_code, geo_name, category, net_amount, flag)
-- show: table
-- The finest areas only (dimension_codes.finest): no area that includes another.
select s.geo_code, s.geo_name, c.parent as part_of, s.net_amount, s.flag
from sales_by_period_area_category s
join dimension_codes c
  on c.table_name = 'sales_by_period_area_category' and c.dimension = 'geo_code' and c.code = s.geo_code
where s.period = 'All' and s.category = 'All' and c.finest
order by s.net_amount desc nulls last, s.geo_code
