-- inventory.dim_month: the calendar rolled up to months (the grain of the inventory mart),
-- with the number of days and of working days, used to turn monthly flows into daily rates.
with days as (
  select * from core.dim_date where date_key <> -1
),
months as (
  select
    year_month as month_key,
    any_value(year) as year,
    any_value(month) as month,
    any_value(month_name) as month_name,
    any_value(quarter) as quarter,
    cast(count(*) as integer) as days_in_month,
    cast(count(*) filter (where is_working_day) as integer) as working_days,
    cast(date_key(max(calendar_date)) as integer) as month_end_date_key
  from days
  group by year_month
)
select * from months
