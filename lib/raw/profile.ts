import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import { RAW_COLUMNS, RAW_HEADER, RecordType } from "./contract";
import { projectRoot } from "../io/paths";
import { InputError } from "./inputError";

/**
 * A record a profile yields: an event of the raw contract (SALE, STOCK), or a master record on
 * its own (a customer, product, supplier, carrier or warehouse that no event carries).
 */
export type RecordKind = RecordType | "CUSTOMER" | "PRODUCT" | "SUPPLIER" | "CARRIER" | "WAREHOUSE";
export const RECORD_KINDS: readonly RecordKind[] = ["SALE", "STOCK", "CUSTOMER", "PRODUCT", "SUPPLIER", "CARRIER", "WAREHOUSE"];

/** The contract columns a master record must yield: what its entity describes (not the line's freight or cost). */
const MASTER_COLUMNS: Record<Exclude<RecordKind, RecordType>, string[]> = {
  CUSTOMER: RAW_COLUMNS.filter((c) => c.group === "customer" && !c.neverLoaded).map((c) => c.name),
  PRODUCT: ["product_id", "product_name", "category", "subcategory", "brand"],
  SUPPLIER: RAW_COLUMNS.filter((c) => c.group === "supplier").map((c) => c.name),
  CARRIER: ["carrier_id", "carrier_name"],
  WAREHOUSE: ["warehouse_id", "warehouse_city"],
};

/** The contract columns a record of this kind fills. */
export function columnsFilledBy(kind: RecordKind): string[] {
  if (kind === "SALE" || kind === "STOCK") return RAW_COLUMNS.filter((c) => c.group !== "record" && c.filledBy.includes(kind)).map((c) => c.name);
  return MASTER_COLUMNS[kind];
}

export interface SourceFile {
  /** A file, a directory (every .csv, .csv.gz and .parquet file in it) or a glob, relative to the input directory. */
  path: string;
  /** The header each CSV file must have, in order (Parquet files carry their own schema). */
  header?: string[];
  delimiter?: string;
  quote?: string;
  encoding?: "utf-8" | "latin-1" | "utf-16";
}

/**
 * A source profile maps one export onto the raw contract (bring your own export).
 * It is data, in `data/sources/<name>.json`, validated against `data/sources/profile.schema.json`;
 * nothing about a particular source is hard-coded. It is also code: its SQL expressions run in
 * DuckDB with file access, so a profile is trusted like a script (data/README.md).
 *
 * Two shapes:
 * - one wide file (`format` + `columns`): the input is that file, each row one record whose
 *   `record_type` column says what it is;
 * - several files (`files` + `records`): the input is a directory; each entry of `records` is a
 *   query over the files (by their names) that yields rows of one record type.
 */
