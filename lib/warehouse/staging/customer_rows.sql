-- The rows of dim_customer in clear, before protection: a type 2 slowly changing dimension on the
-- customer's address and segment, one row per customer and period of unchanged tracked
-- attributes, with the personal values that row shows. Read by the protect step
-- (lib/warehouse/protect.ts) into a TEMP table of the build connection, customer_rows: its
-- personal values leave DuckDB only to be encrypted in Node with the customer's data key, and
-- dim_customer.sql keeps only their ciphertexts. The table is dropped once dim_customer is built:
-- no plaintext is ever written to core.duckdb.
--
-- Input: one cleansed row per distinct version of a customer's attributes (stg_customers),
-- with the first and last order date of the lines that carry it. Versions are ordered by first
-- order date; consecutive versions with the same tracked attributes (street, postal code,
-- city, country, segment) form one dimension row ("gaps and islands"), so a changed email alone
-- does not open a new row. Other attributes (names, email, phone, birth date, gender, type)
-- are type 1: every row shows the customer's latest value.
--
-- Validity is a half-open interval [valid_from, valid_to): valid_from is the first order date
-- of the row's first version, valid_to the next row's valid_from (9999-12-31 for the current
-- row).
--
-- row_id numbers the rows in (customer, version) order and customer_seq the customers, so that
-- the protect step reads whole customers by ranges and joins the ciphertexts back on row_id.
--
-- Narrow first, wide once: the window passes (ordering the versions, finding where the tracked
-- attributes change, numbering the rows and the customers) run on the columns they need, the
-- keys, dates and tracked attributes; the type 1 personal values join once, at the end, from the
-- customer's latest version (customer_version is unique: it is the cleansed dedupe key). At 10 M
-- rows the windows over whole versions, personal columns included, spilled under the stage's
-- memory limit (issue 24).
with versions as (
  select
    customer_id, customer_version, street, postal_code, city, country, segment,
    first_order_date, last_order_date, source_line
  from stg_customers
  where customer_id is not null
    and customer_id <> 'ERASED' -- GDPR Art. 17: erased customers are the erased member (-2) of dim_customer
),
-- One sort per customer: each version's rank, whether it opens a row (its tracked attributes differ
-- from the previous version's), and how many versions the customer has.
sequenced as (
  select
    *,
    row_number() over w as version_seq,
    row(street, postal_code, city, country, segment) is distinct from lag(row(street, postal_code, city, country, segment)) over w as opens_row,
    count(*) over (partition by customer_id) as versions_of_customer
  from versions
  window w as (
    partition by customer_id
    order by first_order_date nulls last, last_order_date nulls last, customer_version
  )
),
islands as (
  select
    *,
    sum(case when opens_row then 1 else 0 end) over (
      partition by customer_id order by version_seq rows between unbounded preceding and current row
    ) as version_number
  from sequenced
),
tracked_rows as (
  select
    customer_id,
    version_number,
    coalesce(min(first_order_date), date '1900-01-01') as valid_from,
    arg_min(street, version_seq) as street,
    arg_min(postal_code, version_seq) as postal_code,
    arg_min(city, version_seq) as city,
    arg_min(country, version_seq) as country,
    arg_min(segment, version_seq) as segment,
    min(source_line) as source_line
  from islands
  group by customer_id, version_number
),
latest_version as (
  select v.customer_id, v.customer_type, v.company_name, v.first_name, v.last_name, v.email, v.phone, v.birth_date, v.gender
  from sequenced s
  join stg_customers v on v.customer_version = s.customer_version and v.customer_id = s.customer_id
  where s.version_seq = s.versions_of_customer
),
timeline as (
  select
    *,
    coalesce(lead(valid_from) over w, date '9999-12-31') as valid_to,
    lead(valid_from) over w is null as is_current,
    cast(row_number() over (order by customer_id, version_number) as bigint) as row_id,
    cast(dense_rank() over (order by customer_id) as bigint) as customer_seq
  from tracked_rows
  window w as (partition by customer_id order by version_number)
),
located as (
  select
    t.*,
    g.departement_code,
    g.departement_name,
    g.region_code,
    g.region_name
  from timeline t
  -- A French postal code only (no country counts as France). The condition is one equality, so
  -- that DuckDB hashes it: written as "postal codes equal and the country is France", it ran as a
  -- nested loop over every row and every postal code, 37 s of the 10 M-row build (issue 24).
  left join ref_postal_code g
    on g.postal_code = case when coalesce(t.country, 'FR') = 'FR' then t.postal_code end
)
select
  l.row_id,
  l.customer_seq,
  l.customer_id,
  l.version_number,
  l.valid_from,
  l.valid_to,
  l.is_current,
  v.customer_type,
  l.segment,
  v.gender,
  v.birth_date,
  l.country,
  l.departement_code,
  l.departement_name,
  l.region_code,
  l.region_name,
  l.source_line,
  -- The personal values the row shows, as one JSON record whose text is encrypted as a whole (one
  -- AES-GCM operation per row, lib/warehouse/protect.ts): the row's own address, the latest
  -- version's other fields (type 1). An array of the values in the order of ENCRYPTED_FIELDS
  -- (lib/warehouse/protector.ts, which reads the record back), without their names, which were
  -- half of each record's text; null when the row shows none.
  case
    when coalesce(v.company_name, v.first_name, v.last_name, v.email, v.phone, cast(v.birth_date as varchar), l.street, l.postal_code, l.city) is null then null
    else cast(json_array(
      v.company_name,
      v.first_name,
      v.last_name,
      v.email,
      v.phone,
      cast(v.birth_date as varchar),
      l.street,
      l.postal_code,
      l.city
    ) as varchar)
  end as personal_plain
from located l
join latest_version v on v.customer_id = l.customer_id
