-- stock_snapshots: one staged row per STOCK record.
with snapshots as (
    select
        record_key, source_file, source_line, snapshot_date, product_id, warehouse_id, supplier_id, unit_cost,
        stock_on_hand, units_on_order, reorder_level, units_received
    from raw_stock
)
select * from snapshots order by record_key
