/**
 * The shared Online Retail export of December 2010 (../shared/datasets/online-retail/) through
 * the stages, as three test files use it (cleanse, warehouse, Open Data): split and cleansed once
 * per run, then the warehouse and marts built once on that, each test getting its own copy
 * (tests/helpers/sharedFixture.ts). The callers skip when the dataset is absent.
 */
import * as path from "node:path";
import { cleanseStaging } from "../../lib/cleanse/cleanse";
import { buildMarts } from "../../lib/marts/build";
import { loadProfile } from "../../lib/raw/profile";
import { splitExport } from "../../lib/split/split";
import { buildWarehouse } from "../../lib/warehouse/build";
import { fakeProtector } from "../warehouse/fixtures";
import { sharedDataset } from "./rawCsv";
import { sharedFixture } from "./sharedFixture";

export const december = sharedDataset("online_retail_2010-12.csv");

export interface OnlineRetailClean {
  dir: string;
  split: Awaited<ReturnType<typeof splitExport>>;
  clean: Awaited<ReturnType<typeof cleanseStaging>>;
}

export interface OnlineRetailWarehouse extends OnlineRetailClean {
  cleanDir: string;
  built: Awaited<ReturnType<typeof buildWarehouse>>;
  marts: Awaited<ReturnType<typeof buildMarts>>;
  corePath: string;
  martsPath: string;
}

async function splitAndCleanse(dir: string): Promise<OnlineRetailClean> {
  const profile = loadProfile("online-retail");
  const split = await splitExport({ input: december!, profile, outDir: path.join(dir, "split") });
  const clean = await cleanseStaging({ splitDir: path.join(dir, "split"), outDir: path.join(dir, "clean"), profile });
  return { dir, split, clean };
}

/** `<dir>/split` and `<dir>/clean` of the December export (online-retail profile), with their manifests. */
export async function onlineRetailClean(): Promise<OnlineRetailClean> {
  return (await sharedFixture("online-retail-2010-12-clean", splitAndCleanse)).value;
}

/** The same, plus `<dir>/warehouse` (core with its lake, marts) built with the test protector. */
export async function onlineRetailWarehouse(): Promise<OnlineRetailWarehouse> {
  const { value } = await sharedFixture("online-retail-2010-12-warehouse", async (dir) => {
    const { value: staged } = await sharedFixture("online-retail-2010-12-clean", splitAndCleanse, dir);
    const cleanDir = path.join(dir, "clean");
    const built = await buildWarehouse({ cleanDir, outDir: path.join(dir, "warehouse"), protector: fakeProtector() });
    const marts = await buildMarts({ corePath: built.corePath, cleanDir, outDir: path.join(dir, "warehouse") });
    return { ...staged, dir, cleanDir, built, marts, corePath: built.corePath, martsPath: marts.martsPath };
  });
  return value;
}
