/**
 * Reads a published release directory as an intruder does: datapackage.json (with its
 * `disclosureControl` declarations) and the CSV files it lists, nothing else. Parquet copies
 * hold the same rows and are skipped.
 *
 * An older release may lack `disclosureControl`: an intruder then reads it with the
 * declarations of the same dataset in the newer release (its columns say the same things), so
 * the caller may pass those as `fallback`. An older release may also carry a `status` column;
 * it is read, because it says more than the flag.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseCsv } from "../publish/csv";
import { periodRange } from "./periods";
import type { DisclosureControl, PeriodRange, PublishedRow, PublishedTable, ScopeDeclaration } from "./types";

export interface PublishedRelease {
  dir: string;
  version: string;
  tables: PublishedTable[];
  scopes: ScopeDeclaration[];
  warnings: string[];
}

interface Resource {
  name?: string;
  path?: string | string[];
  disclosureControl?: DisclosureControl;
}

interface DataPackage {
  version?: string;
  temporalCoverage?: { start?: string; end?: string };
  resources?: Resource[];
  disclosureControl?: { scopes?: ScopeDeclaration[] };
}

const FORMULA_TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];

/** The publisher prefixes a text cell that could run as a spreadsheet formula with a quote. */
function unneutralise(text: string): string {
  return text.length > 1 && text[0] === "'" && FORMULA_TRIGGERS.includes(text[1]) ? text.slice(1) : text;
}

function decimalsOf(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

export class ReleaseReadError extends Error {}

export function readRelease(dir: string, release: "current" | "previous", fallback?: Map<string, DisclosureControl>): PublishedRelease {
  const packagePath = path.join(dir, "datapackage.json");
  if (!existsSync(packagePath)) throw new ReleaseReadError(`${packagePath} not found: pass the directory of a published release (releases/<version>)`);
  let pkg: DataPackage;
  try {
    pkg = JSON.parse(readFileSync(packagePath, "utf8")) as DataPackage;
  } catch (e) {
    throw new ReleaseReadError(`${packagePath}: not valid JSON (${(e as Error).message})`);
  }
  const warnings: string[] = [];
  const coverage: PeriodRange | undefined =
    pkg.temporalCoverage?.start && pkg.temporalCoverage.end ? { start: pkg.temporalCoverage.start, end: pkg.temporalCoverage.end } : undefined;
  const tables: PublishedTable[] = [];
  for (const resource of pkg.resources ?? []) {
    const file = Array.isArray(resource.path) ? resource.path[0] : resource.path;
    if (!resource.name || !file || !file.toLowerCase().endsWith(".csv")) continue;
    let control = resource.disclosureControl;
    if (!control) {
      control = fallback?.get(resource.name);
      if (!control) {
        warnings.push(`${release} release ${resource.name}: no disclosureControl and no newer declaration to read it with; left out`);
        continue;
      }
      warnings.push(`${release} release ${resource.name}: no disclosureControl; read with the current release's declarations`);
    }
    tables.push(readTable(dir, release, resource.name, file, control, coverage, warnings));
  }
  if (tables.length === 0) throw new ReleaseReadError(`${packagePath}: no CSV resource with disclosureControl; expected the release format of release-format.md`);
  return { dir, version: pkg.version ?? path.basename(dir), tables, scopes: pkg.disclosureControl?.scopes ?? [], warnings };
}

function readTable(
  dir: string,
  release: "current" | "previous",
  dataset: string,
  file: string,
  declared: DisclosureControl,
  coverage: PeriodRange | undefined,
  warnings: string[],
): PublishedTable {
  const csvPath = path.join(dir, file);
  if (!existsSync(csvPath)) throw new ReleaseReadError(`${csvPath} not found (listed by datapackage.json as ${dataset})`);
  const records = parseCsv(readFileSync(csvPath, "utf8").replace(/^\uFEFF/, ""));
  if (records.length === 0) throw new ReleaseReadError(`${csvPath}: empty file; expected a header row`);
  const header = records[0];
  const column = new Map(header.map((name, i) => [name, i]));
  const control: DisclosureControl = { ...declared, dimensions: declared.dimensions.map((d) => ({ ...d, codes: [...d.codes] })) };
  const flagField = control.flag?.field ?? "flag";
  const marker = control.flag?.confidential ?? "c";
  const need = [...control.dimensions.map((d) => d.field), ...control.measures.map((m) => m.field)];
  for (const field of need) {
    if (!column.has(field)) throw new ReleaseReadError(`${csvPath}: column ${field} missing from the header; datapackage.json declares it in disclosureControl`);
  }
  const flagColumn = column.get(flagField);
  const statusColumn = column.get("status");
  const valueFields = [...control.measures.map((m) => m.field), ...(control.derived ?? []).map((d) => d.field).filter((f) => column.has(f))];
  const decimals: Record<string, number> = {};
  for (const f of valueFields) decimals[f] = 0;
  const rows: PublishedRow[] = [];
  const undeclared = new Set<string>();
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    if (record.length === 1 && record[0] === "") continue;
    const codes = control.dimensions.map((d) => {
      const code = unneutralise(record[column.get(d.field)!] ?? "");
      if (code !== d.total && !d.codes.includes(code)) undeclared.add(`${d.field}=${code}`);
      return code;
    });
    const values: Record<string, number | null> = {};
    for (const f of valueFields) {
      const text = (record[column.get(f)!] ?? "").trim();
      if (text === "") {
        values[f] = null;
        continue;
      }
      const value = Number(text);
      if (!Number.isFinite(value)) throw new ReleaseReadError(`${csvPath}: line ${r + 1}, column ${f}: ${JSON.stringify(text)} is not a number`);
      values[f] = value;
      decimals[f] = Math.max(decimals[f], decimalsOf(text));
    }
    const confidential = flagColumn !== undefined && record[flagColumn] === marker;
    rows.push({ codes, line: r + 1, confidential, status: statusColumn !== undefined ? record[statusColumn] : undefined, values });
  }
  if (undeclared.size > 0) {
    warnings.push(`${release} release ${dataset}: ${undeclared.size} code(s) not declared in disclosureControl (${[...undeclared].slice(0, 3).join(", ")}...): kept out of every margin`);
  }
  const halfUnit: Record<string, number> = {};
  const integerFields = new Set(control.measures.filter((m) => m.integer).map((m) => m.field));
  for (const f of valueFields) halfUnit[f] = integerFields.has(f) ? 0 : 0.5 * 10 ** -decimals[f];
  if (!control.scope) warnings.push(`${release} release ${dataset}: no disclosureControl.scope; taken as the population of every other table without one`);
  const periodDimension = control.dimensions.findIndex(
    (d) => d.field === "period" || (d.codes.length > 0 && d.codes.every((c) => periodRange(c) !== null)),
  );
  return {
    release,
    dataset,
    file,
    control,
    scope: control.scope ?? "release",
    rowsMode: control.rows === "nonEmpty" ? "nonEmpty" : "grid",
    period: control.period ?? coverage ?? { start: "release", end: "release" },
    periodDimension,
    hasStatus: statusColumn !== undefined,
    rows,
    halfUnit,
  };
}
