-- One customer's order lines, with what a person recognises (dates, product, channel) instead
-- of surrogate keys (Art. 15(1) and (3): a copy of the personal data undergoing processing).
with customer_keys as (
  select customer_key from dim_customer where customer_pseudonym = {{pseudonym}}
),
lines as (
  select
    f.order_id, f.line_number,
    od.calendar_date as order_date, sd.calendar_date as ship_date, dd.calendar_date as delivery_date,
    ch.sales_channel, p.product_id, p.product_name, p.category,
    f.shipping_mode, f.quantity, f.unit_price, f.discount_rate, f.net_amount, f.freight_allocated, f.is_return
  from fact_sales f
  join customer_keys k using (customer_key)
  left join dim_date od on od.date_key = f.order_date_key
  left join dim_date sd on sd.date_key = f.ship_date_key
  left join dim_date dd on dd.date_key = f.delivery_date_key
  left join dim_channel ch on ch.channel_key = f.channel_key
  left join dim_product p on p.product_key = f.product_key
)
select
  order_id, line_number,
  cast(order_date as varchar) as order_date, cast(ship_date as varchar) as ship_date, cast(delivery_date as varchar) as delivery_date,
  sales_channel, product_id, product_name, category, shipping_mode, quantity,
  cast(unit_price as varchar) as unit_price, cast(discount_rate as varchar) as discount_rate,
  cast(net_amount as varchar) as net_amount, cast(freight_allocated as varchar) as freight_allocated, is_return
from lines
order by order_date, order_id, line_number
