-- dim_channel: the sales channels. The four channels of the export contract are always
-- present (so a mart can show a channel with no sale); any other value a line carries is an
-- inferred member; 'unknown' or a missing channel is the unknown member -1.
-- channel_group: web and marketplace are online; phone is distance selling; store is in person.
with contract_channels as (
  select * from (values
    ('web', 'online'),
    ('marketplace', 'online'),
    ('phone', 'distance'),
    ('store', 'in person')
  ) as t(sales_channel, channel_group)
),
referenced as (
  select distinct sales_channel
  from stg_order_lines
  where sales_channel is not null and sales_channel <> 'unknown'
),
members as (
  select sales_channel, channel_group, false as is_inferred from contract_channels
  union all
  select r.sales_channel, 'unknown', true
  from referenced r
  where r.sales_channel not in (select sales_channel from contract_channels)
),
keyed as (
  select
    cast(row_number() over (order by sales_channel) as integer) as channel_key,
    sales_channel,
    channel_group,
    is_inferred
  from members
),
unknown_member as (
  select -1 as channel_key, 'unknown' as sales_channel, 'unknown' as channel_group, false as is_inferred
),
final as (
  select * from unknown_member
  union all
  select * from keyed
)
select * from final
