-- 03_inferred_product_sales: the sales lines that reference a product the catalogue never
-- described (inferred members of dim_product), with the attributes they carry.
select
  p.category,
  count(distinct p.product_id)::integer as products,
  count(*)::integer as order_lines,
  cast(sum(f.net_amount) as double) as net_amount
from fact_sales f
join dim_product p on p.product_key = f.product_key
where p.is_inferred
group by p.category
order by p.category
