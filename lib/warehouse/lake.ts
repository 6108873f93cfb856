/**
 * The facts as a Hive-partitioned Parquet lake (`<lakeDir>/<fact>/year=YYYY/month=M/*.parquet`),
 * for engines that read files rather than a DuckDB database (the wasm consumer view, Spark, a
 * notebook): partition pruning on year and month, one `.sql` file per exported table
 * (lib/warehouse/lake/). Files are written single-threaded from an ordered query so the same
 * warehouse gives the same files, and made owner-only (they hold pseudonymous data).
 */
import { chmodSync, existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { query, renderSql, run, sqlString } from "./db";

export const LAKE_DIR = path.join(__dirname, "lake");
export const LAKE_TABLES = ["fact_sales", "fact_inventory"] as const;

function restrictTree(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) {
      chmodSync(p, 0o700);
      restrictTree(p);
    } else chmodSync(p, 0o600);
  }
}

/** Export every lake table from the database the connection points at into `lakeDir` (must be new or empty). */
export async function exportLake(connection: DuckDBConnection, lakeDir: string): Promise<Record<string, number>> {
  const [{ threads }] = await query<{ threads: string }>(connection, "select current_setting('threads') as threads");
  await run(connection, "set threads = 1");
  const rows: Record<string, number> = {};
  try {
    for (const table of LAKE_TABLES) {
      const target = path.join(lakeDir, table);
      const select = renderSql(path.join(LAKE_DIR, `${table}.sql`));
      await run(connection, `copy (${select}) to ${sqlString(target)} (format parquet, partition_by (year, month), overwrite_or_ignore true)`);
      // A source without stock records (Online Retail) gives an empty fact: no partition, no file.
      const written = existsSync(target) && (readdirSync(target, { recursive: true }) as string[]).some((f) => f.endsWith(".parquet"));
      const [{ n }] = written
        ? await query<{ n: number }>(
            connection,
            `select cast(count(*) as integer) as n from read_parquet(${sqlString(path.join(target, "**", "*.parquet"))}, hive_partitioning = true)`,
          )
        : [{ n: 0 }];
      rows[table] = n;
    }
  } finally {
    await run(connection, `set threads = ${Number(threads)}`);
  }
  restrictTree(lakeDir);
  return rows;
}
