-- fact_sales: one row per order line (returns included, as negative quantities).
--
-- Money is DECIMAL end to end: gross = quantity x unit price (exact); discount = gross x rate and
-- net = gross - discount, exact to 6 decimals (a return cancels its sale exactly); no line is
-- rounded to the cent, an aggregate is, once. The order's freight is split across its lines pro rata of the absolute gross amount
-- (equal shares when every line is zero), in whole cents, the cents left over by flooring going
-- to the largest remainders (ties: lowest line number): the lines of an order sum exactly to
-- its freight. An unknown freight stays null (unknown, not zero).
--
-- Every dimension reference resolves to a surrogate key; a missing reference points to the
-- unknown member (-1), so no line is ever dropped by a join.
--
-- Each input is read where it is needed (stg_order_lines is a view of a Parquet file): the
-- freight allocation from a narrow projection of the lines, joined back on the line's source
-- file and line; no 10-million-row intermediate is materialised and read twice.
--
-- The join back is on one BIGINT per line (line_key: the file's number in the export, then its
-- line), not on the pair (source_file, source_line): a file name of more than 12 characters is
-- stored apart from its row, so each of the two hash tables of 10 M lines carried it once per
-- line, and under the build's memory limit the statement spilled to encrypted temporary files
-- (1.8 GB at 10 M rows). keyed_lines is NOT MATERIALIZED: each reader scans the Parquet view for
-- the columns it needs instead of DuckDB copying every column of every line once for all.
with source_files as (
  select source_file, cast(row_number() over (order by source_file) as bigint) as file_no
  from (select distinct source_file from stg_order_lines where source_file is not null)
),
keyed_lines as not materialized (
  -- source_line < 2^40 and fewer than 2^23 files: the key is unique as the pair is (a build gate).
  -- A line without a source file gets a null key and matches nothing, as the pair's join did.
  select l.*, (f.file_no << 40) | l.source_line as line_key
  from stg_order_lines l
  left join source_files f on f.source_file = l.source_file
),
order_freight as (
  -- Freight is repeated on every line of an order; max() picks it (and ignores a null line).
  select order_id, max(freight_cost) as freight_cost
  from stg_order_lines
  group by order_id
),
freight_weights as (
  select
    l.line_key,
    l.order_id,
    l.line_number,
    cast(abs(cast(o.freight_cost * 100 as bigint)) as hugeint) as freight_cents,
    sign(o.freight_cost) as freight_sign,
    -- the line's gross amount, as in `amounts` below
    cast(coalesce(abs(cast(cast(l.quantity * l.unit_price as decimal(14, 2)) * 100 as bigint)), 0) as hugeint) as weight
  from keyed_lines l
  join order_freight o on o.order_id = l.order_id
  where o.freight_cost is not null
),
freight_shares as (
  select
    *,
    case when sum(weight) over (partition by order_id) > 0 then weight else 1 end as share_weight,
    case when sum(weight) over (partition by order_id) > 0
         then sum(weight) over (partition by order_id)
         else count(*) over (partition by order_id) end as total_weight
  from freight_weights
),
freight_floors as (
  select
    *,
    (freight_cents * share_weight) // total_weight as floor_cents,
    (freight_cents * share_weight) % total_weight as remainder
  from freight_shares
),
freight_ranked as (
  select
    *,
    freight_cents - sum(floor_cents) over (partition by order_id) as leftover_cents,
    row_number() over (partition by order_id order by remainder desc, line_number) as remainder_rank
  from freight_floors
),
freight_allocated as (
  select
    line_key,
    cast(
      cast(freight_sign * (floor_cents + case when remainder_rank <= leftover_cents then 1 else 0 end) as decimal(16, 0)) * 0.01
      as decimal(14, 2)
    ) as freight_allocated
  from freight_ranked
),
lines as (
  select
    l.*,
    p.customer_pseudonym
  from keyed_lines l
  left join customer_pseudonyms p on p.customer_id = l.customer_id
),
amounts as (
  select
    *,
    cast(quantity * unit_price as decimal(14, 2)) as gross_amount
  from lines
),
discounted as (
  select
    *,
    -- Exact: a 2-decimal gross times a 4-decimal rate has 6 decimals. Rounding each line to the
    -- cent before summing drifts from the export's own total (issue 23: 0.28 on a real extract).
    cast(gross_amount * coalesce(discount, 0) as decimal(18, 6)) as discount_amount
  from amounts
),
customer_versions as (
  -- The SCD2 row valid at the order date. An order dated before the customer's first row
  -- (cannot happen with cleansed first_order_date, but never drop a line) joins the first row.
  -- An inner join here, so that the validity test is a filter after the hash join (in a left
  -- join's condition it would turn the join into a nested loop).
  select
    l.line_key,
    c.customer_key
  from keyed_lines l
  join customer_pseudonyms p on p.customer_id = l.customer_id
  join dim_customer c
    on c.customer_pseudonym = p.customer_pseudonym
   and (l.order_date >= c.valid_from or c.version_number = 1)
   and coalesce(l.order_date, date '9999-12-30') < c.valid_to
),
products as (
  select s.product_id, s.supplier_id from stg_products s
),
final as (
  select
    d.order_id,
    d.line_number,
    cast(date_key(d.order_date) as integer) as order_date_key,
    cast(date_key(d.ship_date) as integer) as ship_date_key,
    cast(date_key(d.delivery_date) as integer) as delivery_date_key,
    coalesce(dp.product_key, -1) as product_key,
    -- GDPR Art. 17(3)(b): an erased customer's lines stay, on the erased member (-2).
    case when d.customer_id = 'ERASED' then -2 else coalesce(cv.customer_key, -1) end as customer_key,
    coalesce(ds.supplier_key, -1) as supplier_key,
    coalesce(dc.carrier_key, -1) as carrier_key,
    coalesce(dw.warehouse_key, -1) as warehouse_key,
    coalesce(dch.channel_key, -1) as channel_key,
    coalesce(d.shipping_mode, 'unknown') as shipping_mode,
    d.quantity,
    d.unit_price,
    d.unit_cost,
    cast(coalesce(d.discount, 0) as decimal(5, 4)) as discount_rate,
    d.gross_amount,
    d.discount_amount,
    cast(d.gross_amount - d.discount_amount as decimal(18, 6)) as net_amount,
    cast(d.quantity * d.unit_cost as decimal(14, 2)) as cost_amount,
    cast(d.gross_amount - d.discount_amount - d.quantity * d.unit_cost as decimal(18, 6)) as margin_amount,
    fa.freight_allocated,
    cast(d.ship_date - d.order_date as integer) as days_to_ship,
    cast(d.delivery_date - d.ship_date as integer) as transit_days,
    cast(d.delivery_date - d.order_date as integer) as delivery_delay_days,
    d.quantity < 0 as is_return,
    coalesce(d.quality_flags, '') as quality_flags,
    d.source_line,
    d.source_file
  from discounted d
  left join freight_allocated fa on fa.line_key = d.line_key
  left join customer_versions cv on cv.line_key = d.line_key
  left join dim_product dp on dp.product_id = d.product_id
  left join products pr on pr.product_id = d.product_id
  left join dim_supplier ds on ds.supplier_id = coalesce(d.supplier_id, pr.supplier_id)
  left join dim_carrier dc on dc.carrier_id = d.carrier_id
  left join dim_warehouse dw on dw.warehouse_id = d.warehouse_id
  left join dim_channel dch on dch.sales_channel = d.sales_channel and dch.channel_key <> -1
)
select * from final
