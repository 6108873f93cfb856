/**
 * The documentation and tests of one table, read from `<table>.doc.json` beside its
 * `<table>.sql` (jaffle-shop style: one model per file, its docs and tests next to it). One
 * place drives three things: the table DDL (types, primary and foreign keys), the quality gates
 * (lib/warehouse/gates.ts) and the generated data dictionary (lib/marts/dictionary.ts).
 * (A YAML file would be the dbt habit; there is no YAML parser in this project, JSON it is.)
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { enforcedKeys, type EnforcedKeys } from "./keys";

export type ColumnTest =
  | "unique"
  | "not_null"
  | { relationships: { to: string } }
  | { accepted_values: { values: (string | number | boolean)[] } }
  | { expression_is_true: { name: string; expression: string } };

export type TableTest =
  | { unique_combination: string[] }
  | { expression_is_true: { name: string; expression: string } }
  | { custom: string };

export interface ColumnDoc {
  name: string;
  /** DuckDB type, exactly as DESCRIBE prints it (the build checks the model produces it). */
  type: string;
  description: string;
  tests?: ColumnTest[];
  /** How the measure aggregates: semi-additive columns must never be summed across dates. */
  additivity?: "additive" | "semi-additive" | "non-additive";
  /** How a personal attribute is protected. */
  privacy?: "pseudonymised" | "encrypted" | "generalised";
}

export interface ModelDoc {
  table: string;
  description: string;
  grain: string;
  primaryKey?: string[];
  unknownMember?: { column: string; value: number };
  /**
   * For a snapshot table: the columns that identify the snapshot in time. A semi-additive
   * measure may be summed only within one value of them (lib/warehouse/semiAdditive.ts).
   */
  snapshotKey?: string[];
  columns: ColumnDoc[];
  tests?: TableTest[];
}

export interface Model {
  /** Table name, also the file stem. */
  name: string;
  /** Schema in the target database ("main" for core; "sales", "inventory" for marts). */
  schema: string;
  sqlFile: string;
  docFile: string;
  sql: string;
  doc: ModelDoc;
}

/** Load `<dir>/<name>.sql` and `<dir>/<name>.doc.json`; the doc must name the same table. */
export function loadModel(dir: string, name: string, schema = "main"): Model {
  const sqlFile = path.join(dir, `${name}.sql`);
  const docFile = path.join(dir, `${name}.doc.json`);
  if (!existsSync(sqlFile)) throw new Error(`model ${name}: ${sqlFile} not found`);
  if (!existsSync(docFile)) throw new Error(`model ${name}: ${docFile} not found (every table documents its columns and tests beside its SQL)`);
  let doc: ModelDoc;
  try {
    doc = JSON.parse(readFileSync(docFile, "utf8")) as ModelDoc;
  } catch (err) {
    throw new Error(`${docFile}: not valid JSON (${(err as Error).message})`);
  }
  if (doc.table !== name) throw new Error(`${docFile}: "table" is ${JSON.stringify(doc.table)}, expected "${name}" (the file name)`);
  if (!Array.isArray(doc.columns) || doc.columns.length === 0) throw new Error(`${docFile}: "columns" must list every column`);
  const seen = new Set<string>();
  for (const c of doc.columns) {
    if (!c.name || !c.type || !c.description) throw new Error(`${docFile}: column ${JSON.stringify(c.name)} needs name, type and description`);
    if (seen.has(c.name)) throw new Error(`${docFile}: column ${c.name} documented twice`);
    seen.add(c.name);
  }
  for (const k of doc.primaryKey ?? []) if (!seen.has(k)) throw new Error(`${docFile}: primary key column ${k} is not documented`);
  return { name, schema, sqlFile, docFile, sql: readFileSync(sqlFile, "utf8"), doc };
}

/** Every model of a folder (files `*.sql` with a `.doc.json` beside them), sorted by name. */
export function listModels(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql") && existsSync(path.join(dir, f.replace(/\.sql$/, ".doc.json"))))
    .map((f) => f.replace(/\.sql$/, ""))
    .sort();
}

/** The foreign keys a doc declares through its `relationships` tests: column -> table.column. */
export function foreignKeys(doc: ModelDoc): { column: string; table: string; key: string }[] {
  const out: { column: string; table: string; key: string }[] = [];
  for (const c of doc.columns) {
    for (const t of c.tests ?? []) {
      if (typeof t === "object" && "relationships" in t) {
        const [table, key] = t.relationships.to.split(".");
        if (!table || !key) throw new Error(`${doc.table}.${c.name}: relationships.to must be "table.column", got ${t.relationships.to}`);
        out.push({ column: c.name, table, key });
      }
    }
  }
  return out;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * CREATE TABLE from the doc: typed columns, and the constraints `enforce` asks DuckDB to enforce
 * (by default the build's decision, lib/warehouse/keys.ts: the primary keys of the dimensions;
 * no foreign key). A declared key that is not enforced is checked by the build's gates
 * (lib/warehouse/gates.ts), which fail the build as the constraint would have.
 */
export function createTableDdl(model: Model, enforce: EnforcedKeys = enforcedKeys(model)): string {
  const { doc } = model;
  const lines = doc.columns.map((c) => `  ${quote(c.name)} ${c.type}`);
  if (enforce.primaryKey && doc.primaryKey?.length) lines.push(`  primary key (${doc.primaryKey.map(quote).join(", ")})`);
  const inSchema = (table: string) => (model.schema === "main" ? quote(table) : `${quote(model.schema)}.${quote(table)}`);
  if (enforce.foreignKeys) for (const fk of foreignKeys(doc)) lines.push(`  foreign key (${quote(fk.column)}) references ${inSchema(fk.table)} (${quote(fk.key)})`);
  const target = inSchema(doc.table);
  return `create table ${target} (\n${lines.join(",\n")}\n)`;
}
