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
with protected as (
  select
    r.customer_pseudonym,
    r.version_number,
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
  -- Side by side, not joined on row_id: the protect step wrote both tables in row_id order and
  -- checked that they line up, and a hash join would hold every ciphertext in memory.
  from customer_rows r
  positional join customer_row_ciphertexts f
),
inferred as (
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
members as not materialized (
  select * from protected
  union all
  select * from inferred
),
member_keys as (
  -- The surrogate keys are numbered over the two columns that order them, then joined back: a
  -- window over the whole rows (nine ciphertexts each, before personal_enc) sorted them all, and
  -- at 10 M sale lines that sort spilled under the model's memory limit.
  select
    customer_pseudonym,
    version_number,
    cast(row_number() over (order by customer_pseudonym, version_number) as integer) as customer_key
  from members
),
keyed as (
  select
    k.customer_key,
    m.* exclude (version_number),
    cast(m.version_number as integer) as version_number
  from members m
  join member_keys k on k.customer_pseudonym = m.customer_pseudonym and k.version_number = m.version_number
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
  select * from unknown_member
  union all by name
  select * from erased_member
  union all by name
  select * from keyed
)
select * from final
