-- fact_inventory: periodic snapshot, one row per snapshot date x product x warehouse.
--
-- stock_on_hand, units_on_order, reorder_level and stock_value_at_cost are SEMI-ADDITIVE: they
-- add up across products and warehouses on one date, never across dates (the stock of January
-- plus the stock of February is not a stock). Aggregate them over time with the last snapshot
-- of the period (view fact_inventory_period_end) or an average. units_received is a flow since
-- the previous snapshot and is additive across dates.
with snapshots as (
  -- A snapshot without a supplier takes the product's supplier.
  select
    s.* exclude (supplier_id),
    coalesce(s.supplier_id, p.supplier_id) as supplier_id
  from stg_stock_snapshots s
  left join stg_products p on p.product_id = s.product_id
),
final as (
  select
    cast(date_key(s.snapshot_date) as integer) as snapshot_date_key,
    coalesce(dp.product_key, -1) as product_key,
    coalesce(dw.warehouse_key, -1) as warehouse_key,
    coalesce(ds.supplier_key, -1) as supplier_key,
    s.stock_on_hand,
    coalesce(s.units_on_order, 0) as units_on_order,
    s.reorder_level,
    s.stock_on_hand <= s.reorder_level as below_reorder,
    s.unit_cost,
    cast(s.stock_on_hand * s.unit_cost as decimal(14, 2)) as stock_value_at_cost,
    coalesce(s.units_received, 0) as units_received,
    coalesce(s.quality_flags, '') as quality_flags,
    s.source_line,
    s.source_file
  from snapshots s
  left join dim_product dp on dp.product_id = s.product_id
  left join dim_warehouse dw on dw.warehouse_id = s.warehouse_id
  left join dim_supplier ds on ds.supplier_id = s.supplier_id
)
select * from final
