-- dim_carrier: one row per carrier.
-- The shipping mode is NOT part of this dimension: it is a choice made on the order (what the
-- customer paid for), not a property of the carrier, it has four values, and a line whose
-- carrier is missing but whose mode is known must stay analysable by mode. So fact_sales keeps
-- `shipping_mode` as a degenerate attribute, and carrier_key -1 means exactly "carrier unknown".
with carriers as (
  select carrier_id, carrier_name, source_line
  from stg_carriers
  where carrier_id is not null
),
referenced as (
  select distinct carrier_id from stg_order_lines
),
inferred as (
  select
    r.carrier_id,
    'unknown' as carrier_name,
    cast(null as bigint) as source_line
  from referenced r
  where r.carrier_id is not null
    and not exists (select 1 from carriers c where c.carrier_id = r.carrier_id)
),
members as (
  select *, false as is_inferred from carriers
  union all
  select *, true as is_inferred from inferred
),
keyed as (
  select
    cast(row_number() over (order by carrier_id) as integer) as carrier_key,
    carrier_id,
    coalesce(carrier_name, 'unknown') as carrier_name,
    is_inferred,
    source_line
  from members
),
unknown_member as (
  select
    -1 as carrier_key,
    'unknown' as carrier_id,
    'unknown' as carrier_name,
    false as is_inferred,
    cast(null as bigint) as source_line
),
final as (
  select * from unknown_member
  union all
  select * from keyed
)
select * from final
