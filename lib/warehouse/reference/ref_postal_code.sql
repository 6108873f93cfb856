-- One row per French postal code with the département and région it belongs to, from the
-- etalab découpage administratif (communes.json, departements.json, regions.json).
--
-- A postal code is not an administrative unit: one code covers several communes, and 16 codes
-- cover communes of two départements. For those, the code is assigned to the département of
-- its most populous commune (ties: lowest INSEE code), where most people using the code live;
-- `spans_departements` keeps the ambiguity visible.
with communes as (
  select
    code as commune_code,
    departement as departement_code,
    region as region_code,
    coalesce(population, 0) as population,
    unnest(codesPostaux) as postal_code
  from src_communes
  where type = 'commune-actuelle'
),
departements_per_code as (
  select postal_code, count(distinct departement_code) as departement_count
  from communes
  group by postal_code
),
most_populous as (
  select *
  from communes
  qualify row_number() over (partition by postal_code order by population desc, commune_code) = 1
),
final as (
  select
    m.postal_code,
    m.departement_code,
    d.nom as departement_name,
    m.region_code,
    r.nom as region_name,
    p.departement_count > 1 as spans_departements
  from most_populous m
  join departements_per_code p using (postal_code)
  left join src_departements d on d.code = m.departement_code
  left join src_regions r on r.code = m.region_code
)
select * from final
