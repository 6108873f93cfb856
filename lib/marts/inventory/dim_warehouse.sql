-- inventory.dim_warehouse: warehouses with their geography, copied from core.
with warehouses as (
  select warehouse_key, warehouse_id, warehouse_city, commune_code, departement_code, departement_name, region_code, region_name, is_inferred
  from core.dim_warehouse
)
select * from warehouses
