-- inventory.dim_supplier: suppliers (company data only; the contact person never reached the
-- warehouse).
with suppliers as (
  select supplier_key, supplier_id, supplier_name, supplier_country, is_inferred
  from core.dim_supplier
)
select * from suppliers
