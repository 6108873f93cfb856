-- 03_lake_partitions: the Hive-partitioned Parquet copy of fact_sales ({{lake}}), read back:
-- per year, the month partitions and the order lines they hold.
select
  cast(year as integer) as year,
  cast(count(distinct month) as integer) as partitions,
  cast(count(*) as integer) as order_lines
from read_parquet({{lake}}, hive_partitioning = true)
group by year
order by year
