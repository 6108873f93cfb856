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

/** The values a design ladder's rung gives the {{...}} parameters of the datasets' SQL. */
export type DesignParams = Readonly<Record<string, string>>;

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
  /** The figure, to match it across datasets (default: the column name). */
  concept?: string;
  /** Least value of a row that exists, when rows are `nonEmpty` (1 shipment). */
  minIfNonEmpty?: number;
  /** A non-additive value computed per cell (ratio, median): published only with its cell. */
  derived?: boolean;
  /** How a derived value is computed from the row's additive columns (published in the metadata). */
  derivation?: { kind: "ratio"; numerator: string; denominator: string; cap?: number; factor?: number } | { kind: "quantile"; of: string; probability: number } | { kind: "days_of_supply"; of: string };
  /** Decimals written to CSV for a number. */
  decimals?: number;
  pattern?: string;
  enum?: string[];
}

export interface OdDimension {
  name: string;
  /** The code of the published total, if any. */
  total?: string;
  /** A hierarchy of codes (hierarchies.ts): geo (région or NUTS-1 under FR), origin (country under zone), profile (age band under person). */
  hierarchy?: "geo" | "origin" | "profile";
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
  /** The population the figures cover: datasets of one scope share their figures (cells.ts). */
  scope: string;
  /** `grid`: every combination of the dimension codes is a row; `nonEmpty`: only rows with a contributor. */
  rows: "grid" | "nonEmpty";
  /** Datasets of one group share figures: one design ladder (designs.json). */
  linkGroup: string;
  dimensions: OdDimension[];
  /** Pairs of measures [larger, smaller] every cell satisfies when nothing is returned (units >= orders). */
  orderings?: [string, string][];
  /** The code of the profile dimension whose cells describe businesses (held to the business rules). */
  businessProfile?: string;
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

const STATUS_COLUMNS = ["flag"];

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
  for (const s of STATUS_COLUMNS) if (!names.has(s)) throw new Error(`${docFile}: column ${s} missing; every dataset publishes the confidentiality flag`);
  if (names.has("status") || names.has("reason")) throw new Error(`${docFile}: a published dataset carries the flag only, never a status or reason column`);
  if (doc.rows !== "grid" && doc.rows !== "nonEmpty") throw new Error(`${docFile}: "rows" is ${JSON.stringify(doc.rows)}; expected "grid" or "nonEmpty"`);
  if (typeof doc.scope !== "string" || doc.scope.length === 0) throw new Error(`${docFile}: "scope" missing; name the population its figures cover`);
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

export interface DesignRung {
  name: string;
  params: DesignParams;
  /** Dataset -> dimensions it does not publish at this rung (only their total rows are kept). */
  drop: Readonly<Record<string, readonly string[]>>;
}

export interface DesignGroup {
  group: string;
  datasets: string[];
  rungs: DesignRung[];
}

/** The design ladders (designs.json), checked against the datasets. */
export function loadDesigns(datasets: readonly OdDataset[], dir = MODEL_DIR): DesignGroup[] {
  const file = path.join(dir, "designs.json");
  const doc = JSON.parse(readFileSync(file, "utf8")) as { groups: DesignGroup[] };
  const byName = new Map(datasets.map((d) => [d.dataset, d]));
  const placed = new Set<string>();
  for (const g of doc.groups) {
    if (g.rungs.length === 0) throw new Error(`${file}: group ${g.group} has no rung`);
    for (const name of g.datasets) {
      const ds = byName.get(name);
      if (!ds) throw new Error(`${file}: group ${g.group} names dataset ${name}, which has no od_${name}.sql`);
      if (ds.linkGroup !== g.group) throw new Error(`${file}: dataset ${name} is in group ${g.group} but its doc.json says linkGroup ${ds.linkGroup}`);
      if (placed.has(name)) throw new Error(`${file}: dataset ${name} is in two groups`);
      placed.add(name);
    }
    for (const rung of g.rungs) {
      for (const [name, dims] of Object.entries(rung.drop)) {
        const ds = byName.get(name);
        if (!ds || !g.datasets.includes(name)) throw new Error(`${file}: rung "${rung.name}" drops dimensions of ${name}, not a dataset of group ${g.group}`);
        for (const d of dims) {
          const dim = ds.dimensions.find((x) => x.name === d);
          if (!dim || dim.total === undefined) throw new Error(`${file}: rung "${rung.name}" drops ${name}.${d}, which is not a dimension with a total`);
        }
      }
    }
  }
  for (const d of datasets) if (!placed.has(d.dataset)) throw new Error(`${file}: dataset ${d.dataset} is in no group; every dataset needs a design ladder`);
  return doc.groups;
}

/** The dataset as a design publishes it: without the dimensions the rung drops (columns, key, quasi-identifiers). */
export function designDataset(ds: OdDataset, drop: readonly string[]): OdDataset {
  if (drop.length === 0) return ds;
  const keep = (name: string) => !drop.includes(name);
  return {
    ...ds,
    dimensions: ds.dimensions.filter((d) => keep(d.name)),
    columns: ds.columns.filter((c) => keep(c.name)),
    primaryKey: ds.primaryKey.filter(keep),
    quasiIdentifiers: ds.quasiIdentifiers?.filter(keep),
  };
}
