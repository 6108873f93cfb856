-- Generalisation macros shared by every Open Data extraction query (od_*.sql). Each takes the
-- level a release design asks for (design ladders: designs.json), so one query serves every rung.
--   od_period_key / od_period_label: a month key (YYYYMM) at the time grain as a number while
--               the cells are grouped (month YYYYMM, quarter YYYYQ, year YYYY; -1 for the whole
--               period, the margin labelled All), and that number as ISO 8601 text once they are:
--               month 2024-03, quarter 2024-Q1, year 2024. The queries group several million
--               rows by customer and period, and text keys cost more to group than numbers.
--   od_period:  both at once, a month key's period as text (for queries that group few rows).
--   od_customer_hi / od_customer_lo: a customer's keyed pseudonym (cp_ and 32 lowercase hex
--               digits, lib/privacy/pseudonym.ts) as the two 64-bit numbers its digits write, for
--               the same reason: grouping by the pair groups exactly as by the pseudonym (they are
--               its digits, not a hash: no two customers share them). The members' names get a
--               pair of their own (unknown: null and 0, erased: null and 1; a null pseudonym: two
--               nulls); any other value stops the query, as does a cp_ value that is not hex.
--   od_nuts1:   the NUTS 2021 level-1 unit of a French INSEE région code (Eurostat, NUTS 2021,
--               Commission Delegated Regulation (EU) 2019/1755): every metropolitan région is its
--               own unit, the five overseas régions are one, FRY "Régions ultrapériphériques".
--   od_country / od_area: the geography of a customer. A known région implies France (the
--               export's régions are French even when the country field was left empty); French
--               customers without a région are FR-UNK; nothing known is UNK. Areas are the leaves,
--               countries the level above (only France has more than one area). Level `region`:
--               FR-<INSEE code>, every other country by its ISO 3166-1 code, UNK when nothing is
--               known; level `nuts1`: NUTS-1 codes, and every other country with the customers
--               of unknown country together as OTHER ("outside France or unknown"); level
--               `nuts1_countries`: the same, but the countries in large_countries (those with
--               at least the design's min_country_customers identified customers, extract.ts)
--               keep their own code.
--   od_origin_zone: a supplier's country as France (FR), another member state of the European
--               Union (EU27_OTHER), or a country outside it (NON_EU); UNK when unknown.
--   od_profile_group / od_profile: a customer as a business, a person, or unknown; persons by age
--               band at level `age` (codes person_<band>, under person), where a person of unknown
--               age joins the customers of unknown type in `unknown` (the profile the export does
--               not give); at level `type`, person is every natural person.
create or replace temp macro od_period_key(month_key, grain) as
  case grain
    when 'month' then month_key
    when 'quarter' then (month_key // 100) * 10 + (month_key % 100 - 1) // 3 + 1
    when 'year' then month_key // 100
    else error('od_period_key: unknown time grain ' || grain)
  end;
create or replace temp macro od_period_label(period_key, grain) as
  case
    when period_key = -1 then 'All'
    when grain = 'month' then printf('%04d-%02d', period_key // 100, period_key % 100)
    when grain = 'quarter' then printf('%04d-Q%d', period_key // 10, period_key % 10)
    when grain = 'year' then printf('%04d', period_key)
    else error('od_period_label: unknown time grain ' || grain)
  end;
create or replace temp macro od_period(month_key, grain) as od_period_label(od_period_key(month_key, grain), grain);
create or replace temp macro od_is_pseudonym(pseudonym) as starts_with(pseudonym, 'cp_') and length(pseudonym) = 35 and pseudonym = lower(pseudonym);
create or replace temp macro od_customer_hi(pseudonym) as
  case when od_is_pseudonym(pseudonym) then cast('0x' || substr(pseudonym, 4, 16) as ubigint) end;
create or replace temp macro od_customer_lo(pseudonym) as
  case
    when od_is_pseudonym(pseudonym) then cast('0x' || substr(pseudonym, 20, 16) as ubigint)
    when pseudonym = 'unknown' then 0
    when pseudonym = 'erased' then 1
    when pseudonym is not null then error('od_customer_lo: a value that is neither a customer pseudonym (cp_ and 32 lowercase hex digits) nor a member name (unknown, erased)')
  end;
create or replace temp macro od_nuts1(region_code) as
  case region_code
    when '11' then 'FR1' when '24' then 'FRB' when '27' then 'FRC' when '28' then 'FRD'
    when '32' then 'FRE' when '44' then 'FRF' when '52' then 'FRG' when '53' then 'FRH'
    when '75' then 'FRI' when '76' then 'FRJ' when '84' then 'FRK' when '93' then 'FRL'
    when '94' then 'FRM'
    when '01' then 'FRY' when '02' then 'FRY' when '03' then 'FRY' when '04' then 'FRY' when '06' then 'FRY'
    else error('od_nuts1: unknown INSEE région code ' || region_code)
  end;
create or replace temp macro od_country(country, region_code, level, large_countries) as
  case
    when coalesce(region_code, 'unknown') <> 'unknown' then 'FR'
    when country = 'FR' then 'FR'
    when level = 'region' then case when country is null or country = 'unknown' then 'UNK' else country end
    when level = 'nuts1' then 'OTHER'
    when level = 'nuts1_countries' then case when list_contains(large_countries, country) then country else 'OTHER' end
    else error('od_country: unknown geography level ' || level)
  end;
create or replace temp macro od_area(country, region_code, level, large_countries) as
  case
    when coalesce(region_code, 'unknown') <> 'unknown' then
      case level when 'region' then 'FR-' || region_code when 'nuts1' then od_nuts1(region_code) when 'nuts1_countries' then od_nuts1(region_code) else error('od_area: unknown geography level ' || level) end
    when country = 'FR' then 'FR-UNK'
    else od_country(country, region_code, level, large_countries)
  end;
-- The 27 member states of the European Union since 1 February 2020 (ISO 3166-1 alpha-2).
create or replace temp macro od_origin_zone(country) as
  case
    when country is null or country = 'unknown' then 'UNK'
    when country = 'FR' then 'FR'
    when country in ('AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'GR', 'HR', 'HU', 'IE', 'IT',
                     'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK') then 'EU27_OTHER'
    else 'NON_EU'
  end;
create or replace temp macro od_profile_group(customer_type, age_band, level) as
  case
    when customer_type = 'BUSINESS' then 'business'
    when customer_type = 'PERSON' and (level = 'type' or coalesce(age_band, 'unknown') <> 'unknown') then 'person'
    else 'unknown'
  end;
create or replace temp macro od_profile(customer_type, age_band, level) as
  case
    when level not in ('age', 'type') then error('od_profile: unknown profile level ' || level)
    when level = 'age' and od_profile_group(customer_type, age_band, level) = 'person' then 'person_' || replace(age_band, ' ', '_')
    else od_profile_group(customer_type, age_band, level)
  end;
-- od_mode: a shipping mode at level `mode`, or at level `grouped` with same-day delivery counted
-- as express (a city service few carriers offer: alone, its cells describe one or two carriers).
create or replace temp macro od_mode(shipping_mode, level) as
  case
    when level = 'mode' then shipping_mode
    when level = 'grouped' then case when shipping_mode = 'same day' then 'express' else shipping_mode end
    else error('od_mode: unknown mode level ' || level)
  end;
