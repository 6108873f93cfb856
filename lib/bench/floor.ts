import * as fs from "node:fs";
import * as path from "node:path";
import { openNative, queryRows, sqlString } from "../engine/native";
import { RAW_HEADER } from "../raw/contract";
import { renderSql } from "../warehouse/db";
import { engineSettings } from "../engine/settings";

/**
 * The benchmark's floor: native DuckDB reads the raw export and writes its sale lines as Parquet
 * with type casts only (floor.sql). Every pipeline stage does at least this much work, so the
 * pipeline's time divided by the floor's says how much the pipeline adds on top of the engine.
 */
export async function writeSaleLinesFloor(input: string, outFile: string): Promise<number> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const { instance, conn } = await openNative({ memoryLimit: engineSettings().memoryLimit, tempDirectory: path.join(path.dirname(outFile), ".spill") });
  try {
    const columns = RAW_HEADER.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ");
    const sql = renderSql(path.join(__dirname, "floor.sql"), { input: sqlString(input), columns });
    await conn.run(`copy (${sql}) to ${sqlString(outFile)} (format parquet, compression zstd)`);
    const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(outFile)})`);
    return n;
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(path.join(path.dirname(outFile), ".spill"), { recursive: true, force: true });
  }
}
