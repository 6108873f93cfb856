/**
 * Builds the constellation warehouse `core.duckdb` from the cleansed Parquet files.
 *
 * Atomic: everything is written into `core.duckdb.next` (and `lake.next/`); every gate runs
 * against that file; only when all pass are the live files replaced, by rename. A failure at
 * any step (bad input, a constraint violation, a failed gate, an injected `failAfter`) removes
 * the `.next` files and leaves the previous warehouse untouched and usable.
 *
 * Steps, in order (each a valid `failAfter` value): staging, reference, protect, the models
 * (dim_date ... fact_inventory), views, indexes, gates, lake, commit.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { writeJson } from "../io/atomicDir";
import { collectGarbage } from "../engine/heap";
import { engineSettings, hasOwnMemoryLimit, largestEntityRows } from "../engine/settings";
import { openDatabase, query, removeDatabaseFiles, renderSql, run, spillDirectoryFor, withMemoryLimit, type Database } from "./db";
import { GateFailure, readCleanManifest, runWarehouseGates, type GatesReport, type UnknownReference } from "./gates";
import { createIndexes } from "./indexes";
import { exportLake } from "./lake";
import { enforcedKeys, type EnforcedKeys } from "./keys";
import { createTableDdl, loadModel, type Model } from "./modelDoc";
import { protectCustomers } from "./protect";
import { createHolidays } from "./holidays";
import type { Protector } from "./protector";
import { createMacros, createReference, createStagingViews } from "./staging";
import { assertEncryptedAtRest, kdfPathFor, openEncryptedDatabase, writeCoreKeyInfo } from "../privacy/coreEncryption";

export const MODELS_DIR = path.join(__dirname, "models");
export const VIEWS_DIR = path.join(__dirname, "views");

/** Build order: every table after the tables it references. */
export const WAREHOUSE_MODELS = [
  "dim_date",
  "dim_product",
  "dim_supplier",
  "dim_carrier",
  "dim_warehouse",
  "dim_channel",
  "dim_customer",
  "fact_sales",
  "fact_inventory",
] as const;

export const WAREHOUSE_VIEWS = ["fact_inventory_period_end"] as const;

export const BUILD_STEPS = ["staging", "reference", "protect", ...WAREHOUSE_MODELS, "views", "indexes", "gates", "lake", "commit"] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

export interface BuildOptions {
  cleanDir: string;
  outDir: string;
  protector: Protector;
  /** Test hook: throw right after this step, to prove the previous warehouse survives. */
  failAfter?: string;
  /** Export the facts as a Hive-partitioned Parquet lake (default true). */
  lake?: boolean;
  log?: (message: string) => void;
}

export interface BuildSummary {
  corePath: string;
  gatesPath: string;
  lakeDir: string | null;
  /** Rows per table, in build order. */
  tables: Record<string, number>;
  staged: Record<string, number>;
  gates: { passed: boolean; gateCount: number; failedCount: number };
  unknownReferences: UnknownReference[];
  indexes: string[];
}

export class InjectedFailure extends Error {
  constructor(step: string) {
    super(`injected failure after step "${step}" (failAfter): the live warehouse must be unchanged`);
    this.name = "InjectedFailure";
  }
}

export function loadWarehouseModels(): Model[] {
  return WAREHOUSE_MODELS.map((name) => loadModel(MODELS_DIR, name));
}

const normaliseType = (t: string) => t.replace(/\s+/g, "").toUpperCase();

/**
 * Check that a model produces exactly the documented columns with the documented types. A
 * silent implicit cast on insert (DECIMAL(18,4) into DECIMAL(14,2) rounds) would otherwise go
 * unnoticed; an undocumented column would be missing from the dictionary.
 */
export async function checkModelColumns(connection: DuckDBConnection, model: Model): Promise<void> {
  const described = await query<{ column_name: string; column_type: string }>(connection, `describe (${model.sql})`);
  const actual = new Map(described.map((d) => [d.column_name, d.column_type]));
  const problems: string[] = [];
  for (const c of model.doc.columns) {
    const type = actual.get(c.name);
    if (type === undefined) problems.push(`documented column ${c.name} is not produced`);
    else if (normaliseType(type) !== normaliseType(c.type)) problems.push(`column ${c.name} is ${type}, documented as ${c.type}`);
  }
  for (const name of actual.keys()) if (!model.doc.columns.some((c) => c.name === name)) problems.push(`column ${name} is not documented`);
  if (problems.length) throw new Error(`${model.sqlFile} does not match ${model.docFile}: ${problems.join("; ")}`);
}

