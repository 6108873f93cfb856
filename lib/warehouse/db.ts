/**
 * Thin helpers over the native DuckDB engine (@duckdb/node-api) for the warehouse and marts
 * builds: open a database file, run a script, read rows as JSON-safe objects, read a `.sql`
 * file that sits beside the code and fill its `{{placeholders}}`.
 *
 * Rows come back through `getRowObjectsJson()`: DECIMAL, BIGINT and DATE values arrive as
 * strings (exact, no float rounding), INTEGER/DOUBLE as numbers. Cast in SQL when a number
 * is wanted.
 */
import { rmSync } from "node:fs";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { openNative } from "../engine/native";

export type Row = Record<string, unknown>;

export interface Database {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  close(): void;
}

/** Open (or create) a database file with the project's native engine settings (lib/engine/native.ts). */
export async function openDatabase(path: string, options: { threads?: number; memoryLimit?: string; tempDirectory?: string } = {}): Promise<Database> {
  const { instance, conn: connection } = await openNative({ file: path, ...options });
  return {
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Where a database being built spills beyond its memory limit: beside it, and removed with it. */
export function spillDirectoryFor(file: string): string {
  return `${file}.spill`;
}

/** A database file and what DuckDB keeps beside it: its WAL and its spill directory. */
export function removeDatabaseFiles(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.wal`, { force: true });
  rmSync(spillDirectoryFor(file), { recursive: true, force: true });
}

export async function run(connection: DuckDBConnection, sql: string, params?: Record<string, string | number | boolean | null>): Promise<void> {
  await connection.run(sql, params as never);
}

export async function query<T extends Row = Row>(connection: DuckDBConnection, sql: string, params?: Record<string, string | number | boolean | null>): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJson() as T[];
}

/**
 * Runs `work` under another DuckDB memory limit, then puts `restore` back, whether it succeeded or
 * not. The steps with a limit of their own inside a stage (lib/engine/settings.ts MEMORY_LIMITS:
 * the protect step's encryption, dim_customer) go through it, the stage naming its own limit as
 * `restore` (DuckDB reads the setting back rounded: '1.8 GiB' for 2GB, so it is not read back).
 */
export async function withMemoryLimit<T>(connection: DuckDBConnection, limit: string, restore: string, work: () => Promise<T>): Promise<T> {
  await run(connection, `set memory_limit = '${limit}'`);
  try {
    return await work();
  } finally {
    await run(connection, `set memory_limit = '${restore}'`);
  }
}

/** SQL quoting, `.sql` rendering and `withThreads`, shared with the rest of the engine code (lib/engine/native.ts). */
export { renderSql, sqlIdent, sqlString, withThreads } from "../engine/native";
