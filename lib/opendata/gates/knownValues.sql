-- Identifiers that link a release to a person even though they are not "personal values" of the
-- cleansed files: every customer pseudonym held by core (a pseudonym is still personal data,
-- GDPR Recital 26) and every customer id of the cleansed customers, as text. One row per
-- (kind, value). The direct identifiers (names, emails, phones, streets, birth dates) come from
-- lib/marts/piiKnownValues.sql, the marts' own list, so the two scans can never disagree.
with pseudonyms as (
  -- the unknown and erased members carry placeholder words ('unknown', 'erased'), not pseudonyms
  select distinct customer_pseudonym as value
  from core.dim_customer
  where customer_key > 0 and customer_pseudonym is not null and length(customer_pseudonym) >= 16
),
customer_ids as (
  select distinct cast(customer_id as varchar) as value from read_parquet({{customers}}) where customer_id is not null
)
select 'customer_pseudonym' as kind, value from pseudonyms
union all
select 'customer_id', value from customer_ids