/**
 * Rows one INSERT adds to a table whose keys DuckDB enforces. DuckDB builds the key indexes of a
 * transaction's rows in memory and merges them into the table's at commit: fact_sales (a primary
 * key and nine foreign keys) loaded in one statement held 2 GB of index at 10 M sale lines, out
 * of memory under a 2 GB limit. Each slice is its own transaction, so only its own rows' index
 * is pending at a time. Measured at 10 M sale lines: slices of 2 M rows took the build to 3.14 GiB
 * resident during fact_sales, slices of 1 M to 2.61 GiB, the build's time the same (288 and 291 s).
 * Only foreign keys need slices (a dimension's primary key alone is one small index): a table
 * without them is loaded by one INSERT.
 */
export const ROWS_PER_INSERT = 1_000_000;

/**
 * CREATE TABLE from the doc with the constraints `enforce` names (by default the build's decision,
 * lib/warehouse/keys.ts: a dimension's primary key, no foreign key), then the model's rows by one
 * INSERT. With foreign keys (lib/bench/keys.ts measures what they would cost), the rows are
 * computed once into a TEMP table, then INSERTed in slices of ROWS_PER_INSERT, in the order the
 * model produced them. An enforced key stops the load at the row that breaks it; every declared
 * key, enforced or not, is also checked by the build's gates (lib/warehouse/gates.ts).
 */
export async function materialiseModel(connection: DuckDBConnection, model: Model, enforce: EnforcedKeys = enforcedKeys(model)): Promise<number> {
  await checkModelColumns(connection, model);
  await run(connection, createTableDdl(model, enforce));
  const target = model.schema === "main" ? `"${model.name}"` : `"${model.schema}"."${model.name}"`;
  const rows = `"${model.schema}__${model.name}__rows"`;
  try {
    if (!enforce.foreignKeys) {
      const inserted = await connection.run(`insert into ${target} by name (\n${model.sql}\n)`);
      return inserted.rowsChanged;
    }
    await run(connection, `create or replace temp table ${rows} as (\n${model.sql}\n)`);
    const [{ n }] = await query<{ n: number }>(connection, `select cast(count(*) as integer) as n from ${rows}`);
    for (let first = 0; first < n; first += ROWS_PER_INSERT) {
      await run(connection, `insert into ${target} by name (select * from ${rows} where rowid >= ${first} and rowid < ${first + ROWS_PER_INSERT} order by rowid)`);
    }
    // Every slice went in (a failed insert throws): the table holds the model's n rows.
    return n;
  } catch (err) {
    throw new Error(`${model.sqlFile}: loading ${model.name} failed: ${(err as Error).message}`);
  } finally {
    await run(connection, `drop table if exists ${rows}`);
  }
}

/** The core being built: its database files (db.ts) and its key-derivation record. */
function removeCoreFiles(file: string): void {
  removeDatabaseFiles(file);
  rmSync(kdfPathFor(file), { force: true });
}

/** Owner-only files: process umask for everything DuckDB creates, plus an explicit chmod. */
function withOwnerOnlyUmask<T>(fn: () => Promise<T>): Promise<T> {
  let previous: number | undefined;
  try {
    previous = process.umask(0o077);
  } catch {
    previous = undefined; // worker threads cannot change the umask; chmod below still applies
  }
  return fn().finally(() => {
    if (previous !== undefined) process.umask(previous);
  });
}

