import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import * as fs from "node:fs";
import * as path from "node:path";
import { engineSettings } from "./settings";

export interface NativeOptions {
  /** Database file; ":memory:" for a scratch engine. */
  file?: string;
  /** Where DuckDB spills when a stage outgrows memory_limit (bounded memory on 10M rows); without one, an in-memory engine cannot spill. */
  tempDirectory?: string;
  memoryLimit?: string;
  threads?: number;
}

/**
 * Opens native DuckDB, the warehouse engine. Extension autoloading is turned off: this machine
 * is offline and an autoload attempt would hang or fail late; parquet and json are built in.
 */
export async function openNative(opts: NativeOptions = {}): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const config: Record<string, string> = {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  };
  // Every stage sets memory_limit from lib/engine/settings.ts and spills beyond it (into its own
  // temp_directory: without one, an in-memory engine spills into `.tmp` of the working directory).
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  config.threads = String(opts.threads ?? engineSettings().threads);
  if (opts.tempDirectory) {
    fs.mkdirSync(opts.tempDirectory, { recursive: true });
    config.temp_directory = opts.tempDirectory;
  }
  // jemalloc's background threads give freed memory back to the system as DuckDB goes; without
  // them it stays resident until a later allocation purges it. Measured on the warehouse build at
  // 10 M rows (one run each, same code otherwise): peak resident 2.97 GiB without, 2.50 GiB with,
  // in the same time (294 and 290 s).
  config.allocator_background_threads = "true";
  const instance = await DuckDBInstance.create(opts.file ?? ":memory:", config);
  const conn = await instance.connect();
  return { instance, conn };
}

/** Runs a query and returns its rows as plain JSON-friendly objects (BIGINT -> number when safe). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[k] = typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return out as T;
  });
}

/**
 * Runs `work` with the connection's engine on `threads` threads, then gives it back the number it
 * had, whether `work` succeeded or not. For the writes whose bytes depend on the threads (the
 * lake's Parquet files, the release's): left set, the setting would slow every later query of the
 * connection (at 10 M rows the release's list of known values took twice as long on one thread).
 */
export async function withThreads<T>(conn: DuckDBConnection, threads: number, work: () => Promise<T>): Promise<T> {
  const [{ current }] = await queryRows<{ current: string }>(conn, "select current_setting('threads') as current");
  await conn.run(`set threads = ${threads}`);
  try {
    return await work();
  } finally {
    await conn.run(`set threads = ${Number(current)}`);
  }
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Reads a `.sql` file that sits beside the module that uses it. */
export function readSql(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, name), "utf8");
}

/**
 * Reads a `.sql` file and replaces its `{{name}}` placeholders; an unfilled placeholder is an
 * error. Every stage renders its models through it (lib/warehouse/db.ts re-exports it).
 */
export function renderSql(file: string, vars: Record<string, string> = {}): string {
  const text = fs.readFileSync(file, "utf8");
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => {
    if (!(name in vars)) throw new Error(`${file}: placeholder {{${name}}} has no value`);
    return vars[name];
  });
}
