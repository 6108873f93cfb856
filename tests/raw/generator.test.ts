import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { RAW_COLUMNS, RAW_HEADER } from "../../lib/raw/contract";
import { allFrenchPostalCodes, loadCommunePool } from "../../lib/raw/communes";
import { CustomerFactory, FOREIGN_TOWNS, emptyCustomer, isLuhnValid } from "../../lib/raw/customers";
import { buildNamePools } from "../../lib/raw/namePools";
import { DEFECT_KINDS, type DefectKind, type DefectRates } from "../../lib/raw/defects";
import { defectsSummaryPath, generateRawExport, type GeneratorSummary } from "../../lib/raw/generator";

const ROWS = 3000;
const SEED = 7;
const dir = mkdtempSync(path.join(tmpdir(), "raw-generator-"));
const NO_DEFECTS = Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as unknown as DefectRates;
const SOME_OFF: Partial<DefectRates> = { returnLine: 0, embeddedNewline: 0, phoneFormat: 0 };

interface Run {
  file: string;
  summary: GeneratorSummary;
  rows: string[][];
}

const runs: Record<string, Run> = {};
const col = (name: string) => RAW_HEADER.indexOf(name);
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function run(name: string, options: { seed: number; defects?: Partial<DefectRates>; gz?: boolean }): Promise<Run> {
  const file = path.join(dir, `${name}.csv${options.gz ? ".gz" : ""}`);
  const summary = await generateRawExport({ outPath: file, rows: ROWS, seed: options.seed, defects: options.defects, gzipLevel: 1 });
  const bytes = options.gz ? gunzipSync(readFileSync(file)) : readFileSync(file);
  const rows = parse(bytes, { relax_column_count: true }) as string[][];
  return { file, summary, rows };
}

function body(r: Run, type?: "SALE" | "STOCK"): string[][] {
  return r.rows.slice(1).filter((row) => type === undefined || row[0] === type);
}

