-- One month of sales by product key, read from Parquet: the query partition pruning is for.
select product_key, sum(net_amount) as net_amount, count(*) as order_lines
from read_parquet({{files}}, hive_partitioning = true)
where year = {{year}} and month = {{month}}
group by product_key
