-- Question (finance): what margin does each sales channel make? Net revenue, margin and margin
-- rate by channel, over the lines whose cost is known (margin_amount is null otherwise, and
-- the rate is computed on the revenue of those same lines).
with by_channel as (
  select
    c.channel_group,
    c.sales_channel,
    sum(s.net_amount) as net_amount,
    sum(s.margin_amount) as margin_amount,
    sum(s.order_lines) as order_lines
  from sales.sales_daily s
  join sales.dim_channel c using (channel_key)
  group by c.channel_group, c.sales_channel
)
select
  channel_group,
  sales_channel,
  cast(order_lines as bigint) as order_lines,
  cast(net_amount as double) as net_amount,
  cast(margin_amount as double) as margin_amount,
  case when net_amount <> 0 then round(100 * margin_amount / net_amount, 1) end as margin_rate_pct
from by_channel
order by net_amount desc, sales_channel
