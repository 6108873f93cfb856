import * as fs from "node:fs";
import * as path from "node:path";
import { RAW_HEADER, RecordType } from "./contract";
import { projectRoot } from "../io/paths";
import { InputError } from "./inputError";

/**
 * A source profile maps one export onto the raw contract (bring your own export).
 * It is data, in `data/sources/<name>.json`: nothing about a particular source is hard-coded.
 */
export interface SourceProfile {
  name: string;
  description: string;
  /** Attribution the outputs derived from this source must carry (licence of the source). */
  attribution?: string;
  format: {
    delimiter: string;
    quote: string;
    /** DuckDB's read_csv encodings: utf-8 (default), latin-1, utf-16. */
    encoding?: "utf-8" | "latin-1" | "utf-16";
    /** The header the source file must have, in order. */
    header: string[];
  };
  /**
   * For each contract column, a SQL expression over the source columns (double-quoted names) and
   * `source_line`. A contract column that is absent maps to itself when the source has a column
   * of that name, and to NULL when it is listed in `lacks`.
   */
  columns?: Record<string, string>;
  /** Contract columns this source does not have: they stay empty, never invented. */
  lacks?: string[];
  /**
   * strptime formats tried in order for every date column; the first that parses wins.
   * Order matters for ambiguous slashes: the export's convention is day first.
   */
  dateFormats: string[];
  /** Rows set aside on purpose at split time, each with a reason code that lands in the rejects. */
  exclusions?: { reason: string; when: string; explain: string }[];
  /** Decisions a reader should know (what the source lacks, how its quirks are handled). */
  notes?: string[];
}

export function sourcesDirectory(): string {
  return path.join(projectRoot(), "data", "sources");
}

export function listProfiles(): string[] {
  return fs
    .readdirSync(sourcesDirectory())
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

export function loadProfile(nameOrPath: string): SourceProfile {
  const file = nameOrPath.endsWith(".json") ? nameOrPath : path.join(sourcesDirectory(), `${nameOrPath}.json`);
  if (!fs.existsSync(file)) {
    throw new InputError(file, "source profile not found", `use one of ${listProfiles().join(", ")}, or write one (see README.md, "Running one stage, or another export")`);
  }
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as SourceProfile;
  for (const column of Object.keys(profile.columns ?? {})) {
    if (!RAW_HEADER.includes(column)) throw new Error(`${file}: "columns" maps "${column}", which is not a raw contract column`);
  }
  for (const column of profile.lacks ?? []) {
    if (!RAW_HEADER.includes(column)) throw new Error(`${file}: "lacks" lists "${column}", which is not a raw contract column`);
  }
  return profile;
}

/** The SQL expression that yields each contract column from the source, in contract order. */
export function projectionFor(profile: SourceProfile): { column: string; expression: string }[] {
  const lacks = new Set(profile.lacks ?? []);
  return RAW_HEADER.map((column) => {
    const mapped = profile.columns?.[column];
    if (mapped) return { column, expression: mapped };
    if (lacks.has(column)) return { column, expression: "NULL" };
    if (profile.format.header.includes(column)) return { column, expression: `"${column}"` };
    throw new Error(`source profile ${profile.name}: contract column "${column}" is neither mapped, present in the header, nor listed in "lacks"`);
  });
}

export const DEFAULT_RECORD_TYPES: RecordType[] = ["SALE", "STOCK"];
