-- sales.dim_date: the conformed calendar, copied from core (order date role).
with calendar as (
  select * from core.dim_date
)
select * from calendar
