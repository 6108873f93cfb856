/**
 * Parquet beside each CSV, written by native DuckDB from the CSV just published (so the two can
 * never disagree), with the declared column types, rows in primary-key order, and settings that
 * make the bytes reproducible: one thread, fixed row-group size, zstd. DuckDB writes no
 * timestamp into the file; `created_by` names the library version, which is pinned.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlIdent, sqlString, withThreads } from "../../engine/native";
import type { CsvColumnFormat } from "./csv";

const DUCKDB_TYPE: Record<CsvColumnFormat["type"], string> = { string: "VARCHAR", integer: "BIGINT", number: "DOUBLE" };

export async function writeParquet(conn: DuckDBConnection, csvFile: string, parquetFile: string, columns: readonly CsvColumnFormat[], orderBy: readonly string[]): Promise<void> {
  const types = columns.map((c) => `${sqlString(c.name)}: ${sqlString(DUCKDB_TYPE[c.type])}`).join(", ");
  // all_varchar would lose the types; explicit columns keep them, and strings are read verbatim
  // (the CSV's formula-neutralising quote stays: the Parquet file publishes the same text).
  const read = `read_csv(${sqlString(csvFile)}, header = true, delim = ',', quote = '"', escape = '"', columns = {${types}}, auto_detect = false, nullstr = '')`;
  // One thread for this copy only (withThreads gives the release's connection its threads back).
  await withThreads(conn, 1, () =>
    conn.run(
      `copy (select * from ${read} order by ${orderBy.map(sqlIdent).join(", ")}) to ${sqlString(parquetFile)} ` +
        `(format parquet, compression zstd, row_group_size 100000)`,
    ),
  );
}
