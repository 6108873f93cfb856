-- title: Month-end stock on hand, all categories
-- needs: inventory_by_month_category(period, category, stock_on_hand)
-- show: chart
select period, stock_on_hand
from inventory_by_month_category
where category = 'All'
order by period
