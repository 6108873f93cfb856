import * as path from "node:path";
import type { CleanManifest } from "../cleanse/cleanse";
import { projectRoot } from "../io/paths";
import type { SplitManifest } from "../split/split";
import type { BuildSummary } from "../warehouse/build";
import type { MartsSummary } from "../marts/build";
import type { PipelineConfig } from "./config";
import { privacyStageOptions } from "./privacyOptions";

export { defaultConfig, privacyDirOf, type PipelineConfig } from "./config";

export interface StageResult {
  stage: string;
  seconds: number;
  rows: number;
  summary: string;
  /** For the purge stage: the staging files it deleted. */
  purged?: string[];
}

/**
 * The stages in the order data flows; each can run alone once the ones before it have run.
 * Each stage loads its own modules when it runs (dynamic imports), so that a command that runs
 * one stage, or none (`--help`, `rights deadlines`, `generate`, the portal), does not load the
 * others (DuckDB, arquero, libphonenumber, date-holidays, HiGHS...). Measured, best of three on
 * 2 cores: `--help` 0.30 s against 0.64 s, `rights deadlines` 0.40 against 0.67 s.
 */
export const STAGES = {
  split: async (cfg: PipelineConfig): Promise<{ rows: number; summary: string; manifest: SplitManifest }> => {
    // GDPR Art. 17: erased customers are anonymised at the first read of the raw export.
    const { erasedCustomers } = privacyStageOptions(cfg);
    const { checkProfileAgainstPolicy } = await import("../cleanse/cleanse");
    const { splitExport } = await import("../split/split");
    checkProfileAgainstPolicy(cfg.profile); // a lacked column the policy cannot do without stops here, before anything is written
    const manifest = await splitExport({ input: cfg.input, profile: cfg.profile, outDir: path.join(cfg.stagingDir, "split"), log: cfg.log, erasedCustomers });
    const r = manifest.records;
    return { rows: r.read, manifest, summary: `${r.read} records: ${r.sale} sale, ${r.stock} stock, ${r.rejected} rejected` };
  },
  cleanse: async (cfg: PipelineConfig): Promise<{ rows: number; summary: string; manifest: CleanManifest }> => {
    // GDPR Art. 16: recorded rectifications override the raw values before validation.
    const { rectifications } = privacyStageOptions(cfg);
    const { cleanseStaging } = await import("../cleanse/cleanse");
    const { writeQualityReport } = await import("../quality/qualityReport");
    const manifest = await cleanseStaging({ splitDir: path.join(cfg.stagingDir, "split"), outDir: path.join(cfg.stagingDir, "clean"), profile: cfg.profile, log: cfg.log, rectifications });
    writeQualityReport(manifest, path.join(cfg.stagingDir, "clean"), path.join(cfg.reportsDir, "quality.md"));
    const kept = Object.values(manifest.entities).reduce((n, e) => n + e.rowsKept, 0);
    const rejected = Object.values(manifest.entities).reduce((n, e) => n + e.rowsRejected, 0);
    const collapsed = Object.values(manifest.entities).reduce((n, e) => n + e.rowsCollapsed, 0);
    // Relative to the project when the staging area is inside it; a sandbox elsewhere (a temporary
    // directory of the tests or notebooks) is not named, so that the summary stays the same.
    const rejects = path.relative(projectRoot(), path.join(cfg.stagingDir, "clean", "rejects.csv"));
    // A run's own staging (under outputs/.run/) is not named either: the purge deletes it before the run ends.
    const where = rejects.startsWith("..") || path.isAbsolute(rejects) || rejects.split(path.sep).includes(".run") ? "rejects.csv of the staging area" : rejects;
    return { rows: kept + collapsed + rejected, manifest, summary: `${kept} rows kept, ${collapsed} duplicates collapsed into them, ${rejected} rejected (${where})` };
  },
  warehouse: async (cfg: PipelineConfig): Promise<{ rows: number; summary: string; build: BuildSummary }> => {
    const privacy = privacyStageOptions(cfg);
    const { buildWarehouse } = await import("../warehouse/build");
    const { createPrivacyProtector } = await import("../warehouse/protector");
    const { writeDataDictionary } = await import("../marts/dictionary");
    const { recordWarehouseSource } = await import("./source");
    const build = await buildWarehouse({
      cleanDir: path.join(cfg.stagingDir, "clean"),
      outDir: cfg.warehouseDir,
      // A first run on a fresh machine creates the keys (owner-only) and says so; a missing or
      // corrupt key on a later run stops here with the fix (lib/privacy/keystore.ts). The erasure
      // ledger tells the protector whom it must never mint a data key for again.
      protector: createPrivacyProtector({ keyStore: privacy.keyStore(), privacyDir: privacy.privacyDir }),
      log: cfg.log,
    });
    writeDataDictionary(path.join(cfg.reportsDir, "data-dictionary.md"), cfg.profile.currency);
    // Which export and profile this warehouse holds: the rights commands rebuild from the same.
    recordWarehouseSource(cfg.warehouseDir, path.join(cfg.stagingDir, "clean"));
    const rows = (build.tables.fact_sales ?? 0) + (build.tables.fact_inventory ?? 0);
    return { rows, build, summary: `${build.tables.fact_sales} sales lines, ${build.tables.fact_inventory} stock snapshots; ${build.gates.gateCount} gates passed` };
  },
  marts: async (cfg: PipelineConfig): Promise<{ rows: number; summary: string; marts: MartsSummary }> => {
    const { buildMarts } = await import("../marts/build");
    const marts = await buildMarts({
      corePath: path.join(cfg.warehouseDir, "core.duckdb"),
      cleanDir: path.join(cfg.stagingDir, "clean"),
      outDir: cfg.warehouseDir,
      log: cfg.log,
      keyStore: privacyStageOptions(cfg).keyStore(),
    });
    const rows = Object.values(marts.tables).reduce((n, r) => n + r, 0);
    return { rows, marts, summary: `${Object.keys(marts.tables).length} mart tables; ${marts.gates.gateCount} gates passed; personal-data scan: ${marts.piiScan.hits.length} hits` };
  },
  opendata: async (cfg: PipelineConfig) => (await import("./opendataStage")).opendataStage(cfg),
  /**
   * Storage limitation (GDPR Art. 5(1)(e)): the staged files that hold raw personal values are
   * needed only until the warehouse has loaded them; the manifests and quality profiles stay.
   */
  purge: async (cfg: PipelineConfig): Promise<{ rows: number; summary: string; purged: string[] }> => {
    const { purgeStagingPersonalData } = await import("../privacy/staging");
    const purged = purgeStagingPersonalData(cfg.stagingDir);
    return { rows: purged.length, purged, summary: `${purged.length} staging files holding personal values deleted` };
  },
} as const;

export type StageName = keyof typeof STAGES;
export const STAGE_ORDER: StageName[] = ["split", "cleanse", "warehouse", "marts", "opendata", "purge"];

export async function runStages(cfg: PipelineConfig, stages: StageName[] = STAGE_ORDER): Promise<StageResult[]> {
  const results: StageResult[] = [];
  for (const stage of stages) {
    const started = process.hrtime.bigint();
    cfg.log(`▶ ${stage}`);
    const result: { rows: number; summary: string; purged?: string[] } = await STAGES[stage](cfg);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    cfg.log(`✔ ${stage}: ${result.summary} (${seconds.toFixed(1)} s)`);
    results.push({ stage, seconds, rows: result.rows, summary: result.summary, purged: result.purged });
  }
  return results;
}
