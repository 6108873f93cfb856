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
    e_company.ciphertext as company_name_enc,
    e_first.ciphertext as first_name_enc,
    e_last.ciphertext as last_name_enc,
    e_email.ciphertext as email_enc,
    e_phone.ciphertext as phone_enc,
    e_birth.ciphertext as birth_date_enc,
    e_street.ciphertext as street_enc,
    e_postal.ciphertext as postal_code_enc,
    e_city.ciphertext as city_enc,
    l.source_line
  from located l
  join customer_pseudonyms p on p.customer_id = l.customer_id
  join latest_version v on v.customer_id = l.customer_id
  left join customer_ciphertexts e_company
    on e_company.customer_id = l.customer_id and e_company.column_name = 'company_name' and e_company.plaintext = v.company_name
  left join customer_ciphertexts e_first
    on e_first.customer_id = l.customer_id and e_first.column_name = 'first_name' and e_first.plaintext = v.first_name
  left join customer_ciphertexts e_last
    on e_last.customer_id = l.customer_id and e_last.column_name = 'last_name' and e_last.plaintext = v.last_name
  left join customer_ciphertexts e_email
    on e_email.customer_id = l.customer_id and e_email.column_name = 'email' and e_email.plaintext = v.email
  left join customer_ciphertexts e_phone
    on e_phone.customer_id = l.customer_id and e_phone.column_name = 'phone' and e_phone.plaintext = v.phone
  left join customer_ciphertexts e_birth
    on e_birth.customer_id = l.customer_id and e_birth.column_name = 'birth_date' and e_birth.plaintext = cast(v.birth_date as varchar)
  left join customer_ciphertexts e_street
    on e_street.customer_id = l.customer_id and e_street.column_name = 'street' and e_street.plaintext = l.street
  left join customer_ciphertexts e_postal
    on e_postal.customer_id = l.customer_id and e_postal.column_name = 'postal_code' and e_postal.plaintext = l.postal_code
  left join customer_ciphertexts e_city
    on e_city.customer_id = l.customer_id and e_city.column_name = 'city' and e_city.plaintext = l.city
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
