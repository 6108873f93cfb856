-- title: Cells by confidentiality flag, and the empty ones (real zeros)
-- needs: sales_by_period_area_category(orders, flag)
-- show: table
select
  case when flag = 'c' then 'confidential (c)' when orders = 0 then 'published, empty (0)' else 'published' end as cells,
  count(*) as cell_count,
  round(100.0 * count(*) / sum(count(*)) over (), 1) as percent
from sales_by_period_area_category
group by all
order by cell_count desc, cells
