-- title: Totals per period, every area and category
-- needs: sales_by_period_region_category
-- show: chart
select period, net_amount, orders, units
from sales_by_period_region_category
where geo_code = 'All' and category = 'All' and period <> 'All'
order by period
