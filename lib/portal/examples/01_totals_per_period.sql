-- title: Totals per period, every area and category
-- needs: sales_by_period_area_category(period, geo_code, category, net_amount, orders, units)
-- show: chart
select period, net_amount, orders, units
from sales_by_period_area_category
where geo_code = 'All' and category = 'All' and period <> 'All'
order by period
