/**
 * sales.sales_daily counts each row's distinct orders and customers without count(distinct) over
 * every line (lib/marts/sales/sales_daily.sql: a row of one order and at most one customer is
 * known by its first and last ones; only the other rows are counted from their lines). Checked
 * here against the direct definition, count(distinct) straight from the core's lines, on a
 * generated warehouse, and on the same core with lines added so that rows of several orders,
 * several customers and lines without a customer are certain to be there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadMartModels } from "../../lib/marts/build";
import { materialiseModel } from "../../lib/warehouse/build";
import { openDatabase, run } from "../../lib/warehouse/db";
import { createMacros } from "../../lib/warehouse/staging";
import { generatedWarehouse } from "../opendata/pipeline";
import { tempDir } from "../warehouse/fixtures";

jest.setTimeout(600_000);

/** The customer profile sales_daily shows (dim_customer's columns). */
const PROFILE_COLUMNS = ["segment", "customer_type", "age_band", "gender", "departement_code", "departement_name", "region_code", "region_name"];
const PROFILE = PROFILE_COLUMNS.map((col) => `c.${col}`).join(", ");

/** Every row of sales_daily, computed the direct way from the core attached as `core`. */
const DIRECT = `
  select f.order_date_key as date_key, f.product_key, f.channel_key, ${PROFILE},
    cast(count(*) as integer) as order_lines,
    cast(count(distinct f.order_id) as integer) as orders,
    cast(count(distinct case when f.customer_key > 0 then c.customer_pseudonym end) as integer) as customers,
    cast(sum(f.quantity) as bigint) as quantity,
    cast(sum(f.net_amount) as decimal(18, 6)) as net_amount,
    cast(sum(f.freight_allocated) as decimal(18, 2)) as freight_amount
  from core.fact_sales f join core.dim_customer c using (customer_key)
  group by all`;

const MART = `
  select date_key, product_key, channel_key, ${PROFILE_COLUMNS.join(", ")},
    order_lines, orders, customers, quantity, net_amount, freight_amount
  from sales.sales_daily`;

interface Comparison {
  rows: number;
  missing: number;
  extra: number;
  severalOrders: number;
  severalCustomers: number;
  noCustomer: number;
  severalCustomersOneOrder: number;
}

/** Builds sales_daily alone from `corePath` into a scratch database and compares it with DIRECT. */
async function compare(corePath: string, dir: string): Promise<Comparison> {
  const db = await openDatabase(path.join(dir, "marts.duckdb"));
  try {
    const c = db.connection;
    await createMacros(c);
    await run(c, `attach '${corePath}' as core (read_only)`);
    await run(c, "create schema sales");
    await materialiseModel(c, loadMartModels().find((m) => m.schema === "sales" && m.name === "sales_daily")!);
    const reader = await c.runAndReadAll(`
      with mart as (${MART}), direct as (${DIRECT})
      select cast((select count(*) from mart) as integer) as rows,
        cast((select count(*) from (select * from direct except all select * from mart)) as integer) as missing,
        cast((select count(*) from (select * from mart except all select * from direct)) as integer) as extra,
        cast((select count(*) from mart where orders > 1) as integer) as "severalOrders",
        cast((select count(*) from mart where customers > 1) as integer) as "severalCustomers",
        cast((select count(*) from mart where customers = 0) as integer) as "noCustomer",
        cast((select count(*) from mart where customers > 1 and orders = 1) as integer) as "severalCustomersOneOrder"`);
    return reader.getRowObjectsJson()[0] as unknown as Comparison;
  } finally {
    db.close();
  }
}

describe("sales_daily: distinct orders and customers per row", () => {
  test("equal count(distinct) over the core's lines, on a generated warehouse", async () => {
    const wh = await generatedWarehouse(20000);
    const result = await compare(wh.corePath, tempDir("sales-daily-"));
    expect(result).toMatchObject({ missing: 0, extra: 0 });
    expect(result.rows).toBeGreaterThan(10000);
    expect(result.severalOrders).toBeGreaterThan(0);
  });

  test("equal count(distinct) when rows hold several orders, several customers, and lines without a customer", async () => {
    const wh = await generatedWarehouse(20000);
    const dir = tempDir("sales-daily-planted-");
    const core = path.join(dir, "core.duckdb");
    fs.copyFileSync(wh.corePath, core);
    const db = await openDatabase(core);
    try {
      const c = db.connection;
      const [{ next }] = (await (await c.runAndReadAll("select cast(max(line_number) + 1 as integer) as next from fact_sales")).getRowObjectsJson()) as { next: number }[];
      // For 150 lines, a copy in another order of the same customer (two orders in the row); for 150
      // others, a line of the same order by another customer of the same profile (one order, two
      // customers: an export can hold it); for all 300, a copy without a customer.
      // Each customer's partner: another customer of the same profile (the lowest key).
      await run(
        c,
        `create temp table partner as
           select c.customer_key, min(o.customer_key) as other_key
           from dim_customer c join dim_customer o
             on o.customer_key > 0 and o.customer_pseudonym <> c.customer_pseudonym
            and ${PROFILE_COLUMNS.map((col) => `o.${col} is not distinct from c.${col}`).join(" and ")}
           where c.customer_key > 0
           group by c.customer_key`,
      );
      await run(
        c,
        `create temp table picked as
           select f.*, p.other_key, row_number() over (order by f.order_id, f.line_number) as n
           from fact_sales f join partner p using (customer_key)
           order by f.order_id, f.line_number limit 300`,
      );
      await run(c, `insert into fact_sales by name select * exclude (n, other_key, order_id, line_number) replace (quantity + 1 as quantity), 'PLANTED-O-' || n as order_id, ${next} + n as line_number from picked where n <= 150`);
      await run(c, `insert into fact_sales by name select * exclude (n, other_key, line_number, customer_key), ${next} + 1000 + n as line_number, other_key as customer_key from picked where n > 150`);
      await run(c, `insert into fact_sales by name select * exclude (n, other_key, order_id, line_number, customer_key), 'PLANTED-U-' || n as order_id, ${next} + 2000 + n as line_number, -1 as customer_key from picked`);
      await run(c, "checkpoint");
    } finally {
      db.close();
    }
    const result = await compare(core, dir);
    expect(result).toMatchObject({ missing: 0, extra: 0 });
    expect(result.severalOrders).toBeGreaterThan(120);
    expect(result.severalCustomers).toBeGreaterThan(120);
    expect(result.severalCustomersOneOrder).toBeGreaterThan(100);
    expect(result.noCustomer).toBeGreaterThan(0);
  });
});
