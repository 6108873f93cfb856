/**
 * What the portal knows about a release, read from the release's own files only (never from the
 * marts, the warehouse or the current code's model): `datapackage.json` for the datasets, their
 * schemas, licences, sizes and hashes; `catalogue.jsonld` (DCAT-AP) for the update date; the
 * README the release generated for the per-dataset facts it alone states (time grain, who the
 * cells describe); each CSV for the rows and their confidentiality status.
 *
 * A release that lies about itself (a file whose sha256 differs from its datapackage entry, a
 * dataset without its CSV, a status outside the schema's enum) stops the build with the file named.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parseCsv } from "../opendata/publish/csv";

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

export interface StatusCount {
  status: string;
  /** Why cells get this status, from the schema's own description of the status column. */
  reason: string;
  cells: number;
}

export interface PortalDataset {
  /** The file stem, also the table name in the SQL console: `sales_by_period_region_category`. */
  id: string;
  title: string;
  description: string;
  grain: string;
  /** From the release README ("Time grain of this release"), or null when it does not say. */
  timeGrain: string | null;
  /** From the release README ("Cells describe"), or null. */
  cellsDescribe: string | null;
  primaryKey: string[];
  fields: PortalField[];
  csv: PortalFile;
  parquet: PortalFile | null;
  licence: { name: string; title: string; path: string };
  header: string[];
  rows: string[][];
  statusCounts: StatusCount[];
  /** Rows whose status is not `published`. */
  confidentialCells: number;
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
  "datapackage.json": "Data Package v2 descriptor (schemas, licence, sha256 of every file)",
  "csv-metadata.json": "CSV on the Web metadata (W3C CSVW)",
  "catalogue.jsonld": "DCAT-AP 3.0 catalogue (JSON-LD)",
  "README.md": "Release notes: methodology, confidentiality rules, what was suppressed",
  "anonymisation-assessment.md": "Anonymisation assessment (Article 29 tests, re-identification risk)",
  "LICENCE.md": "Licence",
};

interface DpField {
  name: string;
  type: string;
  description?: string;
  constraints?: { required?: boolean; enum?: string[] };
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

/**
 * "published; primary_frequency (too few contributors); secondary (hidden so that ...)" -> the
 * reason of each status. The status column's description is the release's own wording.
 */
export function statusReasons(description: string, statuses: readonly string[]): Record<string, string> {
  const reasons: Record<string, string> = {};
  for (const status of statuses) {
    const at = description.indexOf(`${status} (`);
    if (at < 0) continue;
    let depth = 0;
    const start = at + status.length + 2;
    for (let i = start - 1; i < description.length; i++) {
      if (description[i] === "(") depth++;
      else if (description[i] === ")" && --depth === 0) {
        reasons[status] = description.slice(start, i);
        break;
      }
    }
  }
  return reasons;
}

/** The README's "- <label>: <value>" line in the section of one dataset (the one naming its CSV). */
function readmeFact(readme: string, csvName: string, label: string): string | null {
  const sections = readme.split(/\n(?=### )/);
  const section = sections.find((s) => s.includes(`Files: \`${csvName}\``));
  if (!section) return null;
  const line = section.split("\n").find((l) => l.startsWith(`- ${label}: `));
  return line ? line.slice(`- ${label}: `.length).trim() : null;
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

export function loadRelease(releaseDir: string): PortalRelease {
  const dir = path.resolve(releaseDir);
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
  }>(path.join(dir, "datapackage.json"));
  const dcat = readJson<Record<string, unknown>>(path.join(dir, "catalogue.jsonld"));
  const modified = (dcat["dct:modified"] as { "@value"?: string } | undefined)?.["@value"];
  if (typeof modified !== "string") throw new PortalReleaseError(`${path.join(dir, "catalogue.jsonld")}: no dct:modified (the release's update date)`);
  const readmeFile = path.join(dir, "README.md");
  const readme = existsSync(readmeFile) ? readFileSync(readmeFile, "utf8") : "";

  const csvResources = pkg.resources.filter((r) => r.format === "csv");
  const datasets = csvResources.map((r): PortalDataset => {
    const id = r.path.replace(/\.csv$/, "");
    const parquetResource = pkg.resources.find((p) => p.format === "parquet" && p.path === `${id}.parquet`);
    const csv = checkedFile(dir, r);
    const parquet = parquetResource ? checkedFile(dir, parquetResource) : null;
    const [header = [], ...rows] = parseCsv(readFileSync(path.join(dir, r.path), "utf8"));
    const expected = r.schema.fields.map((f) => f.name);
    if (header.join(",") !== expected.join(",")) throw new PortalReleaseError(`${path.join(dir, r.path)}: header ${header.join(",")} differs from its schema (${expected.join(",")})`);
    const fields = r.schema.fields.map((f): PortalField => {
      if (f.type !== "string" && f.type !== "integer" && f.type !== "number") throw new PortalReleaseError(`${path.join(dir, "datapackage.json")}: ${r.name}.${f.name} has type ${f.type}; the portal knows string, integer and number`);
      return { name: f.name, type: f.type, description: f.description ?? "", required: f.constraints?.required === true, ...(f.constraints?.enum ? { enum: f.constraints.enum } : {}) };
    });
    const statusField = fields.find((f) => f.name === "status");
    const statusAt = header.indexOf("status");
    const counts = new Map<string, number>((statusField?.enum ?? ["published"]).map((s) => [s, 0]));
    if (statusAt >= 0) {
      rows.forEach((row, i) => {
        const s = row[statusAt];
        if (!counts.has(s)) throw new PortalReleaseError(`${path.join(dir, r.path)}, line ${i + 2}: status "${s}" is not in the schema's enum`);
        counts.set(s, counts.get(s)! + 1);
      });
    } else {
      counts.set("published", rows.length);
    }
    const reasons = statusReasons(statusField?.description ?? "", [...counts.keys()]);
    const statusCounts = [...counts.entries()].map(([status, cells]) => ({ status, cells, reason: reasons[status] ?? status }));
    const [description, grain = ""] = r.description.split(" Grain: ");
    return {
      id,
      title: r.title,
      description,
      grain,
      timeGrain: readmeFact(readme, r.path, "Time grain of this release"),
      cellsDescribe: readmeFact(readme, r.path, "Cells describe"),
      primaryKey: r.schema.primaryKey ?? [],
      fields,
      csv,
      parquet,
      licence: (r.licenses ?? pkg.licenses)[0],
      header,
      rows,
      statusCounts,
      confidentialCells: statusCounts.filter((s) => s.status !== "published").reduce((n, s) => n + s.cells, 0),
    };
  });
  if (datasets.length === 0) throw new PortalReleaseError(`${path.join(dir, "datapackage.json")}: no CSV resource`);
  const files = readdirSync(dir).filter((f) => !f.startsWith(".")).sort();
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
    files,
    metadataFiles: Object.entries(METADATA_LABELS)
      .filter(([name]) => files.includes(name))
      .map(([name, label]) => ({ name, label })),
  };
}

/** The release's own credit line: what its licence asks reusers to cite. */
export function attributionOf(release: PortalRelease): string {
  const sources = release.sources.length > 0 ? ` Sources: ${release.sources.join("; ")}.` : "";
  return `${release.publisher}, “${release.title}”, release ${release.version}, updated ${release.updated}, ${release.licence.title}.${sources}`;
}
