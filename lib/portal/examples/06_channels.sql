-- title: Net sales by sales channel and period
-- needs: sales_by_period_channel_category(period, sales_channel, category, net_amount)
-- show: chart
select period, sales_channel, net_amount
from sales_by_period_channel_category
where category = 'All' and sales_channel <> 'All' and period <> 'All'
order by period, sales_channel
