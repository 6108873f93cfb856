-- dim_customer: a type 2 slowly changing dimension on the customer's address and segment.
--
-- Its rows are computed in clear by lib/warehouse/staging/customer_rows.sql (versions ordered by
-- first order date, "gaps and islands" on street, postal code, city, country and segment, type 1
-- for the other attributes, half-open validity [valid_from, valid_to)); the protect step
-- (lib/warehouse/protect.ts) loads them into the TEMP table customer_rows and encrypts the
-- record of personal values each row shows into customer_row_ciphertexts, one row per row_id.
-- A fact joins the row whose interval holds its order date.
--
-- Privacy: no direct identifier is stored in clear. The customer number is replaced by its
-- keyed pseudonym (customer_pseudonyms, computed in Node: HMAC-SHA-256); a row's personal fields
-- are stored only as one AES-GCM ciphertext of their record, personal_enc, under the customer's
-- own data key (customer_row_ciphertexts), so that shredding the key erases them. In clear remain only the
-- generalised attributes the marts publish: age band, gender, segment, type, country,
-- département, région. The payment card number never reaches the warehouse.
with inferred as (
  -- A customer number that order lines carry but that has no attribute row: kept, pseudonymised,
  -- with unknown attributes, valid forever.
  select
    p.customer_pseudonym,
    1 as version_number,
    date '1900-01-01' as valid_from,
    date '9999-12-31' as valid_to,
    true as is_current,
    true as is_inferred,
    'unknown' as customer_type,
    'unknown' as segment,
    'unknown' as gender,
    'unknown' as age_band,
    'unknown' as country,
    'unknown' as departement_code,
    'unknown' as departement_name,
    'unknown' as region_code,
    'unknown' as region_name,
    cast(null as varchar) as personal_enc,
    cast(null as bigint) as source_line
  from customer_pseudonyms p
  where not exists (select 1 from customer_rows r where r.customer_id = p.customer_id)
),
member_keys as (
  -- The surrogate keys, numbered over the two columns that order them on narrow rows (the
  -- members' row_id, pseudonym and version): a window over the whole rows, ciphertexts
  -- included, would sort them all, and at 10 M sale lines that sort spilled under the model's
  -- memory limit.
  select
    row_id,
    customer_pseudonym,
    version_number,
    cast(row_number() over (order by customer_pseudonym, version_number) as integer) as customer_key
  from (
    select row_id, customer_pseudonym, version_number from customer_rows
    union all
    select cast(null as bigint) as row_id, customer_pseudonym, version_number from inferred
  )
),
protected as (
  select
    -- A key out of line with its row stops the build (it cannot happen: both sides are in row_id order).
    case when k.row_id = r.row_id then k.customer_key
         else error('dim_customer: the surrogate keys are out of line with customer_rows at row_id ' || r.row_id) end as customer_key,
    r.customer_pseudonym,
    cast(r.version_number as integer) as version_number,
    r.valid_from,
    r.valid_to,
    r.is_current,
    false as is_inferred,
    coalesce(r.customer_type, 'unknown') as customer_type,
    coalesce(r.segment, 'unknown') as segment,
    coalesce(r.gender, 'unknown') as gender,
    age_band(r.birth_date, r.valid_from) as age_band,
    coalesce(r.country, 'unknown') as country,
    coalesce(r.departement_code, 'unknown') as departement_code,
    coalesce(r.departement_name, 'unknown') as departement_name,
    coalesce(r.region_code, 'unknown') as region_code,
    coalesce(r.region_name, 'unknown') as region_name,
    f.personal_enc,
    r.source_line
  -- Side by side, not joined: the protect step wrote the rows and their ciphertexts in row_id
  -- order and checked that they line up, and the keys are sorted back into that order. A hash
  -- join on row_id or on (pseudonym, version) would hold every ciphertext in memory (about a
  -- gigabyte at 10 M sale lines): the join on (pseudonym, version) this replaces, and the
  -- materialisation of the rows it needed, took 62 s of the model's 86 s there (DuckDB's profile).
  from customer_rows r
  positional join customer_row_ciphertexts f
  positional join (select row_id, customer_key from member_keys where row_id is not null order by row_id) k
),
keyed as (
  select * from protected
  union all by name
  select
    k.customer_key,
    i.* exclude (version_number),
    cast(i.version_number as integer) as version_number
  from inferred i
  join member_keys k on k.row_id is null and k.customer_pseudonym = i.customer_pseudonym
),
unknown_member as (
  select
    -1 as customer_key,
    'unknown' as customer_pseudonym,
    date '1900-01-01' as valid_from,
    date '9999-12-31' as valid_to,
    true as is_current,
    false as is_inferred,
    'unknown' as customer_type,
    'unknown' as segment,
    'unknown' as gender,
    'unknown' as age_band,
    'unknown' as country,
    'unknown' as departement_code,
    'unknown' as departement_name,
    'unknown' as region_code,
    'unknown' as region_name,
    cast(null as varchar) as personal_enc,
    cast(null as bigint) as source_line,
    0 as version_number
),
erased_member as (
  -- GDPR Art. 17(3)(b): the sales of erased (or retention-anonymised) customers are accounting
  -- records and stay, attached to this one member, which holds no personal field at all: the
  -- unknown member under another key and name.
  select * replace (-2 as customer_key, 'erased' as customer_pseudonym)
  from unknown_member
),
final as (
  -- The two members last: DuckDB stores each branch of the union as its own row groups, in this
  -- order, and a checkpoint merges a row group of a few rows into its neighbours. First, that
  -- merge shifted every row after them, so the first checkpoint rewrote the whole table, its
  -- ciphertexts compressed again (2.2 s of the build at 1 M rows); last, it touches nothing.
  select * from keyed
  union all by name
  select * from unknown_member
  union all by name
  select * from erased_member
)
select * from final
