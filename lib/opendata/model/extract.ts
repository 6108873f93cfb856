/**
 * Runs the extraction queries against the marts (never core, never staging) and turns their
 * rows into the confidentiality engine's tables. Rows keep their true values: what leaves the
 * release is decided later by the engine.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../../engine/native";
import { renderSql } from "../../warehouse/db";
import { compareText, type CellInput, type DimensionSpec, type TableInput } from "../confidentiality/index";
import { DesignParams, MODEL_DIR, OdDataset, derivedOf, labelColumnsOf, measuresOf } from "./datasets";
import { parentMap } from "./hierarchies";
import { AMOUNT_UNITS } from "../confidentiality/lp";

export type ExtractRow = Record<string, string | number | null>;

/** Opens nothing: attaches the marts read-only on a scratch connection and makes them current. */
export async function attachMarts(conn: DuckDBConnection, martsPath: string): Promise<void> {
  await conn.run(`attach ${sqlString(path.resolve(martsPath))} as marts (read_only)`);
  await conn.run("use marts");
  await conn.run(renderSql(path.join(MODEL_DIR, "macros.sql")));
}

/**
 * Rows of sales.customer_monthly per bucket of customers. A query that reads customers one by one
 * ({{customer_bucket}} in its SQL) groups every customer in every cell it falls in: at ten million
 * sale lines (7.8 M rows of customer_monthly) the sales and customer tables ran out of the 2 GB
 * memory limit (11 GiB without one), while a bucket of 1 M rows took 1.2 GiB. So the customers are
 * split by a hash of their pseudonym into ceil(rows / CUSTOMER_BUCKET_ROWS) buckets, each extracted
 * in turn, and the cells added up: every customer is in exactly one bucket, so contributors add,
 * sums add (in cents, exactly), the largest contribution is the largest of the buckets'. Up to
 * 1 M rows (the default export, a million sale lines) there is one bucket: the query as written.
 */
export const CUSTOMER_BUCKET_ROWS = 1_000_000;

export async function customerBuckets(conn: DuckDBConnection): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(conn, "select count(*) as n from sales.customer_monthly");
  return Math.max(1, Math.ceil(Number(n) / CUSTOMER_BUCKET_ROWS));
}

/** Whether the dataset's query reads customers bucket by bucket (its SQL names {{customer_bucket}}). */
export function readsByCustomerBucket(ds: OdDataset): boolean {
  return /\{\{\s*customer_bucket\s*\}\}/.test(readFileSync(ds.sqlFile, "utf8"));
}

/** Columns of a bucketed query and how the buckets' values combine. */
function combinerOf(ds: OdDataset): (column: string) => "key" | "cents" | "count" | "max" | "label" {
  if (derivedOf(ds).length > 0 || ds.businessUnits) {
    throw new Error(`${ds.sqlFile}: reads customers by bucket but has ${ds.businessUnits ? "business units" : "derived columns"}, which do not add up across buckets`);
  }
  const dims = new Set(ds.dimensions.map((d) => d.name));
  const labels = new Set(labelColumnsOf(ds).map((c) => c.name));
  const kinds = new Map(measuresOf(ds).map((m) => [m.name, m.kind]));
  const amountKind = measuresOf(ds)[0].kind;
  return (column) => {
    if (dims.has(column)) return "key";
    if (kinds.has(column)) return kinds.get(column) === "amount" ? "cents" : "count";
    if (column === "contributors") return "count";
    if (column === "absolute_total") return amountKind === "amount" ? "cents" : "count";
    if (column === "top_contribution") return "max";
    if (labels.has(column) || column.endsWith("_parent")) return "label";
    throw new Error(`${ds.sqlFile}: column ${column} is neither a dimension, a label, a measure nor a confidentiality input: no rule adds it up across buckets of customers`);
  };
}

/** extractRows has turned BIGINTs into numbers already. */
function numeric(v: string | number | null | undefined): number {
  return Number(v ?? 0);
}

