-- 03_members: for each dimension of the warehouse, its members described by the source, its
-- inferred members (an id the facts reference but the source never described) and whether the
-- unknown member (key -1: "no value") is there.
select 'dim_product' as dimension, count(*) filter (where product_key > 0 and not is_inferred)::integer as described, count(*) filter (where is_inferred)::integer as inferred, count(*) filter (where product_key = -1)::integer as unknown_member from dim_product
union all
select 'dim_supplier', count(*) filter (where supplier_key > 0 and not is_inferred)::integer, count(*) filter (where is_inferred)::integer, count(*) filter (where supplier_key = -1)::integer from dim_supplier
union all
select 'dim_carrier', count(*) filter (where carrier_key > 0 and not is_inferred)::integer, count(*) filter (where is_inferred)::integer, count(*) filter (where carrier_key = -1)::integer from dim_carrier
union all
select 'dim_warehouse', count(*) filter (where warehouse_key > 0 and not is_inferred)::integer, count(*) filter (where is_inferred)::integer, count(*) filter (where warehouse_key = -1)::integer from dim_warehouse
union all
select 'dim_channel', count(*) filter (where channel_key > 0 and not is_inferred)::integer, count(*) filter (where is_inferred)::integer, count(*) filter (where channel_key = -1)::integer from dim_channel
