-- dim_supplier: one row per supplier. The contact person's name and email are personal data
-- that no warehouse question needs: they are not loaded (minimisation, GDPR Art. 5(1)(c)).
-- Inferred members for supplier ids referenced by sales, snapshots or products but missing
-- from the supplier rows; unknown member -1 for a missing id.
with suppliers as (
  select supplier_id, supplier_name, supplier_country, source_line
  from stg_suppliers
  where supplier_id is not null
),
referenced as (
  select supplier_id from stg_order_lines
  union
  select supplier_id from stg_stock_snapshots
  union
  select supplier_id from stg_products
),
inferred as (
  select
    r.supplier_id,
    'unknown' as supplier_name,
    cast(null as varchar) as supplier_country,
    cast(null as bigint) as source_line
  from referenced r
  where r.supplier_id is not null
    and not exists (select 1 from suppliers s where s.supplier_id = r.supplier_id)
),
members as (
  select *, false as is_inferred from suppliers
  union all
  select *, true as is_inferred from inferred
),
keyed as (
  select
    cast(row_number() over (order by supplier_id) as integer) as supplier_key,
    supplier_id,
    coalesce(supplier_name, 'unknown') as supplier_name,
    coalesce(supplier_country, 'unknown') as supplier_country,
    is_inferred,
    source_line
  from members
),
unknown_member as (
  select
    -1 as supplier_key,
    'unknown' as supplier_id,
    'unknown' as supplier_name,
    'unknown' as supplier_country,
    false as is_inferred,
    cast(null as bigint) as source_line
),
final as (
  select * from unknown_member
  union all
  select * from keyed
)
select * from final
