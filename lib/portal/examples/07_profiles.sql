-- title: Purchases by customer profile (persons by age band), every area
-- needs: customers_by_area_profile(geo_code, profile, net_amount, orders, flag, -gender, -period)
-- show: table
-- level 1: business, person, unknown; level 2: the age bands that make up person.
select c.level, s.profile, c.parent as part_of, s.net_amount, s.orders, s.flag
from customers_by_area_profile s
join dimension_codes c
  on c.table_name = 'customers_by_area_profile' and c.dimension = 'profile' and c.code = s.profile
where s.geo_code = 'All'
order by c.level, s.profile
