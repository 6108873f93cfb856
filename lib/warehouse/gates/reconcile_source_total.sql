-- Reconciliation with the export itself: the grand total of fact_sales.net_amount equals the
-- export's own net total over the kept lines (quantity x unit price x (1 - discount), exact,
-- computed from the raw text by the cleansing stage: manifest.json "sourceTotals",
-- lib/cleanse/sourceTotal.ts). Rounding each line to the cent before summing would fail here.
with facts as (
  select coalesce(sum(net_amount), 0) as net from fact_sales
),
source as (
  select cast($source_net as decimal(38, 6)) as net
)
select
  cast(case when f.net <> s.net then 1 else 0 end as integer) as failures,
  'fact_sales net ' || cast(f.net as varchar) || ' = export ' || cast(s.net as varchar) as detail
from facts f, source s
