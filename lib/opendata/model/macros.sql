-- Generalisation macros shared by every Open Data extraction query (od_*.sql).
--   od_period: a month key (YYYYMM) generalised to the release's time grain, as ISO 8601 text:
--              month 2024-03, quarter 2024-Q1, year 2024.
--   od_country / od_area: the geography of a customer as the release publishes it. A known région
--              implies France (the export's régions are French even when the country field was
--              left empty); French customers without a région are FR-UNK; other countries are
--              their ISO 3166-1 alpha-2 code; nothing known is UNK. Areas are the leaves, countries
--              the level above (only France has more than one area).
create or replace temp macro od_period(month_key, grain) as
  case grain
    when 'month' then printf('%04d-%02d', month_key // 100, month_key % 100)
    when 'quarter' then printf('%04d-Q%d', month_key // 100, (month_key % 100 - 1) // 3 + 1)
    when 'year' then printf('%04d', month_key // 100)
    else error('od_period: unknown time grain ' || grain)
  end;
create or replace temp macro od_country(country, region_code) as
  case
    when coalesce(region_code, 'unknown') <> 'unknown' then 'FR'
    when country is null or country = 'unknown' then 'UNK'
    else country
  end;
create or replace temp macro od_area(country, region_code) as
  case
    when coalesce(region_code, 'unknown') <> 'unknown' then 'FR-' || region_code
    when country = 'FR' then 'FR-UNK'
    when country is null or country = 'unknown' then 'UNK'
    else country
  end;
