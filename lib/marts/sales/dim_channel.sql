-- sales.dim_channel: the conformed sales channel dimension, copied from core.
with channels as (
  select channel_key, sales_channel, channel_group
  from core.dim_channel
)
select * from channels
