/**
 * The lake export (lib/warehouse/lake.ts) writes each table one year at a time: every fact row
 * lands once, in its own year=/month= partition, and the same database gives byte-identical files.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { exportLake } from "../../lib/warehouse/lake";
import { openDatabase, query } from "../../lib/warehouse/db";
import { tempDir } from "./fixtures";

async function exportOnce(): Promise<{ dir: string; files: Map<string, Buffer> }> {
  const db = await openDatabase(path.join(tempDir("lake-db-"), "core.duckdb"));
  try {
    const c = db.connection;
    // Three years of days, sale lines on some of them (out of date order), stock at month ends.
    await c.run(`create table dim_date as
      select cast(strftime(d, '%Y%m%d') as integer) as date_key, year(d) as year, month(d) as month
      from range(date '2022-12-01', date '2025-01-01', interval 1 day) t(d)`);
    await c.run(`create table fact_sales as
      select cast(strftime(date '2022-12-30' + cast((i * 7919) % 700 as integer), '%Y%m%d') as integer) as order_date_key,
        'O' || lpad(cast(i // 3 as varchar), 5, '0') as order_id, cast(i % 3 + 1 as integer) as line_number, i as amount
      from range(3000) t(i)`);
    await c.run(`create table fact_inventory as
      select date_key as snapshot_date_key, cast(p as integer) as product_key, 1 as warehouse_key, p * 10 as stock_on_hand
      from dim_date, range(3) t(p) where date_key % 100 = 28`);
    const dir = tempDir("lake-");
    const rows = await exportLake(c, dir);
    expect(rows).toEqual({ fact_sales: 3000, fact_inventory: 25 * 3 });
    const files = new Map<string, Buffer>();
    for (const f of (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".parquet")).sort()) files.set(f, readFileSync(path.join(dir, f)));
    return { dir, files };
  } finally {
    db.close();
  }
}

test("every row once, in its year and month, in every year; the same database gives the same files", async () => {
  const first = await exportOnce();
  const years = readdirSync(path.join(first.dir, "fact_sales")).sort();
  expect(years).toEqual(["year=2022", "year=2023", "year=2024"]);
  const db = await openDatabase(":memory:");
  try {
    const lake = (t: string) => `read_parquet('${first.dir}/${t}/**/*.parquet', hive_partitioning = true)`;
    const misplaced = await query<{ n: number }>(
      db.connection,
      `select cast(count(*) as integer) as n from ${lake("fact_sales")} where year <> cast(order_date_key // 10000 as integer) or month <> cast(order_date_key // 100 % 100 as integer)`,
    );
    expect(misplaced[0].n).toBe(0);
    const distinct = await query<{ n: number; lines: number }>(db.connection, `select cast(count(distinct (order_id, line_number)) as integer) as n, cast(count(*) as integer) as lines from ${lake("fact_sales")}`);
    expect(distinct[0]).toEqual({ n: 3000, lines: 3000 });
    const stock = await query<{ months: number }>(db.connection, `select cast(count(distinct (year, month)) as integer) as months from ${lake("fact_inventory")}`);
    expect(stock[0].months).toBe(25);
  } finally {
    db.close();
  }
  const second = await exportOnce();
  expect([...second.files.keys()]).toEqual([...first.files.keys()]);
  for (const [f, bytes] of first.files) expect(second.files.get(f)!.equals(bytes)).toBe(true);
});
