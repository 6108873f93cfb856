-- title: Net sales by région over the whole period, confidential cells included
-- needs: sales_by_period_region_category
-- show: table
select geo_code, geo_name, net_amount, status, flag
from sales_by_period_region_category
where period = 'All' and category = 'All' and geo_code like 'FR-__'
order by net_amount desc nulls last, geo_code
