-- Question (sales team): which categories bring the most net revenue, and how is each trending?
-- The top $top categories over the whole period, then their net revenue month by month with
-- the change on the previous month.
with monthly as (
  select
    p.category,
    d.year_month,
    sum(s.net_amount) as net_amount
  from sales.sales_daily s
  join sales.dim_product p using (product_key)
  join sales.dim_date d using (date_key)
  group by p.category, d.year_month
),
ranked as (
  select
    category,
    sum(net_amount) as total_net_amount,
    row_number() over (order by sum(net_amount) desc, category) as category_rank
  from monthly
  group by category
),
trend as (
  select
    r.category_rank,
    m.category,
    m.year_month,
    cast(m.net_amount as double) as net_amount,
    cast(lag(m.net_amount) over (partition by m.category order by m.year_month) as double) as previous_month_net_amount,
    cast(r.total_net_amount as double) as total_net_amount
  from monthly m
  join ranked r using (category)
  where r.category_rank <= $top
)
select
  *,
  case when previous_month_net_amount <> 0
       then round(100 * (net_amount - previous_month_net_amount) / abs(previous_month_net_amount), 1)
  end as change_pct
from trend
order by category_rank, year_month
