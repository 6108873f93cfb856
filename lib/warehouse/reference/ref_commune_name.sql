-- One row per commune name key (see place_name_key): the commune a city name designates, with
-- its département and région. Many names are shared ("Saint-Denis" exists in several
-- départements); a bare city name is taken to mean the most populous commune of that name
-- (ties: lowest INSEE code), which is how a warehouse city is written in practice.
with communes as (
  select
    place_name_key(nom) as name_key,
    code as commune_code,
    nom as commune_name,
    departement as departement_code,
    region as region_code,
    coalesce(population, 0) as population
  from src_communes
  where type = 'commune-actuelle'
),
most_populous as (
  select *
  from communes
  qualify row_number() over (partition by name_key order by population desc, commune_code) = 1
),
final as (
  select
    m.name_key,
    m.commune_code,
    m.commune_name,
    m.departement_code,
    d.nom as departement_name,
    m.region_code,
    r.nom as region_name
  from most_populous m
  left join src_departements d on d.code = m.departement_code
  left join src_regions r on r.code = m.region_code
)
select * from final
