import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { cleanseStaging, CleanManifest } from "../../lib/cleanse/cleanse";
import { CLEAN_ENTITIES } from "../../lib/cleanse/schema";
import { loadProfile } from "../../lib/raw/profile";
import { splitExport } from "../../lib/split/split";
import { readParquet, saleRow, stockRow, tempDir, writeRawCsv } from "../helpers/rawCsv";

const profile = loadProfile("default");

interface Reject { entity: string; source_line: string; action: string; column: string; raw_value: string; reason_code: string; detail: string }

async function run(rows: Record<string, string>[]): Promise<{ manifest: CleanManifest; out: string; rejects: Reject[] }> {
  const dir = tempDir();
  const input = path.join(dir, "export.csv");
  writeRawCsv(input, rows);
  await splitExport({ input, profile, outDir: path.join(dir, "split") });
  const out = path.join(dir, "clean");
  const manifest = await cleanseStaging({ splitDir: path.join(dir, "split"), outDir: out, profile });
  const rejects = parse(fs.readFileSync(path.join(out, "rejects.csv")), { columns: true }) as Reject[];
  return { manifest, out, rejects };
}

describe("the missing-value and validity policy", () => {
  test("a missing required value rejects the row with its line, column and reason", async () => {
    const { manifest, rejects } = await run([saleRow(), saleRow({ order_id: "O2", quantity: "" })]);
    expect(manifest.entities.order_lines).toMatchObject({ rowsIn: 2, rowsKept: 1, rowsRejected: 1, rejectedByReason: { MISSING_QUANTITY: 1 } });
    expect(rejects.find((r) => r.action === "row_rejected")).toMatchObject({ entity: "order_lines", source_line: "3", column: "quantity", raw_value: "", reason_code: "MISSING_QUANTITY" });
  });

  test("an invalid required value rejects the row and keeps the raw value", async () => {
    const { rejects } = await run([saleRow({ order_date: "31/02/2023" })]);
    expect(rejects.find((r) => r.entity === "order_lines" && r.action === "row_rejected")).toMatchObject({ column: "order_date", raw_value: "31/02/2023", reason_code: "INVALID_DATE" });
  });

  test("a number its column's type cannot hold is an invalid value with its reason (a discount of 15 for 15 %, a 12-digit price: the cleanse died on the cast)", async () => {
    const { manifest, out, rejects } = await run([
      saleRow({ order_id: "O1", discount: "15" }),
      saleRow({ order_id: "O2", unit_price: "123456789012" }),
      saleRow({ order_id: "O3", freight_cost: "12345678901" }),
      saleRow({ order_id: "O4" }),
    ]);
    expect(manifest.entities.order_lines).toMatchObject({ rowsIn: 4, rowsKept: 2, rowsRejected: 2, rejectedByReason: { VALUE_OUT_OF_RANGE: 2 } });
    expect(rejects.filter((r) => r.action === "row_rejected").map((r) => [r.source_line, r.column, r.raw_value, r.reason_code])).toEqual([
      ["2", "discount", "15", "VALUE_OUT_OF_RANGE"],
      ["3", "unit_price", "123456789012", "VALUE_OUT_OF_RANGE"],
    ]);
    // Freight is flagged when invalid: the line is kept, its freight unknown.
    expect(rejects).toContainEqual(expect.objectContaining({ source_line: "4", action: "value_flagged", column: "freight_cost", reason_code: "VALUE_OUT_OF_RANGE" }));
    const lines = await readParquet(path.join(out, "order_lines.parquet"), "select order_id, freight_cost::varchar as freight from t order by order_id");
    expect(lines).toEqual([{ order_id: "O3", freight: null }, { order_id: "O4", freight: "7.90" }]);
  });

  test("a line or a stock position worth a billion euros or more is rejected (the warehouse stopped on an overflow), and the export's total stays exact", async () => {
    const { manifest } = await run([
      saleRow({ order_id: "O1", quantity: "999999999" }),
      saleRow({ order_id: "O2", unit_price: "99999.99", quantity: "9999" }),
      saleRow({ order_id: "O3", unit_cost: "99999999.99", quantity: "11" }),
      stockRow({ stock_on_hand: "999999999", unit_cost: "10.00" }),
      stockRow({ product_id: "P2", snapshot_date: "2023-05-31" }),
    ]);
    expect(manifest.entities.order_lines.rejectedByReason).toEqual({ AMOUNT_OUT_OF_RANGE: 2 });
    expect(manifest.entities.stock_snapshots.rejectedByReason).toEqual({ AMOUNT_OUT_OF_RANGE: 1 });
    // 9,999 x 99,999.99 x (1 - 0.1), to the cent and beyond: a product of two DECIMAL(18, 6) overflowed from 10^6.
    expect(manifest.sourceTotals).toMatchObject({ lines: 1, netAmount: "899909910.009000" });
  });

  test("a missing reference is kept as null and flagged (the warehouse counts it under 'unknown')", async () => {
    const { manifest, out } = await run([saleRow({ carrier_id: "" })]);
    expect(manifest.entities.order_lines.rowsKept).toBe(1);
    const [line] = await readParquet(path.join(out, "order_lines.parquet"));
    expect(line.carrier_id).toBeNull();
    expect(String(line.quality_flags)).toContain("MISSING_CARRIER_ID");
  });

  test("a missing discount is imputed as 0 and the imputation is recorded", async () => {
    const { out, rejects } = await run([saleRow({ discount: "" })]);
    const [line] = await readParquet(path.join(out, "order_lines.parquet"), "select discount::double as discount, quality_flags from t");
    expect(line.discount).toBe(0);
    expect(rejects).toContainEqual(expect.objectContaining({ action: "value_imputed", column: "discount", reason_code: "MISSING_DISCOUNT" }));
  });

  test("an invalid email is nulled, flagged and logged, and the customer is kept", async () => {
    const { out, rejects } = await run([saleRow({ email: "jeanne@@example.fr" })]);
    const [customer] = await readParquet(path.join(out, "customers.parquet"));
    expect(customer.email).toBeNull();
    expect(customer.phone).toBe("+33123456789");
    // Names keep their spelling as typed: cleansing never re-cases a proper noun (issue 23).
    expect(customer.first_name).toBe("jeanne");
    expect(customer.country).toBe("FR");
    expect(rejects).toContainEqual(expect.objectContaining({ entity: "customers", action: "value_flagged", column: "email", raw_value: "jeanne@@example.fr", reason_code: "INVALID_EMAIL" }));
  });

  test("row rules: zero quantity rejected, zero price and returns kept with a flag", async () => {
    const { manifest, out } = await run([
      saleRow({ order_id: "A", quantity: "0" }),
      saleRow({ order_id: "B", unit_price: "0" }),
      saleRow({ order_id: "C", quantity: "-3" }),
    ]);
    expect(manifest.entities.order_lines.rejectedByReason).toEqual({ ZERO_QUANTITY: 1 });
    const kept = await readParquet(path.join(out, "order_lines.parquet"), "select order_id, quantity, quality_flags from t order by order_id");
    expect(kept).toEqual([
      { order_id: "B", quantity: 2, quality_flags: "ZERO_PRICE" },
      { order_id: "C", quantity: -3, quality_flags: "RETURN" },
    ]);
  });
});

