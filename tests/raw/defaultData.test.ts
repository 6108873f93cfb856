/**
 * data/README.md quotes figures of the committed default export: the table of "The default
 * dataset", its shape (customers, orders per customer, business sales, carriers per mode,
 * customers per région) and the defect counts. They are measured here from the committed files,
 * so a regenerated export with stale documentation fails.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../../lib/engine/native";
import { DEFAULT_EXPORT } from "../../lib/raw/defaults";
import { DEFECT_KINDS } from "../../lib/raw/defects";
import { defectsSummaryPath, type GeneratorSummary } from "../../lib/raw/generator";
import { CARRIERS, SHIPPING_MODE_WEIGHTS } from "../../lib/raw/logistics";
import { FOREIGN_TOWNS } from "../../lib/raw/customers";
import { communesDataPath } from "../../lib/raw/communes";

const root = path.join(__dirname, "../..");
const readme = readFileSync(path.join(root, "data/README.md"), "utf8");
const exportPath = path.join(root, DEFAULT_EXPORT.path);
const summary = JSON.parse(readFileSync(defectsSummaryPath(exportPath), "utf8")) as GeneratorSummary;

const int = (n: number) => n.toLocaleString("en-US");
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

const COLUMNS = ["order_id", "customer_id", "customer_type", "postal_code", "unit_price", "quantity", "discount", "shipping_mode", "carrier_name"];

/** The SALE rows' columns this test reads, as text, in file order (DuckDB reads the file in seconds). */
async function saleRows(file: string): Promise<string[][]> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(`
    select ${COLUMNS.map((c) => `coalesce(${c}, '')`).join(", ")}
    from read_csv(${sqlString(file)}, header = true, all_varchar = true, quote = '"', escape = '"', strict_mode = true)
    where record_type = 'SALE'`);
  const rows = reader.getRows().map((row) => row.map(String));
  conn.closeSync();
  instance.closeSync();
  return rows;
}