export interface SourceProfile {
  name: string;
  description: string;
  /** Attribution the outputs derived from this source must carry (licence of the source). */
  attribution?: string;
  /** ISO 4217 code of the source's amounts (default EUR): the dictionary, marts docs and release say it. */
  currency: string;
  /** ISO 3166-1 alpha-2 country of the business (default FR): dim_date's public holidays, fallback phone region. */
  country: string;
  format: {
    delimiter: string;
    quote: string;
    /** DuckDB's read_csv encodings: utf-8 (default), latin-1, utf-16 (little-endian, as DuckDB reads it; lib/raw/inputCheck.ts). */
    encoding?: "utf-8" | "latin-1" | "utf-16";
    /** The header the source file must have, in order (one-file profiles). */
    header: string[];
  };
  /** Multi-file profiles: the export's tables, by the name the record queries use. */
  files?: Record<string, SourceFile>;
  /**
   * Multi-file profiles: per record type, a query over the tables that yields contract columns
   * (by name; a column it does not yield is NULL). Every table has two more columns, `source_file`
   * and `source_line` (the physical line where the record starts, header = 1; a Parquet file's
   * row number): the query must select them from the table whose rows are its records.
   */
  records?: { type: RecordKind; sql: string; explain?: string }[];
  /**
   * One-file profiles: for each contract column, a SQL expression over the source columns
   * (double-quoted names) and `source_line`. A contract column that is absent maps to itself when
   * the source has a column of that name, and to NULL when it is listed in `lacks`.
   */
  columns?: Record<string, string>;
  /** Contract columns this source does not have: they stay empty, never invented. */
  lacks?: string[];
  /**
   * What the absence of a lacked column means, as the value every record takes (e.g. a source
   * with one warehouse: `"warehouse_id": "WH-1"`). Needed for a column the cleansing policy
   * cannot do without (a `reject` on missing).
   */
  defaults?: Record<string, string>;
  /**
   * strptime formats tried in order for every date column; the first that parses wins.
   * Order matters for ambiguous slashes: the export's convention is day first.
   */
  dateFormats: string[];
  /** Rows set aside on purpose at split time, each with a reason code that lands in the rejects. */
  exclusions?: { reason: string; when: string; explain: string }[];
  /** Decisions a reader should know (what the source lacks, how its quirks are handled). */
  notes?: string[];
  /** Where the profile was read from (for messages). */
  file?: string;
}

export function sourcesDirectory(): string {
  return path.join(projectRoot(), "data", "sources");
}

export function listProfiles(): string[] {
  return fs
    .readdirSync(sourcesDirectory())
    .filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

let validator: ReturnType<Ajv["compile"]> | undefined;
function validate(): ReturnType<Ajv["compile"]> {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(sourcesDirectory(), "profile.schema.json"), "utf8"));
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

/** One line per schema error, naming the property (a JSON pointer) and what was expected. */
function describeErrors(errors: ErrorObject[]): string {
  // The oneOf's own error says only "must match exactly one schema": the branch errors say why.
  const useful = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "not" && !(e.keyword === "required" && e.instancePath === "" && errors.length > 1 && /files|records|format/.test(String(e.params.missingProperty))));
  const shown = (useful.length ? useful : errors).map((e) => {
    const where = e.instancePath || "(top level)";
    if (e.keyword === "additionalProperties") return `${where}: unknown property "${e.params.additionalProperty}"`;
    if (e.keyword === "required") return `${where}: missing property "${e.params.missingProperty}"`;
    if (e.keyword === "enum") return `${where}: ${e.message} (${(e.params.allowedValues as string[]).join(", ")})`;
    return `${where}: ${e.message}`;
  });
  const structural = errors.some((e) => e.keyword === "oneOf" || e.keyword === "not");
  if (structural) shown.push("a profile has either \"format\" (one wide file, with its header) or \"files\" and \"records\" (several files), not both");
  return [...new Set(shown)].join("; ");
}