export async function buildWarehouse(opts: BuildOptions): Promise<BuildSummary> {
  const log = opts.log ?? (() => {});
  const outDir = path.resolve(opts.outDir);
  const corePath = path.join(outDir, "core.duckdb");
  const nextPath = `${corePath}.next`;
  const gatesPath = path.join(outDir, "gates.json");
  const lakeDir = path.join(outDir, "lake");
  const lakeNext = `${lakeDir}.next`;
  // DuckDB's spill files (encrypted with the database), owner-only beside the build, gone after it.
  const spillDir = spillDirectoryFor(nextPath);
  const wantLake = opts.lake ?? true;
  if (opts.failAfter !== undefined && !(BUILD_STEPS as readonly string[]).includes(opts.failAfter)) {
    throw new Error(`failAfter: unknown step ${JSON.stringify(opts.failAfter)}; steps are ${BUILD_STEPS.join(", ")}`);
  }
  const step = (name: BuildStep) => {
    log(`warehouse: ${name} done`);
    if (opts.failAfter === name) throw new InjectedFailure(name);
  };

  return withOwnerOnlyUmask(async () => {
    if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true, mode: 0o700 });
    removeCoreFiles(nextPath);
    rmSync(lakeNext, { recursive: true, force: true });

    const models = loadWarehouseModels();
    const manifest = readCleanManifest(opts.cleanDir);
    let db: Database | undefined;
    try {
      // GDPR Art. 32(1)(a): core.duckdb encrypted as a whole (DuckDB database encryption, key
      // derived from the master key, never stored) on top of the field-level encryption.
      const databaseKey = opts.protector.databaseKey?.();
      const { memoryLimit, threads } = engineSettings("warehouse", largestEntityRows(manifest.entities));
      if (databaseKey) {
        db = await openEncryptedDatabase(nextPath, databaseKey, { memoryLimit, threads, tempDirectory: spillDir });
        writeCoreKeyInfo(nextPath, databaseKey.info);
      } else {
        db = await openDatabase(nextPath, { memoryLimit, threads, tempDirectory: spillDir });
      }
      chmodSync(nextPath, 0o600);
      const c = db.connection;

      await createMacros(c);
      const staged = await createStagingViews(c, path.resolve(opts.cleanDir));
      step("staging");
      await createReference(c);
      // The business's country travels from the source profile through the staging manifests.
      await createHolidays(c, (manifest as { source?: { country?: string } }).source?.country ?? "FR");
      step("reference");
      const protection = await protectCustomers(c, opts.protector, memoryLimit);
      log(`warehouse: ${protection.customers} customers pseudonymised, ${protection.encryptedRecords} personal records encrypted`);
      // What the encryptions left in the JavaScript heap goes now, not after the models (heap.ts).
      collectGarbage();
      step("protect");

      const tables: Record<string, number> = {};
      for (const model of models) {
        // A model with its own entry in MEMORY_LIMITS (dim_customer) runs under it, then the build's comes back.
        tables[model.name] = hasOwnMemoryLimit(model.name)
          ? await withMemoryLimit(c, engineSettings(model.name).memoryLimit, memoryLimit, () => materialiseModel(c, model))
          : await materialiseModel(c, model);
        // The personal values in clear and their ciphertexts serve dim_customer only: gone once it
        // is built (no plaintext lingers in the engine), which also leaves fact_sales their memory.
        if (model.name === "dim_customer") await run(c, "drop table if exists customer_row_ciphertexts; drop table if exists customer_rows");
        log(`warehouse: ${model.name} ${tables[model.name]} rows`);
        step(model.name as BuildStep);
      }

      for (const view of WAREHOUSE_VIEWS) {
        await run(c, `create view ${view} as ${renderSql(path.join(VIEWS_DIR, `${view}.sql`))}`);
      }
      step("views");

      const indexes = await createIndexes(c);
      step("indexes");

      const report: GatesReport = await runWarehouseGates(c, models, manifest);
      if (!report.passed) {
        writeJson(path.join(outDir, "gates.failed.json"), report);
        throw new GateFailure(report);
      }
      step("gates");

      let lakeRows: Record<string, number> | null = null;
      if (wantLake) {
        mkdirSync(lakeNext, { recursive: true, mode: 0o700 });
        lakeRows = await exportLake(c, lakeNext);
        log(`warehouse: lake ${JSON.stringify(lakeRows)}`);
      }
      step("lake");

      // New data keys must be on disk before any ciphertext made with them is published.
      opts.protector.commit?.();
      await run(c, "checkpoint");
      db.close();
      db = undefined;
      rmSync(spillDir, { recursive: true, force: true });
      chmodSync(nextPath, 0o600);
      // No silent fallback to a plain file: it must refuse to open without the key.
      if (databaseKey) await assertEncryptedAtRest(nextPath);
      step("commit");

      // The swap. A stale WAL of the old file must not be replayed onto the new one.
      rmSync(`${corePath}.wal`, { force: true });
      renameSync(nextPath, corePath);
      if (databaseKey) renameSync(kdfPathFor(nextPath), kdfPathFor(corePath));
      else rmSync(kdfPathFor(corePath), { force: true });
      if (wantLake) {
        const lakePrev = `${lakeDir}.prev`;
        rmSync(lakePrev, { recursive: true, force: true });
        if (existsSync(lakeDir)) renameSync(lakeDir, lakePrev);
        renameSync(lakeNext, lakeDir);
        rmSync(lakePrev, { recursive: true, force: true });
      }
      writeJson(gatesPath, report);
      rmSync(path.join(outDir, "gates.failed.json"), { force: true });
      log(`warehouse: published ${corePath} (${report.gateCount} gates passed)`);

      return {
        corePath,
        gatesPath,
        lakeDir: wantLake ? lakeDir : null,
        tables,
        staged,
        gates: { passed: report.passed, gateCount: report.gateCount, failedCount: report.failedCount },
        unknownReferences: report.unknownReferences,
        indexes,
      };
    } catch (err) {
      try {
        db?.close();
      } catch {
        // already failing: the original error is the one to report
      }
      removeCoreFiles(nextPath);
      rmSync(lakeNext, { recursive: true, force: true });
      throw err;
    }
  });
}
