-- title: Cells by confidentiality status
-- needs: sales_by_period_region_category
-- show: table
select status, count(*) as cells, round(100.0 * count(*) / sum(count(*)) over (), 1) as percent
from sales_by_period_region_category
group by status
order by cells desc, status