describe("deduplication", () => {
  test("an exact duplicate row and a near duplicate (whitespace, casing) are collapsed into the first line, which is kept", async () => {
    const { manifest, rejects } = await run([
      saleRow(),
      saleRow(),
      saleRow({ order_id: " o1 ", first_name: "JEANNE ", city: "PARIS" }),
    ]);
    // Duplicates are collapsed into the kept row, counted apart from rejects (issue 25).
    expect(manifest.entities.order_lines).toMatchObject({ rowsIn: 3, rowsKept: 1, rowsCollapsed: 2, rowsRejected: 0, collapsedByReason: { DUPLICATE_EXACT: 1, DUPLICATE_NEAR: 1 }, rejectedByReason: {} });
    expect(rejects.filter((r) => r.entity === "order_lines" && r.action === "row_collapsed").map((r) => r.detail)).toEqual(["duplicate of line 2", "duplicate of line 2"]);
    // The near-duplicate customer version merges into the first one.
    expect(manifest.entities.customers).toMatchObject({ rowsIn: 2, rowsKept: 1, rowsCollapsed: 1, collapsedByReason: { DUPLICATE_NEAR: 1 } });
  });

  test("a customer who moves keeps two versions, with the dates of the lines that carry each", async () => {
    const { out } = await run([
      saleRow({ order_id: "O1", order_date: "2023-01-10" }),
      saleRow({ order_id: "O2", order_date: "2023-06-01", street: "8 avenue Foch", postal_code: "69006", city: "Lyon" }),
    ]);
    const customers = await readParquet(path.join(out, "customers.parquet"), "select customer_id, city, first_order_date::varchar as f from t order by f");
    expect(customers).toEqual([
      { customer_id: "C1", city: "paris", f: "2023-01-10" },
      { customer_id: "C1", city: "Lyon", f: "2023-06-01" },
    ]);
    const lines = await readParquet(path.join(out, "order_lines.parquet"), "select count(distinct customer_version)::int as n from t");
    expect(lines[0].n).toBe(2);
  });
});

describe("customer versions", () => {
  test("a version seen only on rejected lines is rejected as ORPHAN_VERSION, not kept without dates", async () => {
    const { manifest, out } = await run([
      saleRow({ order_id: "O1" }),
      saleRow({ order_id: "O2", quantity: "", street: "1 place Bellecour" }),
    ]);
    expect(manifest.entities.customers).toMatchObject({ rowsIn: 2, rowsKept: 1, rejectedByReason: { ORPHAN_VERSION: 1 } });
    const customers = await readParquet(path.join(out, "customers.parquet"), "select street, first_order_date::varchar as f from t");
    expect(customers).toEqual([{ street: "3 rue des Lilas", f: "2023-04-05" }]);
  });
});

