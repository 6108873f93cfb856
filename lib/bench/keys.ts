import * as fs from "node:fs";
import * as path from "node:path";
import { openNative, queryRows, sqlString } from "../engine/native";
import { engineSettings } from "../engine/settings";
import { attachEncrypted, coreKeyFor, newCoreKey, readCoreKeyInfo } from "../privacy/coreEncryption";
import { openKeyStore } from "../privacy/keystore";
import { loadWarehouseModels, materialiseModel } from "../warehouse/build";
import { foreignKeys, type Model } from "../warehouse/modelDoc";

/**
 * What issue 3's enforced keys cost on their own, measured on the warehouse a benchmark run built:
 * its fact_sales rows, in the order the build stored them, are loaded twice into a scratch
 * database stored as the core is (DuckDB-encrypted under a fresh database key when the core is)
 * by the warehouse's own loader (materialiseModel: a TEMP table, then inserts of ROWS_PER_INSERT
 * rows, under the warehouse's memory limit): once into a table with fact_sales' documented primary
 * key and foreign keys, referencing tables that hold the key of every member of the core's
 * dimensions, and once into the same table without any constraint. The difference is the time
 * DuckDB spends enforcing the keys, which no design of the pipeline on this engine avoids while
 * they are enforced.
 *
 * Both choices were measured (10 M rows, the same rows, one run each): loaded into a plain file,
 * the keyed load took 256 to 276 s, whatever the row order (source line, primary key, as stored),
 * against 148 s into an encrypted file, which is what the build's own fact_sales step (172 s with
 * its query) pays; in a shuffled order it was slower still (stopped unfinished).
 */
export interface KeyCost {
  /** fact_sales rows loaded (each way). */
  rows: number;
  /** Foreign keys of fact_sales (and one primary key). */
  foreignKeys: number;
  /** Load with no constraint, seconds (wall), CPU seconds of the process meanwhile. */
  plainSeconds: number;
  plainCpuSeconds: number;
  /** Load into fact_sales' documented DDL (primary and foreign keys enforced). */
  keyedSeconds: number;
  keyedCpuSeconds: number;
}

const FACT = "fact_sales";

/** What enforcing the keys cost in a measurement: seconds, and floors of a run whose floor took `floorSeconds`. */
export function keyEnforcement(cost: KeyCost, floorSeconds: number): { seconds: number; floors: number } {
  const seconds = cost.keyedSeconds - cost.plainSeconds;
  return { seconds, floors: seconds / floorSeconds };
}

export async function measureKeyCost(corePath: string, workDir: string): Promise<KeyCost> {
  const model = loadWarehouseModels().find((m) => m.name === FACT);
  if (!model) throw new Error(`${FACT}: no such warehouse model`);
  if (!fs.existsSync(corePath)) throw new Error(`${corePath} not found: the key cost is measured on a built warehouse`);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const rowsFile = path.join(workDir, `${FACT}.parquet`);
  const { instance, conn } = await openNative({ memoryLimit: engineSettings("warehouse").memoryLimit, tempDirectory: path.join(workDir, ".spill") });
  try {
    const columns = model.doc.columns.map((c) => `"${c.name}"`).join(", ");
    const fks = foreignKeys(model.doc);
    const parents = new Map<string, string>(fks.map((fk) => [fk.table, fk.key]));
    // The scratch database, stored as the core is (its spills encrypted too): the same work per
    // block as the build.
    const scratch = path.join(workDir, "keys.duckdb");
    const keyStore = readCoreKeyInfo(corePath) ? openKeyStore({ createIfMissing: false, log: () => {} }) : undefined;
    if (keyStore) await attachEncrypted(conn, scratch, "scratch", newCoreKey(keyStore));
    else await conn.run(`attach ${sqlString(scratch)} as scratch`);
    await conn.run("use scratch");
    if (keyStore) await attachEncrypted(conn, corePath, "core", coreKeyFor(corePath, keyStore)!, { readOnly: true });
    else await conn.run(`attach ${sqlString(corePath)} as core (read_only)`);
    // From the core (with its key, as the marts read it): the fact in its stored order, and the
    // key of every member of each referenced dimension, keyed as in the core.
    await conn.run(`copy (select ${columns} from core.main."${FACT}") to ${sqlString(rowsFile)} (format parquet, compression zstd)`);
    for (const [table, k] of parents) {
      await conn.run(`create table "${table}" ("${k}" integer primary key)`);
      await conn.run(`insert into "${table}" select "${k}" from core.main."${table}"`);
    }
    await conn.run("detach core; checkpoint");
    const source = `read_parquet(${sqlString(rowsFile)})`;
    const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from ${source}`);

    // A Parquet scan keeps the file's row order (insertion order is preserved by default).
    const rowsModel = (doc: Model["doc"]): Model => ({ ...model, doc, sql: `select ${columns} from ${source}` });
    const timed = async (m: Model, drop: boolean) => {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const rows = await materialiseModel(conn, m);
      await conn.run("checkpoint");
      const used = process.cpuUsage(cpu);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (rows !== n) throw new Error(`${FACT}: ${rows} rows loaded, ${n} expected`);
      if (drop) await conn.run(`drop table "${FACT}"; checkpoint`);
      return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
    };
    // The plain table: the same columns and types, no primary key, no relationship.
    const plain = await timed(rowsModel({ ...model.doc, primaryKey: undefined, columns: model.doc.columns.map(({ tests: _tests, ...c }) => c) }), true);
    const keyed = await timed(rowsModel(model.doc), false);
    return { rows: n, foreignKeys: fks.length, plainSeconds: plain.seconds, plainCpuSeconds: plain.cpuSeconds, keyedSeconds: keyed.seconds, keyedCpuSeconds: keyed.cpuSeconds };
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
