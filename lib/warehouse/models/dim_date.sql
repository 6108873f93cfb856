-- dim_date: the calendar, one row per day, covering every whole year in which a fact has a
-- date (order, ship, delivery or snapshot date), plus the unknown date member (-1).
-- French public holidays are computed, not looked up: fixed days plus the three movable feasts
-- derived from Easter Sunday (Gregorian computus, "Anonymous Gregorian algorithm").
-- Alsace-Moselle's extra days (Good Friday, 26 December) are regional and not included.
with fact_dates as (
  select order_date as fact_date from stg_order_lines
  union all select ship_date from stg_order_lines
  union all select delivery_date from stg_order_lines
  union all select snapshot_date from stg_stock_snapshots
),
bounds as (
  select
    make_date(year(min(fact_date)), 1, 1) as first_day,
    make_date(year(max(fact_date)), 12, 31) as last_day
  from fact_dates
  where fact_date is not null
),
calendar as (
  select cast(day_ts as date) as calendar_date
  from bounds, unnest(generate_series(first_day, last_day, interval 1 day)) as t(day_ts)
  where first_day is not null
),
years as (
  select distinct year(calendar_date) as y from calendar
),
computus as (
  select
    y,
    y % 19 as a,
    y // 100 as b,
    y % 100 as c
  from years
),
computus_2 as (
  select y, a, b, c, b // 4 as d, b % 4 as e, (b + 8) // 25 as f, c // 4 as i, c % 4 as k
  from computus
),
computus_3 as (
  select y, a, b, d, e, i, k, (b - f + 1) // 3 as g
  from computus_2
),
computus_4 as (
  select y, a, e, i, k, (19 * a + b - d - g + 15) % 30 as h
  from computus_3
),
computus_5 as (
  select y, a, h, (32 + 2 * e + 2 * i - h - k) % 7 as l
  from computus_4
),
easter as (
  select
    y,
    make_date(
      y,
      cast((h + l - 7 * ((a + 11 * h + 22 * l) // 451) + 114) // 31 as integer),
      cast((h + l - 7 * ((a + 11 * h + 22 * l) // 451) + 114) % 31 + 1 as integer)
    ) as easter_sunday
  from computus_5
),
holidays as (
  select make_date(y, 1, 1) as holiday_date, 'Jour de l''an' as holiday_name from years
  union all select cast(easter_sunday + interval 1 day as date), 'Lundi de Pâques' from easter
  union all select make_date(y, 5, 1), 'Fête du Travail' from years
  union all select make_date(y, 5, 8), 'Victoire 1945' from years
  union all select cast(easter_sunday + interval 39 day as date), 'Ascension' from easter
  union all select cast(easter_sunday + interval 50 day as date), 'Lundi de Pentecôte' from easter
  union all select make_date(y, 7, 14), 'Fête nationale' from years
  union all select make_date(y, 8, 15), 'Assomption' from years
  union all select make_date(y, 11, 1), 'Toussaint' from years
  union all select make_date(y, 11, 11), 'Armistice 1918' from years
  union all select make_date(y, 12, 25), 'Noël' from years
),
holiday_days as (
  -- Two feasts can fall on one day (Ascension was on 1 May in 2008): one row per day.
  select holiday_date, string_agg(holiday_name, ' / ' order by holiday_name) as holiday_name
  from holidays
  group by holiday_date
),
days as (
  select
    cast(date_key(c.calendar_date) as integer) as date_key,
    c.calendar_date,
    cast(day(c.calendar_date) as integer) as day_of_month,
    cast(dayofyear(c.calendar_date) as integer) as day_of_year,
    cast(isodow(c.calendar_date) as integer) as iso_weekday,
    dayname(c.calendar_date) as weekday_name,
    cast(week(c.calendar_date) as integer) as iso_week,
    cast(isoyear(c.calendar_date) as integer) as iso_year,
    cast(month(c.calendar_date) as integer) as month,
    monthname(c.calendar_date) as month_name,
    cast(year(c.calendar_date) * 100 + month(c.calendar_date) as integer) as year_month,
    cast(quarter(c.calendar_date) as integer) as quarter,
    cast(year(c.calendar_date) as integer) as year,
    isodow(c.calendar_date) >= 6 as is_weekend,
    h.holiday_name is not null as is_holiday,
    h.holiday_name,
    isodow(c.calendar_date) < 6 and h.holiday_name is null as is_working_day,
    c.calendar_date = last_day(c.calendar_date) as is_month_end
  from calendar c
  left join holiday_days h on h.holiday_date = c.calendar_date
),
unknown_member as (
  select
    -1 as date_key,
    cast(null as date) as calendar_date,
    cast(null as integer) as day_of_month,
    cast(null as integer) as day_of_year,
    cast(null as integer) as iso_weekday,
    'unknown' as weekday_name,
    cast(null as integer) as iso_week,
    cast(null as integer) as iso_year,
    cast(null as integer) as month,
    'unknown' as month_name,
    cast(null as integer) as year_month,
    cast(null as integer) as quarter,
    cast(null as integer) as year,
    cast(null as boolean) as is_weekend,
    cast(null as boolean) as is_holiday,
    cast(null as varchar) as holiday_name,
    cast(null as boolean) as is_working_day,
    cast(null as boolean) as is_month_end
),
final as (
  select * from unknown_member
  union all
  select * from days
)
select * from final
