-- Independent totals for the private-customer table: sales.sales_daily rows whose customer
-- version at the order date is a natural person (the extraction reads sales.customer_monthly).
with persons as (
  select net_amount, quantity from sales.sales_daily where customer_type = 'PERSON'
)
select cast(sum(net_amount) as double) as net_amount, cast(sum(quantity) as bigint) as units
from persons