beforeAll(async () => {
  runs.a = await run("a", { seed: SEED });
  runs.b = await run("b", { seed: SEED });
  runs.other = await run("other", { seed: SEED + 1 });
  runs.clean = await run("clean", { seed: SEED, defects: NO_DEFECTS });
  runs.someOff = await run("some-off", { seed: SEED, defects: SOME_OFF });
  runs.gz = await run("gz", { seed: SEED, gz: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("determinism", () => {
  test("the same seed gives byte-identical files", () => {
    expect(sha256(runs.a.file)).toBe(sha256(runs.b.file));
    expect(runs.a.summary).toEqual(runs.b.summary);
  });

  test("another seed gives other bytes", () => {
    expect(sha256(runs.a.file)).not.toBe(sha256(runs.other.file));
  });

  test("a .gz path holds the same CSV, gzip-compressed", () => {
    expect(gunzipSync(readFileSync(runs.gz.file)).equals(readFileSync(runs.a.file))).toBe(true);
  });

  test("the summary is written next to the export with stable keys", () => {
    expect(defectsSummaryPath("data/raw/export.csv.gz")).toBe(path.join("data/raw", "export.defects.json"));
    const written = JSON.parse(readFileSync(defectsSummaryPath(runs.a.file), "utf8"));
    expect(written).toEqual(runs.a.summary);
    expect(Object.keys(written.defectsInjected)).toEqual([...DEFECT_KINDS]);
  });
});

describe("shape", () => {
  test("the header is the contract's", () => {
    expect(runs.a.rows[0]).toEqual([...RAW_HEADER]);
  });

  test("every row parses to the header's column count, and there are `rows` of them", () => {
    for (const r of [runs.a, runs.clean, runs.gz]) {
      const bad = body(r).findIndex((row) => row.length !== RAW_HEADER.length);
      expect(bad).toBe(-1);
      expect(body(r)).toHaveLength(ROWS);
      expect(body(r, "SALE")).toHaveLength(r.summary.saleRows);
      expect(body(r, "STOCK")).toHaveLength(r.summary.stockRows);
    }
  });

  test("stock snapshots are a minority of rows, interleaved with sales by month end", () => {
    const types = body(runs.a).map((row) => row[0]);
    expect(runs.a.summary.stockRows / ROWS).toBeGreaterThan(0.05);
    expect(runs.a.summary.stockRows / ROWS).toBeLessThan(0.3);
    expect(types.indexOf("STOCK")).toBeLessThan(types.lastIndexOf("SALE"));
  });

  test("each record type fills its own columns and leaves the others empty", () => {
    for (const r of [runs.a, runs.clean]) {
      for (const [type, other] of [["SALE", "STOCK"], ["STOCK", "SALE"]] as const) {
        const foreign = RAW_COLUMNS.map((c, i) => [c, i] as const).filter(([c]) => !c.filledBy.includes(type) && c.filledBy.includes(other));
        const filled = body(r, type).filter((row) => foreign.some(([, i]) => row[i] !== ""));
        expect(filled).toHaveLength(0);
      }
    }
    // Without defects, every column a record type fills is filled (business-only and
    // person-only columns aside).
    const optional = new Set(["company_name", "birth_date", "gender"]);
    for (const type of ["SALE", "STOCK"] as const) {
      const own = RAW_COLUMNS.map((c, i) => [c, i] as const).filter(([c]) => c.filledBy.includes(type) && !optional.has(c.name));
      const gaps = body(runs.clean, type).flatMap((row) => own.filter(([, i]) => row[i] === "").map(([c]) => `${type} row without ${c.name}`));
      expect(gaps).toEqual([]);
    }
  });

  test("stock columns hold non-negative integers on clean STOCK rows", () => {
    for (const row of body(runs.clean, "STOCK")) {
      for (const name of ["stock_on_hand", "units_on_order", "reorder_level", "units_received"]) expect(row[col(name)]).toMatch(/^\d+$/);
      expect(row[col("snapshot_date")]).toMatch(/^\d{4}-\d{2}-(28|29|30|31)$/);
    }
  });
});

describe("the story holds on clean rows", () => {
  const days = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

  test("lines of an order share order, customer, carrier and dates; dates follow each other", () => {
    const byOrder = new Map<string, string[][]>();
    for (const row of body(runs.clean, "SALE")) byOrder.set(row[col("order_id")], [...(byOrder.get(row[col("order_id")]) ?? []), row]);
    for (const lines of byOrder.values()) {
      expect(lines.length).toBeLessThanOrEqual(6);
      for (const name of ["customer_id", "order_date", "ship_date", "delivery_date", "carrier_id", "freight_cost", "sales_channel"]) {
        expect(new Set(lines.map((l) => l[col(name)])).size).toBe(1);
      }
      const [first] = lines;
      const ship = days(first[col("ship_date")]) - days(first[col("order_date")]);
      const delivery = days(first[col("delivery_date")]) - days(first[col("ship_date")]);
      expect(ship).toBeGreaterThanOrEqual(0);
      expect(ship).toBeLessThanOrEqual(3);
      expect(delivery).toBeGreaterThanOrEqual(1);
      expect(delivery).toBeLessThanOrEqual(7);
    }
  });

  test("costs are below prices, cards pass Luhn, persons have a birth date and businesses a company", () => {
    for (const row of body(runs.clean, "SALE")) {
      expect(Number(row[col("unit_cost")])).toBeLessThan(Number(row[col("unit_price")]));
      expect(isLuhnValid(row[col("card_number")])).toBe(true);
      if (row[col("customer_type")] === "PERSON") {
        expect(row[col("birth_date")] >= "1940-01-01" && row[col("birth_date")] <= "2006-12-31").toBe(true);
        expect(["F", "M", "X"]).toContain(row[col("gender")]);
        expect(row[col("company_name")]).toBe("");
      } else {
        expect(row[col("customer_type")]).toBe("BUSINESS");
        expect(row[col("company_name")]).not.toBe("");
        expect(row[col("birth_date")]).toBe("");
      }
    }
  });

  test("both customer types and every sales channel occur", () => {
    const sales = body(runs.clean, "SALE");
    expect(new Set(sales.map((r) => r[col("customer_type")]))).toEqual(new Set(["PERSON", "BUSINESS"]));
    expect(new Set(sales.map((r) => r[col("sales_channel")]))).toEqual(new Set(["web", "store", "marketplace", "phone"]));
  });

  test("postal codes are real: French ones, or those of the towns abroad", () => {
    const known = new Set([...allFrenchPostalCodes(), ...FOREIGN_TOWNS.map((t) => t.postalCode)]);
    for (const r of [runs.a, runs.clean]) {
      const unknown = body(r, "SALE").map((row) => row[col("postal_code")]).filter((code) => code !== "" && !known.has(code));
      expect(unknown).toEqual([]);
    }
  });
});

describe("customers change over time", () => {
  test("a mover shows one address before the move day and another after", () => {
    const factory = new CustomerFactory(SEED, { businesses: 30, persons: 1970 }, 1096, buildNamePools(SEED), loadCommunePool(), { embeddedNewline: 0, embeddedComma: 0, apostropheName: 0 });
    const mover = [...Array(2000).keys()].find((n) => factory.versionOn(n, 1095) & 1);
    expect(mover).toBeDefined();
    const before = factory.describe(mover!, 0, emptyCustomer());
    const after = factory.describe(mover!, 1095, emptyCustomer());
    expect(after.id).toBe(before.id);
    expect(after.firstName).toBe(before.firstName);
    expect(`${after.street}|${after.postalCode}|${after.city}`).not.toBe(`${before.street}|${before.postalCode}|${before.city}`);
  });
});

describe("defects", () => {
  test("every kind is injected at its default rate", () => {
    for (const kind of DEFECT_KINDS) expect([kind, runs.a.summary.defectsInjected[kind] > 0]).toEqual([kind, true]);
  });

  test("a rate of 0 disables its kind and only that kind", () => {
    for (const kind of DEFECT_KINDS) expect([kind, runs.clean.summary.defectsInjected[kind]]).toEqual([kind, 0]);
    for (const kind of DEFECT_KINDS) {
      const off = kind in SOME_OFF;
      expect([kind, runs.someOff.summary.defectsInjected[kind] > 0]).toEqual([kind, !off]);
    }
  });

  test("returns are SALE rows with a negative quantity, and there are none when disabled", () => {
    const negative = (r: Run) => body(r).filter((row) => row[col("quantity")].startsWith("-"));
    expect(negative(runs.a).length).toBeGreaterThan(0);
    for (const row of negative(runs.a)) expect(row[0]).toBe("SALE");
    expect(negative(runs.someOff)).toHaveLength(0);
    expect(negative(runs.clean)).toHaveLength(0);
  });

  test("clean files use ISO dates and canonical phones; defective ones mix formats", () => {
    const dates = (r: Run) => body(r).flatMap((row) => ["order_date", "ship_date", "delivery_date", "birth_date", "snapshot_date"].map((n) => row[col(n)]).filter(Boolean));
    expect(dates(runs.clean).every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    const formats = new Set(dates(runs.a).map((d) => d.replace(/\d/g, "9")));
    expect(formats).toEqual(new Set(["9999-99-99", "99/99/9999", "9999/99/99", "99999999", "9999-99-99T99:99:99"]));
    for (const row of body(runs.clean, "SALE")) {
      expect(row[col("phone")]).toMatch(row[col("country")] === "France" ? /^0\d( \d\d){4}$/ : /^\+(32|41|352|377)( \d+)+$/);
    }
  });

  test("special characters survive the CSV round trip", () => {
    const sales = body(runs.a, "SALE");
    expect(sales.some((row) => row[col("street")].includes("\n"))).toBe(true);
    expect(sales.some((row) => row[col("product_name")].includes('"'))).toBe(true);
    expect(sales.some((row) => row[col("product_name")].includes(","))).toBe(true);
    expect(sales.some((row) => /^[DLNO]'/.test(row[col("last_name")]))).toBe(true);
  });

  test("exact duplicates repeat a SALE row byte for byte", () => {
    const seen = new Set<string>();
    let repeats = 0;
    for (const row of body(runs.a, "SALE")) {
      const key = JSON.stringify(row);
      if (seen.has(key)) repeats++;
      seen.add(key);
    }
    expect(repeats).toBeGreaterThanOrEqual(runs.a.summary.defectsInjected.exactDuplicate);
  });
});
