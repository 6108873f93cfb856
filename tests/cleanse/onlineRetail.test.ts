import * as fs from "node:fs";
import * as path from "node:path";
import type { cleanseStaging } from "../../lib/cleanse/cleanse";
import type { splitExport } from "../../lib/split/split";
import { readParquet } from "../helpers/rawCsv";
import { december, onlineRetailClean } from "../helpers/onlineRetail";
import { describeIf } from "../helpers/skip";

// Needs the shared Online Retail dataset (../shared/datasets/online-retail/); skipped without it.
const describeWithOnlineRetail = describeIf(december, "../shared/datasets/online-retail/online_retail_2010-12.csv is absent", "put the shared datasets beside the project, in ../shared/datasets/online-retail/ (CI always has them)");

describeWithOnlineRetail("the Online Retail source profile, end to end (December 2010)", () => {
  let dir: string;
  let split: Awaited<ReturnType<typeof splitExport>>;
  let clean: Awaited<ReturnType<typeof cleanseStaging>>;

  beforeAll(async () => {
    // split and cleansed once per run for the three Online Retail test files; this is a copy
    ({ dir, split, clean } = await onlineRetailClean());
  });

  test("every record is accounted for: 42,481 read = sale lines + rejected", () => {
    expect(split.records.read).toBe(42481);
    expect(split.records.sale + split.records.rejected).toBe(42481);
    expect(split.records.stock).toBe(0);
    const lines = clean.entities.order_lines;
    expect(lines.rowsIn).toBe(split.records.sale);
    expect(lines.rowsIn).toBe(lines.rowsKept + lines.rowsCollapsed + lines.rowsRejected);
  });

  test("non-product lines (postage, manual, bank charges...) are set aside with their reason", () => {
    expect(split.rejectsByReason.NON_PRODUCT_LINE).toBeGreaterThan(0);
    const rejects = fs.readFileSync(path.join(dir, "split", "rejects.csv"), "utf8");
    expect(rejects).toMatch(/,NON_PRODUCT_LINE,/);
  });

  test("exact duplicate rows are rejected as DUPLICATE_EXACT", () => {
    expect(clean.entities.order_lines.collapsedByReason.DUPLICATE_EXACT).toBeGreaterThan(0);
  });

  test("cancellations stay as negative lines", async () => {
    const [r] = await readParquet(path.join(dir, "clean", "order_lines.parquet"), "select count(*)::int as n from t where order_id like 'C%' and quantity < 0");
    expect(r.n).toBeGreaterThan(0);
  });

  test("lines without a customer keep a null customer and are never merged into one customer", async () => {
    const [r] = await readParquet(path.join(dir, "clean", "order_lines.parquet"), "select count(*)::int as n from t where customer_id is null");
    expect(r.n).toBeGreaterThan(1000);
    const [c] = await readParquet(path.join(dir, "clean", "customers.parquet"), "select count(*)::int as n from t where customer_id is null");
    expect(c.n).toBe(0);
  });

  test("customer ids lose the spreadsheet .0 and countries become ISO codes", async () => {
    const rows = await readParquet(path.join(dir, "clean", "customers.parquet"), "select customer_id, country from t where customer_id = '17850'");
    expect(rows[0]).toEqual({ customer_id: "17850", country: "GB" });
    const [eire] = await readParquet(path.join(dir, "clean", "customers.parquet"), "select count(*)::int as n from t where country = 'IE'");
    expect(eire.n).toBeGreaterThan(0);
  });

  test("fields the source lacks stay empty: nothing is invented", async () => {
    const [r] = await readParquet(
      path.join(dir, "clean", "customers.parquet"),
      "select count(email)::int as e, count(first_name)::int as f, count(birth_date)::int as b from t",
    );
    expect(r).toEqual({ e: 0, f: 0, b: 0 });
    const [s] = await readParquet(path.join(dir, "clean", "suppliers.parquet"), "select count(*)::int as n from t");
    expect(s.n).toBe(0);
  });
});
