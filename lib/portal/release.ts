/**
 * What the portal knows about a release, read from the release's own files only (never from the
 * marts, the warehouse or the current code's model): `datapackage.json` for the datasets, their
 * schemas, licences, sizes and hashes, and each table's `disclosureControl` (the flag, the
 * population, the dimensions' codes and how they nest, the measures and derived values);
 * `catalogue.jsonld` (DCAT-AP) for the update date; the README the release generated for what it
 * alone states (the rules, the design published, the shares each table loses: releaseNotes.ts);
 * each CSV for the rows and their flag.
 *
 * A release that lies about itself (a file whose sha256 differs from its datapackage entry, a
 * dataset without its CSV, a flag other than `c`, a confidential row with a value, a code its
 * metadata does not list) stops the build with the file, line and column named. So does a release
 * in a format that says why a cell is confidential (a `status` column): the site shows the flag only.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parseCsv } from "../opendata/publish/csv";
import { confidentialityRules, datasetFact, measuredDesigns, statedLoss, whyFlagged, type ConfidentialityRules, type MeasuredDesign, type StatedLoss } from "./releaseNotes";

export interface PortalField {
  name: string;
  type: "string" | "integer" | "number";
  description: string;
  required: boolean;
  enum?: string[];
}

export interface PortalFile {
  /** File name inside the release (and inside the site's data/ folder). */
  name: string;
  bytes: number;
  sha256: string;
  format: string;
}

/** One dimension of a table, as its `disclosureControl` states it. */
export interface PortalDimension {
  field: string;
  /** The code of the total (`All`), or null when the dimension has none (months of stock do not add). */
  total: string | null;
  /** Every code other than the total, in the release's order. */
  codes: string[];
  /** code -> parent code; a code not listed sits directly under the total. */
  parents: Record<string, string>;
  /** The column that names the codes (`geo_name` for `geo_code`), when the table has one. */
  labelField: string | null;
}

/** What the release says about how a table is protected, read from `disclosureControl` and the README. */
export interface PortalDisclosure {
  /** The column that flags a confidential row, and the flag itself (`flag`, `c`). */
  flagField: string;
  confidentialFlag: string;
  /** The population the figures cover (`customers.identified`). */
  scope: string;
  /** "grid": every combination of the codes is a row, empty ones included (0). */
  rows: "grid" | "nonEmpty";
  /** What `All` periods (or a table without a period) cover. */
  period: { start: string; end: string };
  dimensions: PortalDimension[];
  /** Additive measures, in column order. */
  measures: string[];
  /** Values computed from the measures (medians, ratios): empty when confidential or undefined. */
  derived: string[];
}

export interface PortalDataset {
  /** The file stem, also the table name in the SQL console: `sales_by_period_area_category`. */
  id: string;
  title: string;
  description: string;
  grain: string;
  /** From the release README ("Design of this release"), or null when it does not say. */
  design: string | null;
  /** From the release README ("Population"), or null. */
  population: string | null;
  primaryKey: string[];
  fields: PortalField[];
  csv: PortalFile;
  parquet: PortalFile | null;
  licence: { name: string; title: string; path: string };
  header: string[];
  rows: string[][];
  disclosure: PortalDisclosure;
  /** Rows flagged confidential (`c`), counted in the CSV. */
  confidentialCells: number;
  /** What the README states about the table's loss (shares of non-empty cells and of value). */
  loss: StatedLoss;
  /** The designs the release measured for this table, finest first (empty when the README lists none). */
  designs: MeasuredDesign[];
}

export interface PortalRelease {
  version: string;
  name: string;
  title: string;
  description: string;
  publisher: string;
  sources: string[];
  licence: { name: string; title: string; path: string };
  temporalCoverage: { start: string; end: string };
  /** dct:modified of the DCAT catalogue: the release's update date (a data date, never the build clock). */
  updated: string;
  datasets: PortalDataset[];
  /** The rules of the release, from its README. */
  rules: ConfidentialityRules;
  /** One sentence: why a cell is flagged, in general (never per cell). */
  whyFlagged: string;
  /** Every file of the release directory, sorted (the site republishes them all). */
  files: string[];
  /** Release-wide metadata files present, with their role. */
  metadataFiles: { name: string; label: string }[];
}

