/**
 * Issue 26 item 3 and issue 23 items 5 and 7: empty and degenerate inputs, sources without
 * customers, profiles that lack a column the policy cannot do without. Each either runs through
 * split, cleanse, warehouse and marts with a consistent, explained result, or stops before
 * writing anything with one message naming the file and the fix (exit 2 at the command line).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runStages, type PipelineConfig, type StageName } from "../../lib/cli/pipeline";
import { openKeyStore } from "../../lib/privacy/keystore";
import { InputError } from "../../lib/raw/inputCheck";
import { loadProfile, type SourceProfile } from "../../lib/raw/profile";
import { openNative, queryRows, sqlString } from "../../lib/engine/native";
import { RAW_HEADER } from "../../lib/raw/contract";
import { runScript } from "../helpers/runScript";
import { saleRow, stockRow, tempDir, writeRawCsv } from "../helpers/rawCsv";

jest.setTimeout(300_000);

const STAGES: StageName[] = ["split", "cleanse", "warehouse", "marts"];

function sandbox(rows: Record<string, string>[] | string, profile: SourceProfile = loadProfile("default")): PipelineConfig {
  const root = tempDir("degenerate-");
  const input = path.join(root, "export.csv");
  if (typeof rows === "string") fs.writeFileSync(input, rows);
  else writeRawCsv(input, rows);
  const keyStore = openKeyStore({ dir: path.join(root, "keys"), log: () => {} });
  return {
    input,
    profile,
    stagingDir: path.join(root, "outputs", "staging"),
    warehouseDir: path.join(root, "outputs", "warehouse"),
    opendataDir: path.join(root, "outputs", "opendata"),
    reportsDir: path.join(root, "reports"),
    log: () => {},
    keyStore: () => keyStore,
  };
}

async function coreCounts(cfg: PipelineConfig): Promise<Record<string, number>> {
  const { instance, conn } = await openNative();
  try {
    await conn.run(`attach ${sqlString(path.join(cfg.warehouseDir, "marts.duckdb"))} as marts (read_only)`);
    const rows = await queryRows<{ t: string; n: number }>(
      conn,
      `select 'sales_daily' as t, count(*)::bigint as n from marts.sales.sales_daily
       union all select 'customer_sales', count(*)::bigint from marts.sales.customer_sales
       union all select 'stock_monthly', count(*)::bigint from marts.inventory.stock_monthly`,
    );
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const customerless = (): SourceProfile => {
  const p = loadProfile("default");
  const customerColumns = ["customer_id", "customer_type", "company_name", "first_name", "last_name", "email", "phone", "birth_date", "gender", "street", "postal_code", "city", "country", "segment", "card_number"];
  return {
    ...p,
    name: "no-customers",
    format: { ...p.format, header: RAW_HEADER.filter((c) => !customerColumns.includes(c)) },
    lacks: customerColumns,
  };
};

function writeWithout(file: string, header: string[], rows: Record<string, string>[]): void {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  fs.writeFileSync(file, [header.join(","), ...rows.map((r) => header.map((c) => quote(r[c] ?? "")).join(","))].join("\n") + "\n");
}

describe("degenerate inputs", () => {
  test("a header-only file stops at the split with one line naming the file, and writes nothing", async () => {
    const cfg = sandbox(RAW_HEADER.join(",") + "\n");
    await expect(runStages(cfg, STAGES)).rejects.toThrow(InputError);
    await expect(runStages(cfg, STAGES)).rejects.toThrow(/export\.csv: holds a header and no record\. Fix: export the data again/);
    expect(fs.existsSync(cfg.stagingDir)).toBe(false);
    expect(fs.existsSync(cfg.warehouseDir)).toBe(false);
  });

  test("at the command line: exit 2, one line, no stack trace", () => {
    const dir = tempDir("header-only-");
    const input = path.join(dir, "export.csv");
    fs.writeFileSync(input, RAW_HEADER.join(",") + "\n");
    const r = runScript("lib/cli/main.ts", "split", "--input", input);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/holds a header and no record/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test("every row rejected: runs end to end, nothing loaded, every row explained in the rejects", async () => {
    const cfg = sandbox([saleRow({ quantity: "many" }), saleRow({ order_id: "O2", quantity: "none" })]);
    const results = await runStages(cfg, STAGES);
    const clean = JSON.parse(fs.readFileSync(path.join(cfg.stagingDir, "clean", "manifest.json"), "utf8"));
    expect(clean.entities.order_lines).toMatchObject({ rowsIn: 2, rowsKept: 0, rowsRejected: 2, rejectedByReason: { INVALID_INTEGER: 2 } });
    expect(results.find((r) => r.stage === "warehouse")!.summary).toMatch(/^0 sales lines/);
    expect(await coreCounts(cfg)).toMatchObject({ sales_daily: 0, customer_sales: 0 });
  });

  test("one row: runs end to end with one sale line", async () => {
    const cfg = sandbox([saleRow()]);
    const results = await runStages(cfg, STAGES);
    expect(results.find((r) => r.stage === "warehouse")!.summary).toMatch(/^1 sales lines, 0 stock snapshots/);
    expect(await coreCounts(cfg)).toMatchObject({ sales_daily: 1, customer_sales: 1, stock_monthly: 0 });
  });

  test("one customer, no stock rows: runs end to end, the inventory mart empty", async () => {
    const cfg = sandbox([saleRow(), saleRow({ order_id: "O2", order_date: "2023-05-02" }), saleRow({ order_id: "O3", order_date: "2023-06-02" })]);
    await runStages(cfg, STAGES);
    expect(await coreCounts(cfg)).toMatchObject({ customer_sales: 1, stock_monthly: 0 });
  });

  test("stock rows only: no sale, no customer, the sales marts empty", async () => {
    const cfg = sandbox([stockRow(), stockRow({ snapshot_date: "2023-05-31" })]);
    await runStages(cfg, STAGES);
    expect(await coreCounts(cfg)).toMatchObject({ sales_daily: 0, customer_sales: 0, stock_monthly: 2 });
  });
});

describe("sources without customers", () => {
  test("a profile that lacks customer_id runs through split, cleanse, warehouse (no crash in protect) and marts", async () => {
    const profile = customerless();
    const cfg = sandbox([], profile);
    writeWithout(cfg.input, profile.format.header, [saleRow(), saleRow({ order_id: "O2" }), stockRow()]);
    const results = await runStages(cfg, STAGES);
    expect(results.find((r) => r.stage === "warehouse")!.summary).toMatch(/^2 sales lines, 1 stock snapshots/);
    const counts = await coreCounts(cfg);
    expect(counts.sales_daily).toBeGreaterThan(0);
    expect(counts.customer_sales).toBe(0);
  });
});

describe("a profile that lacks a column the policy rejects rows without", () => {
  const stockWithoutWarehouse = (defaults?: Record<string, string>): SourceProfile => {
    const p = loadProfile("default");
    return { ...p, name: "no-warehouse", format: { ...p.format, header: RAW_HEADER.filter((c) => c !== "warehouse_id") }, lacks: ["warehouse_id"], ...(defaults ? { defaults } : {}) };
  };

  test("stops before the split, naming the column and the policy", async () => {
    const profile = stockWithoutWarehouse();
    const cfg = sandbox([], profile);
    writeWithout(cfg.input, profile.format.header, [saleRow(), stockRow()]);
    await expect(runStages(cfg, STAGES)).rejects.toThrow(/lacks "warehouse_id", but the cleansing policy rejects every stock_snapshots row without it \(stock_snapshots\.warehouse_id, warehouses\.warehouse_id: missing → reject/);
    expect(fs.existsSync(cfg.stagingDir)).toBe(false);
  });

  test("runs when the profile states what the absence means (defaults)", async () => {
    const profile = stockWithoutWarehouse({ warehouse_id: "WH-ONLY" });
    const cfg = sandbox([], profile);
    writeWithout(cfg.input, profile.format.header, [saleRow(), stockRow()]);
    await runStages(cfg, STAGES);
    const { instance, conn } = await openNative();
    try {
      const ids = await queryRows<{ warehouse_id: string }>(conn, `select distinct warehouse_id from read_parquet(${sqlString(path.join(cfg.stagingDir, "clean", "stock_snapshots.parquet"))})`);
      expect(ids).toEqual([{ warehouse_id: "WH-ONLY" }]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
