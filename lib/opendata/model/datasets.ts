/**
 * The public schema of the Open Data release: one `od_<dataset>.sql` extraction query per
 * dataset (named CTEs, reading the `sales.*` and `inventory.*` marts only) and its
 * `od_<dataset>.doc.json` beside it: description, grain, whom the cells describe (person or
 * business), dimensions with their total code, measures (what the confidentiality engine
 * protects), derived columns, the lineage of every column back to the warehouse, and the primary
 * key. One place drives the extraction, the protection, the published schemas (datapackage,
 * CSVW, DCAT) and the lineage notebook.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import type { PopulationKind } from "../../policy";

export const MODEL_DIR = __dirname;

export type TimeGrain = "month" | "quarter" | "year";

export interface OdColumn {
  name: string;
  /** Frictionless Table Schema type. */
  type: "string" | "integer" | "number";
  description: string;
  /** Mart column(s) it is computed from, then the warehouse (core) column(s). */
  lineage: string[];
  /** A measure protected by the confidentiality engine (additive). */
  kind?: "amount" | "count";
  sign?: "nonNegative" | "signed";
  /** A non-additive value computed per cell (ratio, median): published only with its cell. */
  derived?: boolean;
  /** Decimals written to CSV for a number. */
  decimals?: number;
  pattern?: string;
  enum?: string[];
}

export interface OdDimension {
  name: string;
  /** The code of the published total, if any. */
  total?: string;
  /** `prefix`: a code "FR-84" sits under "FR" (the part before the first "-"), which sits under the total. */
  hierarchy?: "prefix";
}

export interface OdDataset {
  dataset: string;
  title: string;
  description: string;
  grain: string;
  population: PopulationKind;
  contributors: string;
  /**
   * Businesses whose figures the cells also carry besides their contributors (e.g. "carriers"):
   * the query then returns business_units (distinct known units), business_top (the largest
   * unit's share of the first measure) and business_total, and the business rules apply to them.
   */
  businessUnits?: string;
  /** Datasets of one group are protected together (they share margins). */
  linkGroup: string;
  /** The ladder of time grains, finest first; the release picks the finest that the rules allow. */
  timeGrains: TimeGrain[];
  dimensions: OdDimension[];
  columns: OdColumn[];
  primaryKey: string[];
  /** A `.sql` file beside the model giving independent mart totals per measure. */
  reconcile: string;
  /** For the risk assessment: the columns an intruder could know about a person. */
  quasiIdentifiers?: string[];
  /** Absolute paths, filled by the loader. */
  sqlFile: string;
  docFile: string;
}

const STATUS_COLUMNS = ["status", "flag"];

export function measuresOf(ds: OdDataset): OdColumn[] {
  return ds.columns.filter((c) => c.kind !== undefined);
}

export function derivedOf(ds: OdDataset): OdColumn[] {
  return ds.columns.filter((c) => c.derived);
}

/** Columns that describe the cell (dimensions and their labels), published whatever the status. */
export function labelColumnsOf(ds: OdDataset): OdColumn[] {
  return ds.columns.filter((c) => c.kind === undefined && !c.derived && !STATUS_COLUMNS.includes(c.name));
}

export function loadDataset(name: string, dir = MODEL_DIR): OdDataset {
  const sqlFile = path.join(dir, `od_${name}.sql`);
  const docFile = path.join(dir, `od_${name}.doc.json`);
  if (!existsSync(sqlFile)) throw new Error(`dataset ${name}: ${sqlFile} not found`);
  if (!existsSync(docFile)) throw new Error(`dataset ${name}: ${docFile} not found (every dataset documents its columns beside its SQL)`);
  const doc = JSON.parse(readFileSync(docFile, "utf8")) as OdDataset;
  if (doc.dataset !== name) throw new Error(`${docFile}: "dataset" is ${JSON.stringify(doc.dataset)}, expected "${name}" (the file name)`);
  const names = new Set(doc.columns.map((c) => c.name));
  for (const c of doc.columns) {
    if (!c.lineage || c.lineage.length === 0) throw new Error(`${docFile}: column ${c.name} has no lineage; every published column names where it comes from`);
  }
  for (const d of doc.dimensions) if (!names.has(d.name)) throw new Error(`${docFile}: dimension ${d.name} is not a documented column`);
  for (const k of doc.primaryKey) if (!names.has(k)) throw new Error(`${docFile}: primary key column ${k} is not a documented column`);
  for (const s of STATUS_COLUMNS) if (!names.has(s)) throw new Error(`${docFile}: column ${s} missing; every dataset publishes the confidentiality status and flag`);
  if (measuresOf(doc).length === 0) throw new Error(`${docFile}: no measure (a column with "kind")`);
  return { ...doc, sqlFile, docFile };
}

/** Every dataset of the release, in file-name order (the order of the datapackage). */
export function loadDatasets(dir = MODEL_DIR): OdDataset[] {
  return readdirSync(dir)
    .filter((f) => /^od_.+\.sql$/.test(f))
    .map((f) => f.replace(/^od_/, "").replace(/\.sql$/, ""))
    .sort()
    .map((name) => loadDataset(name, dir));
}
