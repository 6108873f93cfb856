-- Macros shared by the warehouse models. Created as TEMP macros on the build connection, so
-- they never become part of core.duckdb.

-- A date as the INTEGER yyyymmdd surrogate key of dim_date; -1 (the unknown date member) when
-- the date is missing, so that a fact with an unknown date is kept and counted, never dropped.
create or replace temp macro date_key(d) as
  coalesce(year(d) * 10000 + month(d) * 100 + day(d), -1);

-- A place name reduced to a comparison key: lower case, accents stripped, hyphens and
-- apostrophes as spaces, "st"/"ste" expanded, runs of spaces collapsed.
-- "Saint-Étienne", "ST ETIENNE" and "saint étienne" all give "saint etienne".
create or replace temp macro place_name_key(s) as
  trim(regexp_replace(
    regexp_replace(
      regexp_replace(lower(strip_accents(s)), '[-''’]', ' ', 'g'),
      '\b(st|ste)\b', 'saint', 'g'),
    '\s+', ' ', 'g'));

-- Age band of a person born on `birth` at `reference_date`, in the bands the Sales mart publishes.
-- date_sub counts complete years, so a birthday not yet reached does not count.
create or replace temp macro age_band(birth, reference_date) as
  case
    when birth is null or reference_date is null then 'unknown'
    when date_sub('year', birth, reference_date) < 18 then 'under 18'
    when date_sub('year', birth, reference_date) < 25 then '18-24'
    when date_sub('year', birth, reference_date) < 35 then '25-34'
    when date_sub('year', birth, reference_date) < 45 then '35-44'
    when date_sub('year', birth, reference_date) < 55 then '45-54'
    when date_sub('year', birth, reference_date) < 65 then '55-64'
    else '65+'
  end;