/** The shape of the export as a reader of the raw file sees it, defects included. */
async function describeExport(file: string): Promise<string[]> {
  const rows = await saleRows(file);
  const col = (name: string) => COLUMNS.indexOf(name);
  const regionNames: Record<string, string> = Object.fromEntries(
    (JSON.parse(readFileSync(communesDataPath().replace(/communes\.json$/, "regions.json"), "utf8")) as { code: string; nom: string }[]).map((r) => [r.code, r.nom]),
  );
  const regionOfPostalCode = new Map<string, string>();
  for (const c of JSON.parse(readFileSync(communesDataPath(), "utf8")) as { type: string; region?: string; codesPostaux?: string[] }[]) {
    if (c.type !== "commune-actuelle" || !c.region) continue;
    for (const code of c.codesPostaux ?? []) if (!regionOfPostalCode.has(code)) regionOfPostalCode.set(code, c.region);
  }
  const foreignCountry = new Map(FOREIGN_TOWNS.map((t) => [t.postalCode, t.country]));

  const type = new Map<string, string>();
  const where = new Map<string, string>();
  const orders = new Map<string, Set<string>>();
  const net: Record<string, number> = { PERSON: 0, BUSINESS: 0 };
  const orderShipping = new Map<string, [string, string]>();
  for (const row of rows) {
    const orderId = row[col("order_id")];
    const mode = row[col("shipping_mode")].trim().toLowerCase().replace(/\s+/g, " ");
    const carrier = row[col("carrier_name")].trim().toLowerCase().replace(/\s+/g, " ");
    if (!orderShipping.has(orderId)) orderShipping.set(orderId, [mode, carrier]);
    const id = row[col("customer_id")].trim().toUpperCase();
    const customerType = row[col("customer_type")].trim().toUpperCase();
    if (!id || !(customerType in net)) continue;
    if (!type.has(id)) type.set(id, customerType);
    const postalCode = row[col("postal_code")].trim();
    if (!where.has(id) && postalCode) where.set(id, regionOfPostalCode.get(postalCode) ?? `abroad:${foreignCountry.get(postalCode) ?? "?"}`);
    if (!orders.has(id)) orders.set(id, new Set());
    orders.get(id)!.add(orderId);
    const value = Number(row[col("unit_price")]) * Number(row[col("quantity")]) * (1 - Number(row[col("discount")]));
    if (Number.isFinite(value)) net[customerType] += value;
  }

  const counts = (wanted: string) => [...orders].filter(([id]) => type.get(id) === wanted).map(([, s]) => s.size);
  const persons = counts("PERSON");
  const businesses = counts("BUSINESS");
  const share = (list: number[], low: number, high = Infinity) => pct(list.filter((n) => n >= low && n <= high).length, list.length);
  const mean = (list: number[]) => (list.reduce((a, b) => a + b, 0) / list.length).toFixed(2);

  const perRegion = new Map<string, number>();
  const abroad = new Map<string, number>();
  for (const region of where.values()) {
    if (region.startsWith("abroad:")) abroad.set(region.slice(7), (abroad.get(region.slice(7)) ?? 0) + 1);
    else perRegion.set(region, (perRegion.get(region) ?? 0) + 1);
  }
  const regions = [...perRegion].sort((a, b) => a[1] - b[1]);
  const middle = regions.length / 2;
  const median = regions.length % 2 ? regions[Math.floor(middle)][1] : (regions[middle - 1][1] + regions[middle][1]) / 2;
  const abroadTotal = [...abroad.values()].reduce((a, b) => a + b, 0);

  const lines = [
    `| persons | ${int(persons.length)} |`,
    `| business customers | ${int(businesses.length)} (${pct(businesses.length, persons.length + businesses.length)} of customers) |`,
    `| persons' orders in 3 years | 1: ${share(persons, 1, 1)}, 2: ${share(persons, 2, 2)}, 3: ${share(persons, 3, 3)}, 4 or more: ${share(persons, 4)}; mean ${mean(persons)}, max ${Math.max(...persons)} |`,
    `| business customers' orders in 3 years | 1: ${share(businesses, 1, 1)}, 2 to 5: ${share(businesses, 2, 5)}, 6 to 10: ${share(businesses, 6, 10)}, 11 or more: ${share(businesses, 11)}; mean ${mean(businesses)}, max ${Math.max(...businesses)} |`,
    `| business customers' share of net sales | ${pct(net.BUSINESS, net.BUSINESS + net.PERSON)} |`,
    `| customers per région (${regions.length} régions) | min ${int(regions[0][1])} (${regionNames[regions[0][0]]}), median ${int(median)}, max ${int(regions[regions.length - 1][1])} (${regionNames[regions[regions.length - 1][0]]}) |`,
    `| customers abroad | ${int(abroadTotal)} (${pct(abroadTotal, where.size)}): ${[...abroad].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${int(n)}`).join(", ")} |`,
  ];

  const byMode = new Map<string, Map<string, number>>();
  for (const [mode, carrier] of orderShipping.values()) {
    if (!(mode in SHIPPING_MODE_WEIGHTS)) continue;
    if (!byMode.has(mode)) byMode.set(mode, new Map());
    const carriers = byMode.get(mode)!;
    carriers.set(carrier, (carriers.get(carrier) ?? 0) + 1);
  }
  const knownModes = [...byMode.values()].reduce((sum, m) => sum + [...m.values()].reduce((a, b) => a + b, 0), 0);
  for (const mode of Object.keys(SHIPPING_MODE_WEIGHTS)) {
    const carriers = byMode.get(mode)!;
    const total = [...carriers.values()].reduce((a, b) => a + b, 0);
    const named = CARRIERS.map((c) => [c.name, carriers.get(c.name.toLowerCase()) ?? 0] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    const unknown = total - named.reduce((sum, [, n]) => sum + n, 0);
    lines.push(`| ${mode} | ${pct(total, knownModes)} | ${named.map(([name, n]) => `${name} ${pct(n, total)}`).join(", ")}; unknown or misspelt ${pct(unknown, total)} |`);
  }
  return lines;
}

describe("data/README.md describes the committed default export", () => {
  test("the default dataset table gives the file's size and the summary's counts", () => {
    for (const line of [
      `| file | \`raw/export.csv.gz\` (gzip level 6), ${int(statSync(exportPath).size)} bytes |`,
      `| rows | ${int(summary.rows)} (${int(summary.saleRows)} SALE, ${int(summary.stockRows)} STOCK) |`,
      `| seed | ${summary.seed} |`,
      `| period | ${summary.startDate} to ${summary.endDate} |`,
      `| orders | ${int(summary.orders)} |`,
      `| customers | ${int(summary.customers)} |`,
      `| stocked (product, warehouse) pairs | ${int(summary.stockedPairs)} |`,
    ]) {
      expect(readme).toContain(line);
    }
  });

  test("the defect table gives the summary's counts", () => {
    for (const kind of DEFECT_KINDS) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${kind}\``));
      expect([kind, row?.split("|")[4].trim()]).toEqual([kind, int(summary.defectsInjected[kind])]);
    }
  });

  test("the shape figures are those of the file", async () => {
    const missing = (await describeExport(exportPath)).filter((line) => !readme.includes(line));
    expect(missing).toEqual([]);
  });
});
