-- raw_stock: the STOCK records of the export (one product in one warehouse on one date).
with stock as (
    select * from raw where record_type_clean = 'STOCK'
)
select * from stock
