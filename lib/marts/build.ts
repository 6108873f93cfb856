/**
 * Builds `marts.duckdb`, the analysts' database, from `core.duckdb` (attached READ_ONLY):
 * - schema `sales`: the Sales mart (lib/marts/sales/*.sql)
 * - schema `inventory`: the Inventory mart (lib/marts/inventory/*.sql)
 * One table per `.sql` file with its `.doc.json` beside it, loaded through the same DDL and
 * gates as the warehouse. No direct identifier of any person: customers appear through their
 * keyed pseudonym and generalised attributes only, and the PII scan (piiScan.ts) fails the build
 * if any known personal value is found in any column.
 *
 * Atomic like the warehouse: built into `marts.duckdb.next`, published by rename when every
 * gate passed. Steps (valid `failAfter` values): sales, inventory, gates, pii_scan, commit.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import { writeJson } from "../io/atomicDir";
import { openDatabase, removeDatabaseFiles, run, spillDirectoryFor, sqlString, type Database } from "../warehouse/db";
import { cleanInputRows, GateFailure, runPlannedGates, planModelGates, type GatesReport } from "../warehouse/gates";
import { InjectedFailure, materialiseModel } from "../warehouse/build";
import { loadModel, type Model } from "../warehouse/modelDoc";
import { createMacros } from "../warehouse/staging";
import { scanForPii, type PiiScanReport } from "./piiScan";
import { attachEncrypted, coreKeyFor, readCoreKeyInfo } from "../privacy/coreEncryption";
import { openKeyStore, type KeyStore } from "../privacy/keystore";
import { engineSettings } from "../engine/settings";

export const SALES_DIR = path.join(__dirname, "sales");
export const INVENTORY_DIR = path.join(__dirname, "inventory");

/** Build order per mart: dimensions first (facts reference them). */
export const SALES_MODELS = ["dim_date", "dim_product", "dim_channel", "sales_daily", "customer_sales", "customer_monthly"] as const;
export const INVENTORY_MODELS = ["dim_month", "dim_product", "dim_supplier", "dim_warehouse", "dim_carrier", "stock_monthly", "supplier_performance", "carrier_delays", "supplier_category_monthly", "shipment_delays"] as const;

export const MARTS_STEPS = ["sales", "inventory", "gates", "pii_scan", "commit"] as const;

export interface MartsOptions {
  /** The published core.duckdb to read from. */
  corePath: string;
  /** The cleansed inputs, for the PII scan's list of known personal values. */
  cleanDir: string;
  outDir: string;
  failAfter?: string;
  log?: (message: string) => void;
  /** Key store for an encrypted core (default: the project's, never created here). */
  keyStore?: KeyStore;
}

export interface MartsSummary {
  martsPath: string;
  gatesPath: string;
  tables: Record<string, number>;
  gates: { passed: boolean; gateCount: number; failedCount: number };
  piiScan: PiiScanReport;
}

export interface MartsGatesReport extends Omit<GatesReport, "unknownReferences"> {
  piiScan: PiiScanReport;
}

export function loadMartModels(): Model[] {
  return [
    ...SALES_MODELS.map((name) => loadModel(SALES_DIR, name, "sales")),
    ...INVENTORY_MODELS.map((name) => loadModel(INVENTORY_DIR, name, "inventory")),
  ];
}

