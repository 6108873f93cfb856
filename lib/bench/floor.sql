-- The floor of the pipeline benchmark: the least work any pipeline on this engine must do with the
-- raw export. One scan of the file, the SALE records kept, each sale-line column cast to its type
-- (try_cast: a value that does not parse is null, no cleansing rule runs), written as Parquet.
with raw as (
    select * from read_csv({{input}},
        header = true, columns = {{{columns}}}, delim = ',', quote = '"', escape = '"',
        strict_mode = false, ignore_errors = true, null_padding = false, max_line_size = 10000000)
),
sale_lines as (
    select
        order_id,
        try_cast(line_number as integer) as line_number,
        try_cast(order_date as date) as order_date,
        try_cast(ship_date as date) as ship_date,
        try_cast(delivery_date as date) as delivery_date,
        sales_channel,
        customer_id,
        product_id,
        supplier_id,
        carrier_id,
        shipping_mode,
        warehouse_id,
        try_cast(quantity as integer) as quantity,
        try_cast(unit_price as decimal(12, 2)) as unit_price,
        try_cast(unit_cost as decimal(12, 2)) as unit_cost,
        try_cast(discount as decimal(5, 4)) as discount,
        try_cast(freight_cost as decimal(12, 2)) as freight_cost
    from raw
    where record_type = 'SALE'
)
select * from sale_lines