export class PortalReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PortalReleaseError";
  }
}

/** The release directory `current.json` names under `opendataDir` (outputs/opendata). */
export function currentReleaseDir(opendataDir: string): string {
  const pointer = path.join(opendataDir, "current.json");
  if (!existsSync(pointer)) throw new PortalReleaseError(`${pointer} does not exist: build a release first (npm start, or npm start -- opendata)`);
  const current = JSON.parse(readFileSync(pointer, "utf8")) as { version?: string; path?: string };
  if (typeof current.path !== "string") throw new PortalReleaseError(`${pointer}: expected {"version": ..., "path": "releases/<version>"}`);
  const dir = path.resolve(opendataDir, current.path);
  if (!existsSync(dir)) throw new PortalReleaseError(`${pointer} points at ${current.path}, which does not exist under ${opendataDir}`);
  return dir;
}

const METADATA_LABELS: Record<string, string> = {
  "datapackage.json": "Data Package v2 descriptor (schemas, licence, sha256 of every file, each table's dimensions and hierarchy)",
  "csv-metadata.json": "CSV on the Web metadata (W3C CSVW)",
  "catalogue.jsonld": "DCAT-AP 3.0 catalogue (JSON-LD)",
  "README.md": "Release notes: methodology, confidentiality rules, the designs measured, what each table loses",
  "anonymisation-assessment.md": "Anonymisation assessment (Article 29 tests, re-identification risk)",
  "LICENCE.md": "Licence",
};

/**
 * Columns a release must not have: the release format publishes only the flag, and a column
 * saying why a cell is confidential would let the site show it next to the cell.
 */
const REASON_COLUMNS = ["status", "reason"];

interface DpField {
  name: string;
  type: string;
  description?: string;
  constraints?: { required?: boolean; enum?: string[] };
}

interface DpDisclosureControl {
  flag?: { field?: string; confidential?: string };
  scope?: string;
  rows?: string;
  period?: { start?: string; end?: string };
  dimensions?: { field?: string; total?: string | null; codes?: string[]; parents?: Record<string, string> }[];
  measures?: { field?: string }[];
  derived?: { field?: string }[];
}

