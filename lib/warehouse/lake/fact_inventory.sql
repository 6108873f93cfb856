-- fact_inventory as a lake table, partitioned by the year and month of the snapshot date.
-- Ordered for deterministic files.
with inventory as (
  select f.*, d.year, d.month
  from fact_inventory f
  left join dim_date d on d.date_key = f.snapshot_date_key
)
select * from inventory
order by snapshot_date_key, product_key, warehouse_key
