/**
 * The generated export looks like the retailer data/README.md describes: the purchase
 * frequencies, business customers, carriers, modes and customers abroad it quotes with their
 * sources. Measured on a clean 40,000-row export (defects would only blur the counts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { RAW_HEADER } from "../../lib/raw/contract";
import { ABROAD_SHARE, BUSINESS_SHARE_OF_NET_SALES } from "../../lib/raw/customers";
import { DEFECT_KINDS, type DefectRates } from "../../lib/raw/defects";
import { generateRawExport } from "../../lib/raw/generator";
import { CARRIERS, SHIPPING_MODE_WEIGHTS, type ShippingMode } from "../../lib/raw/logistics";
import { loadCommunePool } from "../../lib/raw/communes";

const dir = mkdtempSync(path.join(tmpdir(), "raw-realism-"));
const NO_DEFECTS = Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as unknown as DefectRates;
const col = (name: string) => RAW_HEADER.indexOf(name);
let sales: string[][] = [];

beforeAll(async () => {
  const file = path.join(dir, "clean.csv");
  await generateRawExport({ outPath: file, rows: 40_000, seed: 3, defects: NO_DEFECTS, writeSummary: false });
  sales = (parse(readFileSync(file), { relax_column_count: true }) as string[][]).slice(1).filter((r) => r[0] === "SALE");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ordersByCustomer(type: string): number[] {
  const orders = new Map<string, Set<string>>();
  for (const row of sales) {
    if (row[col("customer_type")] !== type) continue;
    const id = row[col("customer_id")];
    if (!orders.has(id)) orders.set(id, new Set());
    orders.get(id)!.add(row[col("order_id")]);
  }
  return [...orders.values()].map((s) => s.size);
}

test("most persons order once or twice in three years; business customers order often", () => {
  const persons = ordersByCustomer("PERSON");
  const businesses = ordersByCustomer("BUSINESS");
  const once = persons.filter((n) => n === 1).length / persons.length;
  expect(once).toBeGreaterThan(0.5);
  expect(once).toBeLessThan(0.68);
  const personMean = persons.reduce((a, b) => a + b, 0) / persons.length;
  const businessMean = businesses.reduce((a, b) => a + b, 0) / businesses.length;
  expect(personMean).toBeGreaterThan(1.5);
  expect(personMean).toBeLessThan(2);
  expect(businessMean).toBeGreaterThan(4 * personMean);
  // Business customers are about 1 % of customers.
  expect(businesses.length / (persons.length + businesses.length)).toBeGreaterThan(0.003);
  expect(businesses.length / (persons.length + businesses.length)).toBeLessThan(0.02);
});

test("business customers place about their share of net sales", () => {
  const net = { PERSON: 0, BUSINESS: 0 } as Record<string, number>;
  for (const row of sales) {
    net[row[col("customer_type")]] += Number(row[col("unit_price")]) * Number(row[col("quantity")]) * (1 - Number(row[col("discount")]));
  }
  expect(net.BUSINESS / (net.BUSINESS + net.PERSON)).toBeCloseTo(BUSINESS_SHARE_OF_NET_SALES, 1);
});

test("orders go by mode and carrier in the documented shares", () => {
  const firstLines = sales.filter((row) => row[col("line_number")] === "1");
  const byMode = new Map<string, number>();
  const byModeCarrier = new Map<string, number>();
  for (const row of firstLines) {
    const mode = row[col("shipping_mode")];
    byMode.set(mode, (byMode.get(mode) ?? 0) + 1);
    byModeCarrier.set(`${mode}|${row[col("carrier_name")]}`, (byModeCarrier.get(`${mode}|${row[col("carrier_name")]}`) ?? 0) + 1);
  }
  for (const [mode, weight] of Object.entries(SHIPPING_MODE_WEIGHTS)) {
    expect([mode, (byMode.get(mode) ?? 0) / firstLines.length]).toEqual([mode, expect.closeTo(weight, 1)]);
    for (const carrier of CARRIERS) {
      const share = carrier.shares[mode as ShippingMode] ?? 0;
      const seen = (byModeCarrier.get(`${mode}|${carrier.name}`) ?? 0) / (byMode.get(mode) ?? 1);
      expect([mode, carrier.name, seen]).toEqual([mode, carrier.name, expect.closeTo(share, 1)]);
    }
  }
});

test("customers live in every région, in proportion to population, and about 1 % abroad", () => {
  const communes = loadCommunePool();
  const regionOfCity = new Map(communes.names.map((name, i) => [name, communes.regions[i]]));
  const country = new Map<string, string>();
  const regions = new Set<string>();
  for (const row of sales) {
    country.set(row[col("customer_id")], row[col("country")]);
    if (row[col("country")] === "France") regions.add(regionOfCity.get(row[col("city")]) ?? "");
  }
  const abroad = [...country.values()].filter((c) => c !== "France").length / country.size;
  expect(abroad).toBeGreaterThan(ABROAD_SHARE / 3);
  expect(abroad).toBeLessThan(ABROAD_SHARE * 3);
  expect(new Set([...country.values()].filter((c) => c !== "France"))).toEqual(new Set(["Belgique", "Suisse", "Luxembourg", "Monaco"]));
  expect(regions.size).toBe(18);
});
