-- One month of sales by product key, read from the warehouse table: the query a date order of
-- fact_sales (zone maps) is for.
select product_key, sum(net_amount) as net_amount, count(*) as order_lines
from {{table}}
where order_date_key between {{from}} and {{to}}
group by product_key