export async function buildMarts(opts: MartsOptions): Promise<MartsSummary> {
  const log = opts.log ?? (() => {});
  const outDir = path.resolve(opts.outDir);
  const martsPath = path.join(outDir, "marts.duckdb");
  const nextPath = `${martsPath}.next`;
  const gatesPath = path.join(outDir, "marts-gates.json");
  const spillDir = spillDirectoryFor(nextPath);
  if (!existsSync(opts.corePath)) throw new Error(`${opts.corePath} not found: build the warehouse first`);
  if (opts.failAfter !== undefined && !(MARTS_STEPS as readonly string[]).includes(opts.failAfter)) {
    throw new Error(`failAfter: unknown step ${JSON.stringify(opts.failAfter)}; steps are ${MARTS_STEPS.join(", ")}`);
  }
  const step = (name: (typeof MARTS_STEPS)[number]) => {
    log(`marts: ${name} done`);
    if (opts.failAfter === name) throw new InjectedFailure(name);
  };

  let previousUmask: number | undefined;
  try {
    previousUmask = process.umask(0o077);
  } catch {
    previousUmask = undefined;
  }
  if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true, mode: 0o700 });
  removeDatabaseFiles(nextPath);
  const models = loadMartModels();
  let db: Database | undefined;
  try {
    // Bounded memory (issue 6): DuckDB spills beyond the limit, into an owner-only directory that
    // goes with the build. The spill files are not encrypted: they hold columns of the same class
    // as the unencrypted marts.duckdb (pseudonyms, generalised attributes, amounts; no mart reads a
    // personal field), and encrypting them made the build 1.6x slower at 10 M rows.
    const { memoryLimit, threads } = engineSettings("default", cleanInputRows(opts.cleanDir));
    db = await openDatabase(nextPath, { memoryLimit, threads, tempDirectory: spillDir });
    chmodSync(nextPath, 0o600);
    const c = db.connection;
    await createMacros(c);
    // An encrypted core (GDPR Art. 32, lib/privacy/coreEncryption.ts) is read with its key,
    // re-derived from the master key; a plain core (tests) is attached as is.
    const corePath = path.resolve(opts.corePath);
    const coreKey = readCoreKeyInfo(corePath) ? coreKeyFor(corePath, opts.keyStore ?? openKeyStore({ createIfMissing: false, log })) : undefined;
    if (coreKey) await attachEncrypted(c, corePath, "core", coreKey, { readOnly: true, encryptSpills: false });
    else await run(c, `attach ${sqlString(corePath)} as core (read_only)`);
    await run(c, "create schema sales");
    await run(c, "create schema inventory");

    const tables: Record<string, number> = {};
    for (const model of models) {
      tables[`${model.schema}.${model.name}`] = await materialiseModel(c, model);
      log(`marts: ${model.schema}.${model.name} ${tables[`${model.schema}.${model.name}`]} rows`);
      if (model.schema === "sales" && model.name === SALES_MODELS[SALES_MODELS.length - 1]) step("sales");
    }
    step("inventory");

    const gates = (await runPlannedGates(c, models.flatMap((m) => planModelGates(m)))).sort((a, b) => (a.gate < b.gate ? -1 : a.gate > b.gate ? 1 : 0));
    const failedCount = gates.filter((g) => g.status === "fail").length;
    const base = { passed: failedCount === 0, gateCount: gates.length, failedCount, gates };
    if (!base.passed) {
      throw new GateFailure({ ...base, unknownReferences: [] }, "marts");
    }
    step("gates");

    await run(c, "detach core");
    const [{ catalog }] = (await (await c.runAndReadAll("select current_database() as catalog")).getRowObjectsJson()) as { catalog: string }[];
    const piiScan = await scanForPii(c, path.resolve(opts.cleanDir), catalog);
    const piiGate = { gate: "marts.pii_scan", kind: "pii_scan", table: null, column: null, status: piiScan.passed ? "pass" : "fail", failures: piiScan.hits.reduce((a, h) => a + h.rows, 0) } as const;
    const report: MartsGatesReport = { ...base, gates: [...gates, piiGate], gateCount: gates.length + 1, failedCount: failedCount + (piiScan.passed ? 0 : 1), passed: base.passed && piiScan.passed, piiScan };
    if (!piiScan.passed) {
      throw new Error(
        `marts build stopped: the PII scan found known personal values in ${piiScan.hits.map((h) => `${h.table}.${h.column} (${h.kind}, ${h.rows} rows)`).join(", ")}; the previous marts are unchanged`,
      );
    }
    step("pii_scan");

    await run(c, "checkpoint");
    db.close();
    db = undefined;
    rmSync(spillDir, { recursive: true, force: true });
    chmodSync(nextPath, 0o600);
    step("commit");

    rmSync(`${martsPath}.wal`, { force: true });
    renameSync(nextPath, martsPath);
    writeJson(gatesPath, report);
    log(`marts: published ${martsPath}`);
    return { martsPath, gatesPath, tables, gates: { passed: true, gateCount: report.gateCount, failedCount: 0 }, piiScan };
  } catch (err) {
    try {
      db?.close();
    } catch {
      // the original error is the one to report
    }
    removeDatabaseFiles(nextPath);
    throw err;
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
}
