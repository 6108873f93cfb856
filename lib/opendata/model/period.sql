-- The period a release covers: the first and last day of the months with sales in the Sales
-- mart, as ISO 8601 dates (deterministic, unlike a build date).
with months as (
  select distinct month_key from sales.customer_monthly
)
select
  strftime(make_date(cast(min(month_key) // 100 as integer), cast(min(month_key) % 100 as integer), 1), '%Y-%m-%d') as "start",
  strftime(last_day(make_date(cast(max(month_key) // 100 as integer), cast(max(month_key) % 100 as integer), 1)), '%Y-%m-%d') as "end"
from months
