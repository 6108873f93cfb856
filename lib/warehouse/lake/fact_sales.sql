-- fact_sales as a lake table: partitioned by the year and month of the order date (Hive layout
-- year=YYYY/month=M), which is how analysts filter it, so a query on one month reads one folder.
-- Ordered for deterministic files.
with sales as (
  select f.*, d.year, d.month
  from fact_sales f
  left join dim_date d on d.date_key = f.order_date_key
)
select * from sales
order by order_date_key, order_id, line_number
