-- title: Delivery delays by shipping mode, every area
-- needs: delivery_performance_by_mode_area(shipping_mode, geo_code, shipments, median_delivery_delay_days, p90_delivery_delay_days, flag, -period)
-- show: table
select shipping_mode, shipments, median_delivery_delay_days, p90_delivery_delay_days, flag
from delivery_performance_by_mode_area
where geo_code = 'All'
order by shipping_mode = 'All', shipments desc nulls last, shipping_mode
