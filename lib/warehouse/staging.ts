/**
 * The warehouse's inputs, as TEMP views of the build connection (never stored in core.duckdb):
 * - `stg_<entity>` over `<cleanDir>/<entity>.parquet`, after checking the file holds exactly the
 *   columns and types of the cleansed contract (lib/cleanse/schema.ts);
 * - `src_communes` (a TEMP table of the columns the reference reads), `src_departements`,
 *   `src_regions` over the etalab découpage administratif JSON files, and the reference tables
 *   built from them (lib/warehouse/reference/*.sql);
 * - the shared macros (lib/warehouse/staging/macros.sql).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { CLEAN_ENTITIES } from "../cleanse/schema";
import { query, renderSql, run, sqlIdent, sqlString } from "./db";

const HERE = __dirname;

/** The etalab data files; `require()` of the package root fails, so the JSON is read directly. */
export function etalabDataDir(): string {
  return path.join(path.dirname(require.resolve("@etalab/decoupage-administratif/package.json")), "data");
}

const normaliseType = (t: string) => t.replace(/\s+/g, "").toUpperCase();

export async function createMacros(connection: DuckDBConnection): Promise<void> {
  await run(connection, renderSql(path.join(HERE, "staging", "macros.sql")));
}

/** One TEMP view per cleansed entity; a missing file or a column that breaks the contract is an error naming both. */
export async function createStagingViews(connection: DuckDBConnection, cleanDir: string): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const entity of CLEAN_ENTITIES) {
    const file = path.join(cleanDir, `${entity.name}.parquet`);
    if (!existsSync(file)) throw new Error(`cleansed input ${file} not found (expected by lib/cleanse/schema.ts, entity ${entity.name})`);
    const described = await query<{ column_name: string; column_type: string }>(
      connection,
      `describe select * from read_parquet(${sqlString(file)})`,
    );
    const actual = new Map(described.map((d) => [d.column_name, d.column_type]));
    const problems: string[] = [];
    for (const c of entity.columns) {
      const type = actual.get(c.name);
      if (type === undefined) problems.push(`column ${c.name} is missing (expected ${c.type})`);
      else if (normaliseType(type) !== normaliseType(c.type)) problems.push(`column ${c.name} is ${type}, expected ${c.type}`);
    }
    for (const name of actual.keys()) {
      if (!entity.columns.some((c) => c.name === name)) problems.push(`column ${name} is not in the contract`);
    }
    if (problems.length) throw new Error(`${file} breaks the cleansed contract (lib/cleanse/schema.ts): ${problems.join("; ")}`);
    const columns = entity.columns.map((c) => sqlIdent(c.name)).join(", ");
    await run(connection, `create or replace temp view ${sqlIdent(`stg_${entity.name}`)} as select ${columns} from read_parquet(${sqlString(file)})`);
    const [{ n }] = await query<{ n: number }>(connection, `select cast(count(*) as integer) as n from ${sqlIdent(`stg_${entity.name}`)}`);
    rows[entity.name] = n;
  }
  return rows;
}

/**
 * The columns of communes.json the reference reads, with their types. The file (8.6 MB) is parsed
 * once into a TEMP table of these columns: as a view, each reference table parsed it again and
 * the type sniffing read it a third time (measured on a 10,000-row build: 340 ms for the
 * reference as views, 165 ms this way, the same rows). A release of the package that changes one
 * of these columns stops the build, naming it: a value of another type fails DuckDB's conversion,
 * and a column the file no longer has (read as null everywhere) fails the check below.
 */
const COMMUNE_COLUMNS = {
  code: "VARCHAR",
  nom: "VARCHAR",
  type: "VARCHAR",
  departement: "VARCHAR",
  region: "VARCHAR",
  population: "BIGINT",
  codesPostaux: "VARCHAR[]",
} as const;

/** The geography reference: the etalab JSON read into TEMP relations, then ref_postal_code and ref_commune_name as TEMP tables. */
export async function createReference(connection: DuckDBConnection): Promise<void> {
  const dir = etalabDataDir();
  const columns = Object.entries(COMMUNE_COLUMNS);
  await run(
    connection,
    `create or replace temp table src_communes as select ${columns.map(([c]) => sqlIdent(c)).join(", ")}
     from read_json(${sqlString(path.join(dir, "communes.json"))}, columns = {${columns.map(([c, t]) => `${sqlIdent(c)}: ${sqlString(t)}`).join(", ")}})`,
  );
  const [present] = await query<Record<string, number>>(connection, `select ${columns.map(([c]) => `cast(count(${sqlIdent(c)}) as integer) as ${sqlIdent(c)}`).join(", ")} from src_communes`);
  const missing = columns.map(([c]) => c).filter((c) => present[c] === 0);
  if (missing.length) throw new Error(`${path.join(dir, "communes.json")}: no commune has ${missing.join(", ")} (the geography reference reads them; has the @etalab/decoupage-administratif format changed?)`);
  for (const [view, file] of [
    ["src_departements", "departements.json"],
    ["src_regions", "regions.json"],
  ]) {
    await run(connection, `create or replace temp view ${view} as select * from read_json(${sqlString(path.join(dir, file))})`);
  }
  for (const ref of ["ref_postal_code", "ref_commune_name"]) {
    await run(connection, `create or replace temp table ${ref} as ${renderSql(path.join(HERE, "reference", `${ref}.sql`))}`);
  }
}
