-- A data-subject request, step 2: the order lines of one customer's versions.
select order_id, line_number, order_date_key, net_amount
from fact_sales
where customer_key in ({{customer_keys}})