/** The cells of several buckets added up, in the order of the dataset's dimensions (the queries' ORDER BY). */
export function combineBuckets(ds: OdDataset, parts: readonly ExtractRow[][]): ExtractRow[] {
  const how = combinerOf(ds);
  const dims = ds.dimensions.map((d) => d.name);
  const cells = new Map<string, { row: ExtractRow; cents: Map<string, number> }>();
  for (const rows of parts) {
    for (const r of rows) {
      const key = JSON.stringify(dims.map((d) => r[d]));
      let cell = cells.get(key);
      if (!cell) {
        cell = { row: {}, cents: new Map() };
        cells.set(key, cell);
      }
      for (const [column, v] of Object.entries(r)) {
        const kind = how(column);
        if (kind === "cents") cell.cents.set(column, (cell.cents.get(column) ?? 0) + Math.round(numeric(v) * AMOUNT_UNITS));
        else if (kind === "count") cell.row[column] = numeric(cell.row[column]) + numeric(v);
        else if (kind === "max") cell.row[column] = column in cell.row ? Math.max(numeric(cell.row[column]), numeric(v)) : numeric(v);
        else if (cell.row[column] === undefined || cell.row[column] === null) cell.row[column] = v;
      }
    }
  }
  const out = [...cells.values()].map(({ row, cents }) => {
    for (const [column, c] of cents) row[column] = c / AMOUNT_UNITS;
    return row;
  });
  return out.sort((a, b) => {
    for (const d of dims) {
      const c = compareText(String(a[d]), String(b[d]));
      if (c !== 0) return c;
    }
    return 0;
  });
}

const largeCountryLists = new WeakMap<DuckDBConnection, Map<string, string>>();

/**
 * The countries other than France with at least `minimum` identified customers over the release
 * period, as a SQL list for the `nuts1_countries` geography level (macros.sql): a country with
 * fewer is published inside OTHER, so that a table by area does not fill with countries of a few
 * customers each. An empty list when the design does not ask for it.
 */
export async function largeCountries(conn: DuckDBConnection, minimum: string | undefined): Promise<string> {
  if (minimum === undefined) return "[]::varchar[]";
  let cache = largeCountryLists.get(conn);
  if (!cache) largeCountryLists.set(conn, (cache = new Map()));
  const known = cache.get(minimum);
  if (known) return known;
  const rows = await queryRows<{ country: string }>(
    conn,
    `select country from sales.customer_monthly
     where coalesce(region_code, 'unknown') = 'unknown' and country is not null and country not in ('FR', 'unknown')
     group by country having count(distinct customer_pseudonym) >= ${Number(minimum)} order by country`,
  );
  const list = rows.length === 0 ? "[]::varchar[]" : `[${rows.map((r) => sqlString(r.country)).join(", ")}]`;
  cache.set(minimum, list);
  return list;
}

/**
 * The rung's parameters the dataset's SQL reads: two rungs that agree on them give the same cells
 * (the customers table has no period, so every time grain of a ladder reads it once). A query
 * that names {{large_countries}} reads `min_country_customers` through it.
 */
export function extractionParams(ds: OdDataset, params: DesignParams): DesignParams {
  const names = new Set([...readFileSync(ds.sqlFile, "utf8").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));
  if (names.has("large_countries")) names.add("min_country_customers");
  return Object.fromEntries(Object.entries(params).filter(([k]) => names.has(k))) as DesignParams;
}

/** The key of a rung's extraction of the dataset: two rungs with the same key give the same cells (extractionParams). */
export function extractionKey(ds: OdDataset, params: DesignParams): string {
  return `${ds.dataset}|${JSON.stringify(extractionParams(ds, params))}`;
}

/**
 * The dataset's cells at one rung of its design ladder: `params` fill the SQL's {{...}} (time
 * grain, geography level...); `buckets` from `customerBuckets` (1: the whole table at once).
 * Queries without {{customer_bucket}} run once.
 */
export async function extractRows(conn: DuckDBConnection, ds: OdDataset, params: DesignParams, buckets = 1): Promise<ExtractRow[]> {
  const n = readsByCustomerBucket(ds) ? buckets : 1;
  const parts: ExtractRow[][] = [];
  const large = await largeCountries(conn, params.min_country_customers);
  for (let bucket = 0; bucket < n; bucket++) {
    const vars: Record<string, string> = { customer_buckets: String(n), customer_bucket: String(bucket), large_countries: large };
    for (const [k, v] of Object.entries(params)) vars[k] = sqlString(v);
    let rows: ExtractRow[];
    try {
      rows = await queryRows<ExtractRow>(conn, renderSql(ds.sqlFile, vars));
    } catch (err) {
      throw new Error(`${ds.sqlFile}: extraction failed with ${JSON.stringify(params)}${n > 1 ? `, customer bucket ${bucket + 1} of ${n}` : ""}: ${(err as Error).message}`);
    }
    for (const r of rows) {
      for (const [k, v] of Object.entries(r)) if (typeof v === "bigint") r[k] = Number(v);
    }
    parts.push(rows);
  }
  return n === 1 ? parts[0] : combineBuckets(ds, parts);
}

