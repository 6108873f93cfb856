/**
 * The PII guard of the marts: every column of every mart table is compared with the known
 * personal values of the cleansed customers and suppliers (piiKnownValues.sql) that can be a
 * disclosure in it, as its role says (columnRoles.ts, from the `"role"` of each column in the
 * `.doc.json` beside the model): a customer number in a text or identifier column is a hit, the
 * same digits as a quantity, a key or a stock code are not. Any hit fails the marts build. The
 * report names table, column, kind of value and how many rows matched, never the value itself
 * (a scan report must not become a leak). A column no mart doc describes (the core's, when the
 * warehouse tests scan it) is searched for every kind.
 *
 * Exact matching on the whole cell (emails case-insensitively): it catches a column copied or
 * joined from personal data, which is how identifiers leak into a mart. It does not look
 * inside free text (the marts have none). Known values that are also public vocabulary held by
 * the marts (département and région names, holiday, month and weekday names) are not searched:
 * a first name "Aude" next to the département Aude is a word, not a person.
 */
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { query, renderSql, run, sqlIdent, sqlString } from "../warehouse/db";
import { etalabDataDir } from "../warehouse/staging";
import { martColumnRoles, searchedKinds, type ColumnRole } from "./columnRoles";

export interface PiiHit {
  table: string;
  column: string;
  kind: string;
  rows: number;
}

export interface PiiScanReport {
  passed: boolean;
  tablesScanned: number;
  columnsScanned: number;
  /** Columns left out because their role cannot disclose any known value (numbers, keys, flags). */
  columnsSkipped: number;
  knownValues: Record<string, number>;
  hits: PiiHit[];
}

/**
 * Scan every table of `catalog` (default: the current database) on an open connection.
 * `cleanDir` holds the cleansed customers.parquet and suppliers.parquet. `roles`: what each
 * column holds, by "schema.table.column" (default: the mart docs').
 */
export async function scanForPii(connection: DuckDBConnection, cleanDir: string, catalog?: string, roles: ReadonlyMap<string, ColumnRole> = martColumnRoles()): Promise<PiiScanReport> {
  const sql = renderSql(path.join(__dirname, "piiKnownValues.sql"), {
    customers: sqlString(path.join(cleanDir, "customers.parquet")),
    suppliers: sqlString(path.join(cleanDir, "suppliers.parquet")),
    departements: sqlString(path.join(etalabDataDir(), "departements.json")),
    regions: sqlString(path.join(etalabDataDir(), "regions.json")),
  });
  // is_email: emails are compared in lower case, every other kind exactly (piiScanMatches.sql).
  await run(connection, `create or replace temp table pii_known_values as select kind, value, kind like '%email' as is_email from (${sql})`);
  const known = await query<{ kind: string; n: number }>(connection, "select kind, cast(count(*) as integer) as n from pii_known_values group by kind order by kind");
  const [{ db }] = await query<{ db: string }>(connection, "select current_database() as db");
  const target = catalog ?? db;
  const columns = await query<{ table_schema: string; table_name: string; column_name: string }>(
    connection,
    `select table_schema, table_name, column_name from information_schema.columns
     where table_catalog = ${sqlString(target)} and table_schema not in ('information_schema', 'pg_catalog')
     order by table_schema, table_name, ordinal_position`,
  );
  const kinds = known.map((k) => k.kind);
  const hits: PiiHit[] = [];
  // Per table, in the catalog's order: the searched columns (ordinal order) and the kinds each is searched for.
  const tables = new Map<string, { schema: string; name: string; searched: { column: string; kinds: string[] }[] }>();
  let skipped = 0;
  for (const c of columns) {
    const table = `${c.table_schema}.${c.table_name}`;
    if (!tables.has(table)) tables.set(table, { schema: c.table_schema, name: c.table_name, searched: [] });
    const role = roles.get(`${table}.${c.column_name}`) ?? "text";
    const searched = searchedKinds(role, kinds);
    if (searched.length === 0) skipped++;
    else tables.get(table)!.searched.push({ column: c.column_name, kinds: searched });
  }
  // Every searched column's distinct values (piiScanCells.sql), table by table, then one join
  // against the known values for the whole scan (piiScanMatches.sql). Measured at 10 M rows (the
  // marts stage on the same warehouse, three runs each): the step took 10.5-11.1 s when each
  // table unpivoted its searched columns to text rows and joined them to the known values (hashed
  // again for each of the 16 tables), 5.1-8.0 s this way, the stage's peak memory unchanged
  // (2.1-2.2 GiB); pii_cells then holds 7.4 M rows.
  const scanned = [...tables.entries()].filter(([, t]) => t.searched.length > 0);
  await run(connection, "create or replace temp table pii_cells (tbl integer, col integer, value varchar, n bigint)");
  for (const [ti, [, t]] of scanned.entries()) {
    const source = `${sqlIdent(target)}.${sqlIdent(t.schema)}.${sqlIdent(t.name)}`;
    const cells = t.searched.map((s, i) => {
      const column = sqlIdent(s.column);
      return `select ${ti} as tbl, ${i} as col, cast(value as varchar) as value, n from (select ${column} as value, count(*) as n from ${source} where ${column} is not null group by ${column})`;
    });
    await run(connection, renderSql(path.join(__dirname, "piiScanCells.sql"), { cells: cells.join("\nunion all\n") }));
  }
  const allowed = scanned.flatMap(([, t], ti) => t.searched.flatMap((s, i) => s.kinds.map((k) => `(${ti}, ${i}, ${sqlString(k)})`)));
  if (allowed.length > 0) {
    // Reported table by table (the catalog's order), column by column (ordinal order), kinds in order.
    const found = await query<{ tbl: number; col: number; kind: string; n: number }>(connection, renderSql(path.join(__dirname, "piiScanMatches.sql"), { allowed: allowed.join(", ") }));
    for (const f of found) {
      const [table, t] = scanned[f.tbl];
      hits.push({ table, column: t.searched[f.col].column, kind: f.kind, rows: f.n });
    }
  }
  await run(connection, "drop table pii_cells");
  await run(connection, "drop table pii_known_values");
  return {
    passed: hits.length === 0,
    tablesScanned: tables.size,
    columnsScanned: columns.length - skipped,
    columnsSkipped: skipped,
    knownValues: Object.fromEntries(known.map((k) => [k.kind, k.n])),
    hits,
  };
}
