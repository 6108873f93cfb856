-- dim_date: the calendar, one row per day, covering every whole year in which a fact has a
-- date (order, ship, delivery or snapshot date), plus the unknown date member (-1).
-- Public holidays are those of the business's country (its source profile's "country"), from the
-- date-holidays library (lib/warehouse/holidays.ts loads them as ref_holidays): nationwide
-- public holidays only, not regional ones (for France: not Alsace-Moselle's Good Friday and 26 December).
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
holidays as (
  -- Nationwide public holidays of the business's country (ref_holidays, lib/warehouse/holidays.ts).
  select holiday_date, holiday_name from ref_holidays
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
