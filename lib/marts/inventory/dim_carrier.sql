-- inventory.dim_carrier: carriers, copied from core.
with carriers as (
  select carrier_key, carrier_id, carrier_name, is_inferred
  from core.dim_carrier
)
select * from carriers
