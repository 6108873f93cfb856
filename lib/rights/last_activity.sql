-- Each customer's last order date (the last contact the CNIL retention reference counts from).
select c.customer_pseudonym, cast(max(d.calendar_date) as varchar) as last_order_date
from fact_sales f
join dim_customer c on c.customer_key = f.customer_key
join dim_date d on d.date_key = f.order_date_key
where c.customer_key > 0
group by c.customer_pseudonym
order by c.customer_pseudonym
