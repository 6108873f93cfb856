-- order_lines: one staged row per SALE record, order and reference columns only.
-- Customer attributes stay in `customers`; the line keeps the version id that links them.
with lines as (
    select
        record_key, source_file, source_line, order_id, line_number, order_date, ship_date, delivery_date, sales_channel,
        customer_id, customer_version, product_id, supplier_id, carrier_id, shipping_mode, warehouse_id,
        quantity, unit_price, unit_cost, discount, freight_cost
    from raw_sale
)
select * from lines order by record_key
