import * as fs from "node:fs";
import * as path from "node:path";
import { openNative, queryRows, sqlString } from "../engine/native";
import { engineSettings } from "../engine/settings";
import { attachEncrypted, coreKeyFor, newCoreKey, readCoreKeyInfo } from "../privacy/coreEncryption";
import { openKeyStore } from "../privacy/keystore";
import { loadWarehouseModels, materialiseModel } from "../warehouse/build";
import { ALL_KEYS, enforcedKeys, NO_KEYS, type EnforcedKeys } from "../warehouse/keys";
import { foreignKeys, type ColumnTest, type Model } from "../warehouse/modelDoc";

/**
 * What DuckDB enforcing the warehouse's declared keys costs, measured on the warehouse a
 * benchmark run built, so that the decision of lib/warehouse/keys.ts (the facts' keys are gates,
 * not constraints; a dimension keeps its primary key) stays visible on every run:
 * - fact_sales, with its primary key and nine foreign keys (the constraints the build no longer
 *   enforces) and without any constraint;
 * - each dimension, with its primary key (the constraint the build keeps) and without.
 * Each table's rows, in the order the build stored them, are loaded into a scratch database
 * stored as the core is (DuckDB-encrypted under a fresh database key when the core is) by the
 * warehouse's own loader (materialiseModel: with foreign keys, a TEMP table then inserts of
 * ROWS_PER_INSERT rows, as the build loaded fact_sales before the decision), under the
 * warehouse's memory limit; the foreign keys reference tables that hold the key of every member of
 * the core's dimensions. The difference between the two loads is DuckDB enforcing the keys.
 *
 * Both choices were measured (10 M rows, the same rows, one run each): loaded into a plain file,
 * the keyed load took 256 to 276 s, whatever the row order (source line, primary key, as stored),
 * against 148 s into an encrypted file, which is what the build's own fact_sales step (172 s with
 * its query) paid; in a shuffled order it was slower still (stopped unfinished).
 */
export interface LoadCost {
  table: string;
  /** Rows loaded (each way). */
  rows: number;
  /** The constraints of the keyed load: "primary key" or "primary key and N foreign keys". */
  constraints: string;
  /** Whether the build enforces them (lib/warehouse/keys.ts). */
  enforcedByBuild: boolean;
  /** Load with no constraint, seconds (wall), CPU seconds of the process meanwhile. */
  plainSeconds: number;
  plainCpuSeconds: number;
  /** Load with the constraints. */
  keyedSeconds: number;
  keyedCpuSeconds: number;
}

/** fact_sales' figures at the top (as recorded by earlier runs), every table's in `tables`. */
export interface KeyCost {
  /** fact_sales rows loaded (each way). */
  rows: number;
  /** Foreign keys of fact_sales (and one primary key). */
  foreignKeys: number;
  plainSeconds: number;
  plainCpuSeconds: number;
  keyedSeconds: number;
  keyedCpuSeconds: number;
  /** Every table measured: fact_sales first, then each dimension; absent from older runs. */
  tables?: LoadCost[];
}

const FACT = "fact_sales";

/** What enforcing the keys cost in a measurement: seconds, and floors of a run whose floor took `floorSeconds`. */
export function keyEnforcement(cost: Pick<KeyCost, "keyedSeconds" | "plainSeconds">, floorSeconds: number): { seconds: number; floors: number } {
  const seconds = cost.keyedSeconds - cost.plainSeconds;
  return { seconds, floors: seconds / floorSeconds };
}

const sameKeys = (a: EnforcedKeys, b: EnforcedKeys) => a.primaryKey === b.primaryKey && a.foreignKeys === b.foreignKeys;

/** The doc with each relationship pointing at `<dimension>__keys`, the scratch copy of that dimension's keys. */
function referencingKeyTables(doc: Model["doc"]): Model["doc"] {
  const retarget = (test: ColumnTest): ColumnTest => {
    if (typeof test !== "object" || !("relationships" in test)) return test;
    const [table, key] = test.relationships.to.split(".");
    return { relationships: { to: `${table}__keys.${key}` } };
  };
  return { ...doc, columns: doc.columns.map((c) => ({ ...c, tests: c.tests?.map(retarget) })) };
}

export async function measureKeyCost(corePath: string, workDir: string): Promise<KeyCost> {
  const models = loadWarehouseModels();
  const fact = models.find((m) => m.name === FACT);
  if (!fact) throw new Error(`${FACT}: no such warehouse model`);
  if (!fs.existsSync(corePath)) throw new Error(`${corePath} not found: the key cost is measured on a built warehouse`);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const { instance, conn } = await openNative({ memoryLimit: engineSettings("warehouse").memoryLimit, tempDirectory: path.join(workDir, ".spill") });
  try {
    const fks = foreignKeys(fact.doc);
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
    // From the core (with its key, as the marts read it): every table measured, in its stored
    // order, and the key of every member of each dimension fact_sales references, keyed as in the core.
    const measured = [fact, ...models.filter((m) => enforcedKeys(m).primaryKey && m.doc.primaryKey?.length)];
    const rowsFile = (m: Model) => path.join(workDir, `${m.name}.parquet`);
    for (const m of measured) {
      const columns = m.doc.columns.map((c) => `"${c.name}"`).join(", ");
      await conn.run(`copy (select ${columns} from core.main."${m.name}") to ${sqlString(rowsFile(m))} (format parquet, compression zstd)`);
    }
    for (const [table, k] of parents) {
      await conn.run(`create table "${table}__keys" ("${k}" integer primary key)`);
      await conn.run(`insert into "${table}__keys" select "${k}" from core.main."${table}"`);
    }
    await conn.run("detach core; checkpoint");

    const timed = async (m: Model, enforce: EnforcedKeys) => {
      const source = `read_parquet(${sqlString(rowsFile(m))})`;
      const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from ${source}`);
      // A Parquet scan keeps the file's row order (insertion order is preserved by default). The
      // foreign keys point at the key tables loaded above.
      const doc = enforce.foreignKeys ? referencingKeyTables(m.doc) : m.doc;
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const rows = await materialiseModel(conn, { ...m, doc, sql: `select ${m.doc.columns.map((c) => `"${c.name}"`).join(", ")} from ${source}` }, enforce);
      await conn.run("checkpoint");
      const used = process.cpuUsage(cpu);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (rows !== n) throw new Error(`${m.name}: ${rows} rows loaded, ${n} expected`);
      await conn.run(`drop table "${m.name}"; checkpoint`);
      return { rows: n, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
    };
    const tables: LoadCost[] = [];
    for (const m of measured) {
      const isFact = m.name === FACT;
      const keyed = isFact ? ALL_KEYS : { ...NO_KEYS, primaryKey: true };
      const plain = await timed(m, NO_KEYS);
      const withKeys = await timed(m, keyed);
      tables.push({
        table: m.name,
        rows: plain.rows,
        constraints: isFact ? `primary key and ${fks.length} foreign keys` : "primary key",
        enforcedByBuild: sameKeys(keyed, enforcedKeys(m)),
        plainSeconds: plain.seconds,
        plainCpuSeconds: plain.cpuSeconds,
        keyedSeconds: withKeys.seconds,
        keyedCpuSeconds: withKeys.cpuSeconds,
      });
    }
    const f = tables[0];
    return { rows: f.rows, foreignKeys: fks.length, plainSeconds: f.plainSeconds, plainCpuSeconds: f.plainCpuSeconds, keyedSeconds: f.keyedSeconds, keyedCpuSeconds: f.keyedCpuSeconds, tables };
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