describe("accounting: nothing disappears silently", () => {
  test("for every entity, rows in = rows kept + collapsed + rejected, and the files agree", async () => {
    const rows = [
      saleRow(), saleRow(), saleRow({ order_id: "O2", quantity: "x" }), saleRow({ order_id: "O3", carrier_id: "" }),
      stockRow(), stockRow(), stockRow({ stock_on_hand: "-1", snapshot_date: "2023-05-31" }), stockRow({ warehouse_id: "", snapshot_date: "2023-06-30" }),
    ];
    const { manifest, out, rejects } = await run(rows);
    for (const entity of CLEAN_ENTITIES) {
      const a = manifest.entities[entity.name];
      expect(a.rowsIn).toBe(a.rowsKept + a.rowsCollapsed + a.rowsRejected);
      const kept = await readParquet(path.join(out, `${entity.name}.parquet`), "select count(*)::int as n from t");
      expect(kept[0].n).toBe(a.rowsKept);
      const rejectedLines = rejects.filter((r) => r.entity === entity.name && r.action === "row_rejected");
      expect(rejectedLines.length).toBe(a.rowsRejected);
      expect(Object.values(a.rejectedByReason).reduce((x, y) => x + y, 0)).toBe(a.rowsRejected);
      const collapsedLines = rejects.filter((r) => r.entity === entity.name && r.action === "row_collapsed");
      expect(collapsedLines.length).toBe(a.rowsCollapsed);
    }
    expect(manifest.entities.stock_snapshots.rejectedByReason).toEqual({ MISSING_WAREHOUSE_ID: 1, NEGATIVE_STOCK: 1 });
    expect(manifest.entities.stock_snapshots.collapsedByReason).toEqual({ DUPLICATE_EXACT: 1 });
  });

  test("the cleansed files have exactly the columns and types of the contract", async () => {
    const { out } = await run([saleRow(), stockRow()]);
    for (const entity of CLEAN_ENTITIES) {
      const described = await readParquet(path.join(out, `${entity.name}.parquet`), "select column_name, column_type from (describe t)");
      expect(described.map((d) => [d.column_name, d.column_type])).toEqual(entity.columns.map((c) => [c.name, c.type]));
    }
  });
});

describe("reproducibility", () => {
  test("cleansing the same staged files twice gives identical bytes", async () => {
    const crypto = await import("node:crypto");
    const dir = tempDir();
    const input = path.join(dir, "export.csv");
    writeRawCsv(input, [saleRow(), saleRow({ order_id: "O2", email: "bad@@x" }), stockRow(), saleRow({ order_id: "O3", quantity: "0" })]);
    await splitExport({ input, profile, outDir: path.join(dir, "split") });
    const digest = async (out: string) => {
      await cleanseStaging({ splitDir: path.join(dir, "split"), outDir: out, profile });
      return fs.readdirSync(out).sort().map((f) => `${f}:${crypto.createHash("sha256").update(fs.readFileSync(path.join(out, f))).digest("hex")}`);
    };
    expect(await digest(path.join(dir, "a"))).toEqual(await digest(path.join(dir, "b")));
  });
});

describe("the quality profile (issue 25)", () => {
  test("collapsed duplicates are reported apart from rejects, and before/after compare the same records", async () => {
    const { manifest, out } = await run([
      saleRow(),
      saleRow({ order_id: "O2", first_name: "JEANNE" }), // the same customer typed another way: collapsed
      saleRow({ order_id: "O3", email: "" }),
      saleRow({ order_id: "O4", quantity: "x" }), // a defect: rejected
    ]);
    const customers = manifest.entities.customers;
    expect(customers.rowsCollapsed).toBeGreaterThan(0);
    expect(customers.rejectedByReason).not.toHaveProperty("DUPLICATE_NEAR");
    const quality = JSON.parse(fs.readFileSync(path.join(out, "quality.json"), "utf8"));
    for (const entity of CLEAN_ENTITIES) {
      const q = quality[entity.name];
      const a = manifest.entities[entity.name];
      for (const [i, b] of q.before.entries()) {
        expect(b.rows).toBe(q.after[i].rows); // the same records
        expect(b.rows).toBe(a.rowsKept);
        expect(q.staged[i].rows).toBe(a.rowsIn); // every staged row, beside
      }
    }
    // The blank email is one of the kept records: before 2 of 3 complete, after the same.
    const email = quality.customers.before.find((c: { column: string }) => c.column === "email");
    expect(email.rows).toBe(manifest.entities.customers.rowsKept);
  });
});