interface DpResource {
  name: string;
  path: string;
  title: string;
  description: string;
  format: string;
  bytes: number;
  hash: string;
  licenses?: { name: string; title: string; path: string }[];
  schema: { fields: DpField[]; primaryKey?: string[] };
  disclosureControl?: DpDisclosureControl;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function readJson<T>(file: string): T {
  if (!existsSync(file)) throw new PortalReleaseError(`${file} is missing from the release`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (err) {
    throw new PortalReleaseError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

function checkedFile(releaseDir: string, r: DpResource): PortalFile {
  const file = path.join(releaseDir, r.path);
  if (!existsSync(file)) throw new PortalReleaseError(`${file}: listed in datapackage.json (resource ${r.name}) but missing`);
  const bytes = readFileSync(file);
  const declared = r.hash.replace(/^sha256:/, "");
  const actual = sha256(bytes);
  if (actual !== declared) throw new PortalReleaseError(`${file}: sha256 ${actual} differs from datapackage.json (${declared}); the release was altered after it was published`);
  return { name: r.path, bytes: bytes.length, sha256: actual, format: r.format };
}

/** The resource's `disclosureControl`, checked against its schema; the portal cannot show a table without it. */
function disclosureOf(pkgFile: string, r: DpResource, fieldNames: readonly string[]): PortalDisclosure {
  const dc = r.disclosureControl;
  const where = `${pkgFile}: resource ${r.name}`;
  if (!dc || !dc.flag?.field || !dc.flag.confidential || !Array.isArray(dc.dimensions) || !Array.isArray(dc.measures)) {
    throw new PortalReleaseError(
      `${where} has no complete disclosureControl (flag, dimensions, measures): the portal reads from it which column flags confidential cells and how each dimension's codes nest; rebuild the release with the current pipeline (npm start)`,
    );
  }
  const known = (field: string | undefined, what: string): string => {
    if (!field || !fieldNames.includes(field)) throw new PortalReleaseError(`${where}: disclosureControl ${what} "${field ?? ""}" is not a column of its schema (${fieldNames.join(", ")})`);
    return field;
  };
  const flagField = known(dc.flag.field, "flag field");
  const dimensions = dc.dimensions.map((d): PortalDimension => {
    const field = known(d.field, "dimension");
    const label = field.endsWith("_code") ? field.replace(/_code$/, "_name") : `${field}_name`;
    return {
      field,
      total: d.total ?? null,
      codes: [...(d.codes ?? [])],
      parents: { ...(d.parents ?? {}) },
      labelField: fieldNames.includes(label) ? label : null,
    };
  });
  return {
    flagField,
    confidentialFlag: dc.flag.confidential,
    scope: dc.scope ?? "",
    rows: dc.rows === "nonEmpty" ? "nonEmpty" : "grid",
    period: { start: dc.period?.start ?? "", end: dc.period?.end ?? "" },
    dimensions,
    measures: dc.measures.map((m) => known(m.field, "measure")),
    derived: (dc.derived ?? []).map((d) => known(d.field, "derived value")),
  };
}

/**
 * The rows, checked against what the release promises: only the flag (or nothing) in the flag
 * column; a confidential row has every number empty (never 0); a published row has every measure
 * (a derived value may be empty: a median of nothing, a ratio without denominator); every code is
 * one `disclosureControl` lists, or the total. A row that breaks a promise would be shown wrong
 * (a hidden value next to its `c`, an empty measure read as confidential), so the build stops.
 */
function checkRows(file: string, header: readonly string[], rows: readonly string[][], fields: readonly PortalField[], dc: PortalDisclosure): number {
  const at = (name: string) => header.indexOf(name);
  const flagAt = at(dc.flagField);
  const numeric = fields.filter((f) => f.type !== "string").map((f) => f.name);
  const codes = dc.dimensions.map((d) => ({ d, i: at(d.field), allowed: new Set([...d.codes, ...(d.total !== null ? [d.total] : [])]) }));
  let confidential = 0;
  rows.forEach((row, r) => {
    const line = r + 2;
    if (row.length !== header.length) throw new PortalReleaseError(`${file}, line ${line}: ${row.length} fields, the header has ${header.length}`);
    const flag = row[flagAt];
    if (flag !== "" && flag !== dc.confidentialFlag) throw new PortalReleaseError(`${file}, line ${line}, column ${dc.flagField}: "${flag}" is neither empty nor the confidential flag "${dc.confidentialFlag}"`);
    const isConfidential = flag === dc.confidentialFlag;
    if (isConfidential) confidential++;
    for (const name of isConfidential ? numeric : dc.measures) {
      const value = row[at(name)];
      if (isConfidential && value !== "") throw new PortalReleaseError(`${file}, line ${line}, column ${name}: a confidential row (flag ${dc.confidentialFlag}) carries the value ${value}; confidential values must be empty`);
      if (!isConfidential && value === "") throw new PortalReleaseError(`${file}, line ${line}, column ${name}: a published row has no value for this measure (empty is for confidential rows only; an empty combination is 0)`);
    }
    for (const { d, i, allowed } of codes) {
      if (!allowed.has(row[i])) throw new PortalReleaseError(`${file}, line ${line}, column ${d.field}: code "${row[i]}" is not among the codes datapackage.json lists for it`);
    }
  });
  return confidential;
}

export function loadRelease(releaseDir: string): PortalRelease {
  const dir = path.resolve(releaseDir);
  const pkgFile = path.join(dir, "datapackage.json");
  const pkg = readJson<{
    name: string;
    version: string;
    title: string;
    description: string;
    licenses: { name: string; title: string; path: string }[];
    sources?: { title: string }[];
    contributors?: { title: string; roles?: string[] }[];
    temporalCoverage?: { start: string; end: string };
    resources: DpResource[];
  }>(pkgFile);
  const dcat = readJson<Record<string, unknown>>(path.join(dir, "catalogue.jsonld"));
  const modified = (dcat["dct:modified"] as { "@value"?: string } | undefined)?.["@value"];
  if (typeof modified !== "string") throw new PortalReleaseError(`${path.join(dir, "catalogue.jsonld")}: no dct:modified (the release's update date)`);
  const readmeFile = path.join(dir, "README.md");
  const readme = existsSync(readmeFile) ? readFileSync(readmeFile, "utf8") : "";

  const csvResources = pkg.resources.filter((r) => r.format === "csv");
  const datasets = csvResources.map((r): PortalDataset => {
    const id = r.path.replace(/\.csv$/, "");
    const file = path.join(dir, r.path);
    const parquetResource = pkg.resources.find((p) => p.format === "parquet" && p.path === `${id}.parquet`);
    const csv = checkedFile(dir, r);
    const parquet = parquetResource ? checkedFile(dir, parquetResource) : null;
    const [header = [], ...rows] = parseCsv(readFileSync(file, "utf8"));
    const expected = r.schema.fields.map((f) => f.name);
    if (header.join(",") !== expected.join(",")) throw new PortalReleaseError(`${file}: header ${header.join(",")} differs from its schema (${expected.join(",")})`);
    const reasonColumn = header.find((h) => REASON_COLUMNS.includes(h));
    if (reasonColumn) throw new PortalReleaseError(`${file}: column ${reasonColumn} says why each cell is confidential; a release publishes only the flag (c), so the portal will not show this one`);
    const fields = r.schema.fields.map((f): PortalField => {
      if (f.type !== "string" && f.type !== "integer" && f.type !== "number") throw new PortalReleaseError(`${pkgFile}: ${r.name}.${f.name} has type ${f.type}; the portal knows string, integer and number`);
      return { name: f.name, type: f.type, description: f.description ?? "", required: f.constraints?.required === true, ...(f.constraints?.enum ? { enum: f.constraints.enum } : {}) };
    });
    const disclosure = disclosureOf(pkgFile, r, expected);
    const confidentialCells = checkRows(file, header, rows, fields, disclosure);
    const [description, grain = ""] = r.description.split(" Grain: ");
    const design = datasetFact(readme, r.path, "Design of this release");
    return {
      id,
      title: r.title,
      description,
      grain,
      design,
      population: datasetFact(readme, r.path, "Population"),
      primaryKey: r.schema.primaryKey ?? [],
      fields,
      csv,
      parquet,
      licence: (r.licenses ?? pkg.licenses)[0],
      header,
      rows,
      disclosure,
      confidentialCells,
      loss: statedLoss(readme, id),
      designs: measuredDesigns(readme, id, design),
    };
  });
  if (datasets.length === 0) throw new PortalReleaseError(`${pkgFile}: no CSV resource`);
  const files = readdirSync(dir).filter((f) => !f.startsWith(".")).sort();
  const rules = confidentialityRules(readme);
  return {
    version: pkg.version,
    name: pkg.name,
    title: pkg.title,
    description: pkg.description,
    publisher: pkg.contributors?.find((c) => c.roles?.includes("publisher"))?.title ?? pkg.contributors?.[0]?.title ?? "",
    sources: (pkg.sources ?? []).map((s) => s.title),
    licence: pkg.licenses[0],
    temporalCoverage: pkg.temporalCoverage ?? { start: "", end: "" },
    updated: modified,
    datasets,
    rules,
    whyFlagged: whyFlagged(rules, datasets[0].disclosure.confidentialFlag),
    files,
    metadataFiles: Object.entries(METADATA_LABELS)
      .filter(([name]) => files.includes(name))
      .map(([name, label]) => ({ name, label })),
  };
}

/** Whether a row of the dataset is flagged confidential. */
export function isConfidential(ds: PortalDataset, row: readonly string[]): boolean {
  return row[ds.header.indexOf(ds.disclosure.flagField)] === ds.disclosure.confidentialFlag;
}

/** The release's own credit line: what its licence asks reusers to cite. */
export function attributionOf(release: PortalRelease): string {
  const sources = release.sources.length > 0 ? ` Sources: ${release.sources.join("; ")}.` : "";
  return `${release.publisher}, “${release.title}”, release ${release.version}, updated ${release.updated}, ${release.licence.title}.${sources}`;
}
