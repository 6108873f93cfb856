-- dim_customer: a type 2 slowly changing dimension on the customer's address and segment.
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
-- row). A fact joins the row whose interval holds its order date.
--
-- Privacy: no direct identifier is stored in clear. The customer number is replaced by its
-- keyed pseudonym (customer_pseudonyms, computed in Node: HMAC-SHA-256); personal fields are
-- stored only as AES-GCM ciphertexts under the customer's own data key
-- (customer_ciphertexts), so that shredding the key erases them. In clear remain only the
-- generalised attributes the marts publish: age band, gender, segment, type, country,
-- département, région. The payment card number never reaches the warehouse.
with versions as (
  select
    customer_id, customer_version, customer_type, company_name, first_name, last_name, email,
    phone, birth_date, gender, street, postal_code, city, country, segment,
    first_order_date, last_order_date, source_line
  from stg_customers
  where customer_id is not null
    and customer_id <> 'ERASED' -- GDPR Art. 17: erased customers are the erased member (-2) below
),
sequenced as (
  select
    *,
    row_number() over (
      partition by customer_id
      order by first_order_date nulls last, last_order_date nulls last, customer_version
    ) as version_seq
  from versions
),
changes as (
  select
    *,
    row(street, postal_code, city, country, segment) is distinct from lag(row(street, postal_code, city, country, segment)) over (
      partition by customer_id order by version_seq
    ) as opens_row
  from sequenced
),
islands as (
  select
    *,
    sum(case when opens_row then 1 else 0 end) over (
      partition by customer_id order by version_seq rows between unbounded preceding and current row
    ) as version_number
  from changes
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
  select customer_id, customer_type, company_name, first_name, last_name, email, phone, birth_date, gender
  from sequenced
  qualify version_seq = max(version_seq) over (partition by customer_id)
),
timeline as (
  select
    *,
    coalesce(lead(valid_from) over w, date '9999-12-31') as valid_to,
    lead(valid_from) over w is null as is_current
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
  left join ref_postal_code g
    on g.postal_code = t.postal_code
   and coalesce(t.country, 'FR') = 'FR'
),
row_values as (
  -- The personal values each row shows: the row's own address, the latest version's other
  -- fields (type 1), one per column ...
  select
    l.customer_id,
    l.version_number,
    v.company_name,
    v.first_name,
    v.last_name,
    v.email,
    v.phone,
    cast(v.birth_date as varchar) as birth_date,
    l.street,
    l.postal_code,
    l.city
  from located l
  join latest_version v on v.customer_id = l.customer_id
),
wanted_values as (
  -- ... one row per (row, column, value); UNPIVOT drops nulls: a missing value has no ciphertext.
  unpivot row_values
  on company_name, first_name, last_name, email, phone, birth_date, street, postal_code, city
  into name column_name value plaintext
),
row_ciphertexts as (
  -- Each value's ciphertext, found in one join on (customer, column, value) and pivoted back to
  -- one row per dimension row.
  select
    w.customer_id,
    w.version_number,
    max(c.ciphertext) filter (where w.column_name = 'company_name') as company_name_enc,
    max(c.ciphertext) filter (where w.column_name = 'first_name') as first_name_enc,
    max(c.ciphertext) filter (where w.column_name = 'last_name') as last_name_enc,
    max(c.ciphertext) filter (where w.column_name = 'email') as email_enc,
    max(c.ciphertext) filter (where w.column_name = 'phone') as phone_enc,
    max(c.ciphertext) filter (where w.column_name = 'birth_date') as birth_date_enc,
    max(c.ciphertext) filter (where w.column_name = 'street') as street_enc,
    max(c.ciphertext) filter (where w.column_name = 'postal_code') as postal_code_enc,
    max(c.ciphertext) filter (where w.column_name = 'city') as city_enc
  from wanted_values w
  join customer_ciphertexts c
    on c.customer_id = w.customer_id and c.column_name = w.column_name and c.plaintext = w.plaintext
  group by w.customer_id, w.version_number
),
protected as (
  select
    p.customer_pseudonym,
    l.version_number,
    l.valid_from,
    l.valid_to,
    l.is_current,
    false as is_inferred,
    coalesce(v.customer_type, 'unknown') as customer_type,
    coalesce(l.segment, 'unknown') as segment,
    coalesce(v.gender, 'unknown') as gender,
    age_band(v.birth_date, l.valid_from) as age_band,
    coalesce(l.country, 'unknown') as country,
    coalesce(l.departement_code, 'unknown') as departement_code,
    coalesce(l.departement_name, 'unknown') as departement_name,
    coalesce(l.region_code, 'unknown') as region_code,
    coalesce(l.region_name, 'unknown') as region_name,
    f.company_name_enc,
    f.first_name_enc,
    f.last_name_enc,
    f.email_enc,
    f.phone_enc,
    f.birth_date_enc,
    f.street_enc,
    f.postal_code_enc,
    f.city_enc,
    l.source_line
  from located l
  join customer_pseudonyms p on p.customer_id = l.customer_id
  join latest_version v on v.customer_id = l.customer_id
  left join row_ciphertexts f on f.customer_id = l.customer_id and f.version_number = l.version_number
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
    cast(null as varchar) as company_name_enc,
    cast(null as varchar) as first_name_enc,
    cast(null as varchar) as last_name_enc,
    cast(null as varchar) as email_enc,
    cast(null as varchar) as phone_enc,
    cast(null as varchar) as birth_date_enc,
    cast(null as varchar) as street_enc,
    cast(null as varchar) as postal_code_enc,
    cast(null as varchar) as city_enc,
    cast(null as bigint) as source_line
  from customer_pseudonyms p
  where not exists (select 1 from versions v where v.customer_id = p.customer_id)
),
members as (
  select * from protected
  union all
  select * from inferred
),
keyed as (
  select
    cast(row_number() over (order by customer_pseudonym, version_number) as integer) as customer_key,
    * exclude (version_number),
    cast(version_number as integer) as version_number
  from members
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
    cast(null as varchar) as company_name_enc,
    cast(null as varchar) as first_name_enc,
    cast(null as varchar) as last_name_enc,
    cast(null as varchar) as email_enc,
    cast(null as varchar) as phone_enc,
    cast(null as varchar) as birth_date_enc,
    cast(null as varchar) as street_enc,
    cast(null as varchar) as postal_code_enc,
    cast(null as varchar) as city_enc,
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
