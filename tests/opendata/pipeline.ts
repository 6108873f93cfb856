/**
 * Builds a small warehouse and its marts from a raw export (generated, or a shared dataset), for
 * the release tests. The generated one and the Online Retail one are built once per run and
 * copied to each test (tests/helpers/sharedFixture.ts): several files use the same.
 */
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openNative } from "../../lib/engine/native";
import { attachMarts } from "../../lib/opendata/model/extract";
import { cleanseStaging } from "../../lib/cleanse/cleanse";
import { buildMarts } from "../../lib/marts/build";
import { releaseOpenData, type ReleaseSummary } from "../../lib/opendata/release";
import { generateRawExport } from "../../lib/raw/generator";
import { loadProfile } from "../../lib/raw/profile";
import { splitExport } from "../../lib/split/split";
import { buildWarehouse } from "../../lib/warehouse/build";
import { fakeProtector, tempDir } from "../warehouse/fixtures";
import { sharedFixture } from "../helpers/sharedFixture";

export interface SmallWarehouse {
  dir: string;
  cleanDir: string;
  corePath: string;
  martsPath: string;
}

export async function warehouseFrom(input: string, profileName: string, dir = tempDir("od-wh-")): Promise<SmallWarehouse> {
  const profile = loadProfile(profileName);
  await splitExport({ input, profile, outDir: path.join(dir, "split") });
  await cleanseStaging({ splitDir: path.join(dir, "split"), outDir: path.join(dir, "clean"), profile });
  const built = await buildWarehouse({ cleanDir: path.join(dir, "clean"), outDir: path.join(dir, "warehouse"), protector: fakeProtector(), lake: false });
  const marts = await buildMarts({ corePath: built.corePath, cleanDir: path.join(dir, "clean"), outDir: path.join(dir, "warehouse") });
  return { dir, cleanDir: path.join(dir, "clean"), corePath: built.corePath, martsPath: marts.martsPath };
}

function buildGenerated(rows: number): (dir: string) => Promise<SmallWarehouse> {
  return async (dir) => {
    const input = path.join(dir, "export.csv");
    await generateRawExport({ outPath: input, rows, seed: 7, years: 1, writeSummary: false });
    return warehouseFrom(input, "default", dir);
  };
}

/** A generated export (`<dir>/export.csv`, seed 7, one year) through split, cleanse, warehouse and marts; a copy of the run's shared one. */
export async function generatedWarehouse(rows = 20000): Promise<SmallWarehouse> {
  return (await sharedFixture(`generated-warehouse-${rows}`, buildGenerated(rows))).value;
}

/** Runs `check` on a connection with the marts of the run's generated 20,000-row warehouse attached. */
export async function onGeneratedMarts(check: (conn: DuckDBConnection) => Promise<void>): Promise<void> {
  const wh = await generatedWarehouse(20000);
  const { instance, conn } = await openNative();
  try {
    await attachMarts(conn, wh.martsPath);
    await check(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export interface GeneratedRelease {
  wh: SmallWarehouse;
  /** The Open Data directory the release is current in. */
  outDir: string;
  release: ReleaseSummary;
}

/** The Open Data release (no reports) of the generated warehouse, built once per run; a copy, warehouse included. */
export async function generatedRelease(rows = 20000): Promise<GeneratedRelease> {
  const { value } = await sharedFixture(`generated-release-${rows}`, async (dir) => {
    const { value: wh } = await sharedFixture(`generated-warehouse-${rows}`, buildGenerated(rows), path.join(dir, "warehouse"));
    const outDir = path.join(dir, "opendata");
    const release = await releaseOpenData({ martsPath: wh.martsPath, corePath: wh.corePath, cleanDir: wh.cleanDir, outDir, reportsDir: null });
    return { wh, outDir, release };
  });
  return value;
}
