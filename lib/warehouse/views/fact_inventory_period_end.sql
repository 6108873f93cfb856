-- fact_inventory_period_end: the inventory snapshot aggregated over time the only way that is
-- right for a semi-additive measure: the LAST snapshot of each month for each product and
-- warehouse (stock levels), next to the SUM over the month of the flows (units received).
-- Analysts read monthly stock here, not by summing fact_inventory across dates.
with snapshots as (
  select f.*, d.year_month
  from fact_inventory f
  join dim_date d on d.date_key = f.snapshot_date_key
),
received_in_month as (
  select year_month, product_key, warehouse_key, sum(units_received) as units_received
  from snapshots
  group by year_month, product_key, warehouse_key
),
period_end as (
  select *
  from snapshots
  qualify snapshot_date_key = max(snapshot_date_key) over (partition by year_month, product_key, warehouse_key)
),
final as (
  select
    p.year_month,
    p.snapshot_date_key as period_end_date_key,
    p.product_key,
    p.warehouse_key,
    p.supplier_key,
    p.stock_on_hand,
    p.units_on_order,
    p.reorder_level,
    p.below_reorder,
    p.stock_value_at_cost,
    cast(r.units_received as bigint) as units_received
  from period_end p
  join received_in_month r using (year_month, product_key, warehouse_key)
)
select * from final
