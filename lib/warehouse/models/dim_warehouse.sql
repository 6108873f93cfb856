-- dim_warehouse: one row per warehouse, with its geography (commune, département, région)
-- found by matching the city name to the etalab communes (ref_commune_name: the most populous
-- commune of that name). A city that matches no commune keeps 'unknown' geography.
with warehouses as (
  select warehouse_id, warehouse_city, source_line
  from stg_warehouses
  where warehouse_id is not null
),
referenced as (
  select warehouse_id from stg_order_lines
  union
  select warehouse_id from stg_stock_snapshots
),
inferred as (
  select
    r.warehouse_id,
    cast(null as varchar) as warehouse_city,
    cast(null as bigint) as source_line
  from referenced r
  where r.warehouse_id is not null
    and not exists (select 1 from warehouses w where w.warehouse_id = r.warehouse_id)
),
members as (
  select *, false as is_inferred from warehouses
  union all
  select *, true as is_inferred from inferred
),
located as (
  select
    m.*,
    g.commune_code,
    g.departement_code,
    g.departement_name,
    g.region_code,
    g.region_name
  from members m
  left join ref_commune_name g on g.name_key = place_name_key(m.warehouse_city)
),
keyed as (
  select
    cast(row_number() over (order by warehouse_id) as integer) as warehouse_key,
    warehouse_id,
    coalesce(warehouse_city, 'unknown') as warehouse_city,
    coalesce(commune_code, 'unknown') as commune_code,
    coalesce(departement_code, 'unknown') as departement_code,
    coalesce(departement_name, 'unknown') as departement_name,
    coalesce(region_code, 'unknown') as region_code,
    coalesce(region_name, 'unknown') as region_name,
    is_inferred,
    source_line
  from located
),
unknown_member as (
  select
    -1 as warehouse_key,
    'unknown' as warehouse_id,
    'unknown' as warehouse_city,
    'unknown' as commune_code,
    'unknown' as departement_code,
    'unknown' as departement_name,
    'unknown' as region_code,
    'unknown' as region_name,
    false as is_inferred,
    cast(null as bigint) as source_line
),
final as (
  select * from unknown_member
  union all
  select * from keyed
)
select * from final