export async function runReconcileQuery(conn: DuckDBConnection, ds: OdDataset): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number | bigint | null>>(conn, renderSql(path.join(MODEL_DIR, ds.reconcile)));
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? 0 : Number(v)]));
}

/** The dimensions a design publishes: the dataset's, less those the rung drops. */
export function publishedDimensions(ds: OdDataset, drop: readonly string[] = []): OdDataset["dimensions"] {
  return ds.dimensions.filter((d) => !drop.includes(d.name));
}

/** Rows of the design: a dropped dimension keeps only its total rows. */
export function designRows(ds: OdDataset, rows: readonly ExtractRow[], drop: readonly string[] = []): ExtractRow[] {
  const dropped = ds.dimensions.filter((d) => drop.includes(d.name));
  return rows.filter((r) => dropped.every((d) => r[d.name] === d.total));
}

/** The dimensions as the engine sees them, with the parent of every hierarchical code. */
export function dimensionSpecs(ds: OdDataset, rows: readonly ExtractRow[], drop: readonly string[] = []): DimensionSpec[] {
  return publishedDimensions(ds, drop).map((d) => {
    if (!d.hierarchy) return { name: d.name, total: d.total };
    const given = new Map<string, string>();
    for (const r of rows) {
      const p = r[`${d.name}_parent`];
      if (typeof p === "string") given.set(String(r[d.name]), p);
    }
    return { name: d.name, total: d.total, parent: parentMap(d, rows.map((r) => String(r[d.name])), given) };
  });
}

/**
 * The engine's table of one dataset at one design: `rows` are the extraction's, the dropped
 * dimensions already filtered out (designRows). Cells of the business profile describe businesses.
 */
export function toTableInput(ds: OdDataset, rows: readonly ExtractRow[], drop: readonly string[] = []): TableInput {
  const measures = measuresOf(ds);
  const dims = publishedDimensions(ds, drop);
  const profile = ds.dimensions.find((d) => d.hierarchy === "profile");
  const cells: CellInput[] = rows.map((r, i) => {
    const codes: Record<string, string> = {};
    for (const d of dims) {
      if (r[d.name] === null || r[d.name] === undefined) throw new Error(`${ds.sqlFile}: row ${i + 1}: dimension ${d.name} is null; expected a code`);
      codes[d.name] = String(r[d.name]);
    }
    const values: Record<string, number> = {};
    for (const m of measures) values[m.name] = Number(r[m.name] ?? 0);
    const cell: CellInput = { dims: codes, measures: values, contributors: Number(r.contributors) };
    if (ds.businessProfile && profile && r[profile.name] === ds.businessProfile) cell.population = "business";
    if (ds.businessUnits) {
      // The second class of units a cell describes (the carriers behind the shipments).
      cell.businessUnits = {
        label: ds.businessUnits,
        contributors: Number(r.business_units),
        topContribution: Number(r.business_top ?? 0),
        total: Number(r.business_total ?? 0),
      };
    }
    if (measures[0].kind === "amount") {
      return { ...cell, topContribution: Number(r.top_contribution ?? 0), absoluteTotal: Number(r.absolute_total ?? 0) };
    }
    return cell;
  });
  return {
    name: ds.dataset,
    scope: ds.scope,
    population: ds.population,
    rows: ds.rows,
    dimensions: dimensionSpecs(ds, rows, drop),
    measures: measures.map((m) => ({
      name: m.name,
      concept: m.concept,
      kind: m.kind!,
      sign: m.sign ?? "nonNegative",
      integer: m.type === "integer",
      minIfNonEmpty: m.minIfNonEmpty,
    })),
    cells,
    orderings: ds.orderings,
  };
}
