/**
 * A throw-away copy of the project's outputs for the rights tests: a small generated raw export,
 * its own key store and its own outputs/ and reports/, so no test touches the real ones.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateRawExport } from "../../lib/raw/generator";
import { loadProfile } from "../../lib/raw/profile";
import { openKeyStore, type KeyStore } from "../../lib/privacy/keystore";
import type { PipelineConfig } from "../../lib/cli/pipeline";
import { rightsContext } from "../../lib/cli/rights";
import type { RightsContext } from "../../lib/rights/index";

export interface Sandbox {
  root: string;
  cfg: PipelineConfig;
  keyStore: KeyStore;
  ctx: RightsContext;
  outputsDir: string;
}

export async function sandbox(rows = 6000, seed = 20240601): Promise<Sandbox> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "rights-"));
  const input = path.join(root, "data", "export.csv.gz");
  await generateRawExport({ outPath: input, rows, seed });
  const keyStore = openKeyStore({ dir: path.join(root, "keys"), log: () => {} });
  const outputsDir = path.join(root, "outputs");
  const cfg: PipelineConfig = {
    input,
    profile: loadProfile("default"),
    stagingDir: path.join(outputsDir, "staging"),
    warehouseDir: path.join(outputsDir, "warehouse"),
    opendataDir: path.join(outputsDir, "opendata"),
    reportsDir: path.join(root, "reports"),
    log: () => {},
    keyStore: () => keyStore,
  };
  let tick = 0;
  const ctx = { ...rightsContext(cfg, "test-dpo", keyStore), now: () => new Date(Date.UTC(2025, 0, 1, 0, 0, tick++)).toISOString() };
  return { root, cfg, keyStore, ctx, outputsDir };
}
