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
  // is_email: emails are compared in lower case, every other kind exactly (piiScanTable.sql).
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
  for (const [table, t] of tables) {
    if (t.searched.length === 0) continue;
    const source = `${sqlIdent(target)}.${sqlIdent(t.schema)}.${sqlIdent(t.name)}`;
    const found = await query<{ col: string; kind: string; n: number }>(
      connection,
      renderSql(path.join(__dirname, "piiScanTable.sql"), {
        source,
        cells: t.searched.map((s, i) => `cast(${sqlIdent(s.column)} as varchar) as c${i}`).join(", "),
        allowed: t.searched.flatMap((s, i) => s.kinds.map((k) => `('c${i}', ${sqlString(k)})`)).join(", "),
      }),
    );
    // Reported column by column (ordinal order), kinds in order, as a per-column scan would.
    found.sort((a, b) => Number(a.col.slice(1)) - Number(b.col.slice(1)) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    for (const f of found) hits.push({ table, column: t.searched[Number(f.col.slice(1))].column, kind: f.kind, rows: f.n });
  }
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