export function loadProfile(nameOrPath: string): SourceProfile {
  const file = nameOrPath.endsWith(".json") ? path.resolve(nameOrPath) : path.join(sourcesDirectory(), `${nameOrPath}.json`);
  if (!fs.existsSync(file)) {
    throw new InputError(file, "source profile not found", `use one of ${listProfiles().join(", ")}, or write one (see data/README.md, "Source profiles")`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(file, `source profile is not valid JSON (${(err as Error).message})`, "fix the JSON syntax");
  }
  const check = validate();
  if (!check(raw)) {
    throw new InputError(file, `source profile breaks data/sources/profile.schema.json: ${describeErrors(check.errors ?? [])}`, "correct the property named");
  }
  const profile = raw as SourceProfile;
  const fail = (property: string, problem: string, fix: string) => {
    throw new InputError(file, `source profile, property ${property}: ${problem}`, fix);
  };
  for (const column of Object.keys(profile.columns ?? {})) {
    if (!RAW_HEADER.includes(column)) fail(`/columns/${column}`, `"${column}" is not a raw contract column`, "use a column of lib/raw/contract.ts (data/README.md lists them)");
  }
  for (const [i, column] of (profile.lacks ?? []).entries()) {
    if (!RAW_HEADER.includes(column)) fail(`/lacks/${i}`, `"${column}" is not a raw contract column`, "use a column of lib/raw/contract.ts");
  }
  for (const column of Object.keys(profile.defaults ?? {})) {
    if (!RAW_HEADER.includes(column)) fail(`/defaults/${column}`, `"${column}" is not a raw contract column`, "use a column of lib/raw/contract.ts");
    if (!(profile.lacks ?? []).includes(column)) fail(`/defaults/${column}`, `a default is for a column the source lacks, and "lacks" does not list "${column}"`, `add "${column}" to "lacks", or map it`);
  }
  if (profile.files) {
    const names = new Set(Object.keys(profile.files));
    for (const [i, r] of (profile.records ?? []).entries()) {
      if (![...names].some((n) => new RegExp(`\\b${n}\\b`).test(r.sql))) {
        fail(`/records/${i}/sql`, `the ${r.type} query reads none of the files (${[...names].join(", ")})`, "select from the tables named under \"files\"");
      }
    }
  }
  return {
    ...profile,
    currency: profile.currency ?? "EUR",
    country: profile.country ?? "FR",
    // A multi-file profile has no one header; the wide shape's fields stay defined for old callers.
    format: profile.format ?? { delimiter: ",", quote: '"', header: [] },
    file,
  };
}

export function isMultiFile(profile: SourceProfile): boolean {
  return profile.files !== undefined;
}

/** The SQL expression that yields each contract column from the source, in contract order (one-file profiles). */
export function projectionFor(profile: SourceProfile): { column: string; expression: string }[] {
  const lacks = new Set(profile.lacks ?? []);
  return RAW_HEADER.map((column) => {
    const mapped = profile.columns?.[column];
    if (mapped) return { column, expression: mapped };
    if (lacks.has(column)) return { column, expression: defaultExpression(profile, column) };
    if (profile.format.header.includes(column)) return { column, expression: `"${column}"` };
    throw new InputError(
      profile.file ?? profile.name,
      `source profile ${profile.name}: contract column "${column}" is neither mapped, present in the header, nor listed in "lacks"`,
      `map it under "columns", or list it under "lacks"`,
    );
  });
}

/** A lacked column: NULL, or the value the profile says its absence means. */
export function defaultExpression(profile: SourceProfile, column: string): string {
  const value = profile.defaults?.[column];
  return value === undefined ? "NULL" : `'${value.replace(/'/g, "''")}'`;
}

/**
 * The record types a source yields: the listed ones for a multi-file profile; for one wide
 * file, the constant its `record_type` maps to, or every kind (the rows say).
 */
export function recordKindsOf(profile: SourceProfile): RecordKind[] {
  if (profile.records) return [...new Set(profile.records.map((r) => r.type))];
  const mapped = profile.columns?.record_type?.trim();
  const literal = mapped && /^'([A-Z]+)'$/.exec(mapped);
  if (literal && (RECORD_KINDS as readonly string[]).includes(literal[1])) return [literal[1] as RecordKind];
  return ["SALE", "STOCK"];
}

export const DEFAULT_RECORD_TYPES: RecordType[] = ["SALE", "STOCK"];

/**
 * Documentation says "{currency}" where an amount's unit goes: the source profile's ISO 4217 code
 * replaces it where the docs are published (the data dictionary, the release's metadata), so a
 * source in pounds is never described in euros.
 */
export const CURRENCY_TOKEN = "{currency}";

/** `value` with every string's "{currency}" replaced by `currency` (a deep copy). */
export function withCurrency<T>(value: T, currency: string): T {
  if (typeof value === "string") return value.split(CURRENCY_TOKEN).join(currency) as T;
  if (Array.isArray(value)) return value.map((v) => withCurrency(v, currency)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withCurrency(v, currency)])) as T;
  }
  return value;
}
