/**
 * The release's Parquet writer (lib/opendata/publish/parquet.ts): rows in primary-key order with
 * the declared types, written on one thread for reproducible bytes, and the connection handed back
 * with the number of threads it had, also when the copy fails (the release's later queries, the
 * personal-data gate's list of known values among them, ran on one thread while it stayed).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { openNative, queryRows } from "../../lib/engine/native";
import { writeParquet } from "../../lib/opendata/publish/parquet";
import type { CsvColumnFormat } from "../../lib/opendata/publish/csv";
import { tempDir } from "../warehouse/fixtures";

const columns: CsvColumnFormat[] = [
  { name: "area", type: "string" },
  { name: "orders", type: "integer" },
  { name: "amount", type: "number", decimals: 2 },
];

type Connection = Awaited<ReturnType<typeof openNative>>["conn"];

async function threadsOf(conn: Connection): Promise<number> {
  const [{ threads }] = await queryRows<{ threads: string }>(conn, "select current_setting('threads') as threads");
  return Number(threads);
}

/** A scratch engine on two threads and a CSV file of `text`, for `check`; both gone after it. */
async function withCsv(text: string, check: (conn: Connection, csv: string, parquet: string) => Promise<void>): Promise<void> {
  const dir = tempDir("od-parquet-");
  const csv = path.join(dir, "t.csv");
  fs.writeFileSync(csv, text);
  const { instance, conn } = await openNative({ threads: 2 });
  try {
    expect(await threadsOf(conn)).toBe(2);
    await check(conn, csv, path.join(dir, "t.parquet"));
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("writeParquet", () => {
  test("writes the CSV's rows in key order with their types, and leaves the connection's threads as they were", () =>
    withCsv("area,orders,amount\r\nb,2,1.50\r\na,,3.25\r\nc,7,\r\n", async (conn, csv, parquet) => {
      await writeParquet(conn, csv, parquet, columns, ["area"]);
      expect(await threadsOf(conn)).toBe(2);
      expect(await queryRows(conn, `select * from read_parquet('${parquet}')`)).toEqual([
        { area: "a", orders: null, amount: 3.25 },
        { area: "b", orders: 2, amount: 1.5 },
        { area: "c", orders: 7, amount: null },
      ]);
      const [{ types }] = await queryRows<{ types: string }>(conn, `select string_agg(column_type, ',' order by column_name) as types from (describe select * from read_parquet('${parquet}'))`);
      expect(types).toBe("DOUBLE,VARCHAR,BIGINT");
    }));

  test("a copy that fails gives the connection its threads back too", () =>
    withCsv("area,orders,amount\r\na,not a number,1\r\n", async (conn, csv, parquet) => {
      await expect(writeParquet(conn, csv, parquet, columns, ["area"])).rejects.toThrow();
      expect(await threadsOf(conn)).toBe(2);
    }));
});
