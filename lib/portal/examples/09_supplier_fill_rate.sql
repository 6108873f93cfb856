-- title: Suppliers' fill rate by origin zone and period
-- needs: supplier_performance_by_origin_category(period, supplier_origin, fill_rate, -category)
-- show: chart
-- Level 1 of supplier_origin: France, the rest of the EU, outside the EU (countries, when a design keeps them, are level 2).
select s.period, s.supplier_origin, s.fill_rate
from supplier_performance_by_origin_category s
join dimension_codes c
  on c.table_name = 'supplier_performance_by_origin_category' and c.dimension = 'supplier_origin' and c.code = s.supplier_origin
where s.period <> 'All' and c.level = 1
order by s.period, s.supplier_origin
