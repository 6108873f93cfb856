-- Every month's sales, read from Parquet: the query partitioning can only slow down (more files).
select year, month, sum(net_amount) as net_amount, count(*) as order_lines
from read_parquet({{files}}, hive_partitioning = true)
group by year, month
