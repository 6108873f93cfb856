import * as path from "node:path";
import { cleanseStaging, CleanManifest } from "../cleanse/cleanse";
import { projectRoot } from "../io/paths";
import { loadProfile, SourceProfile } from "../raw/profile";
import { splitExport, SplitManifest } from "../split/split";
import { writeQualityReport } from "../quality/qualityReport";

/** Where a run reads and writes; every path can be overridden from the command line. */
export interface PipelineConfig {
  input: string;
  profile: SourceProfile;
  stagingDir: string;
  reportsDir: string;
  log: (message: string) => void;
}

export function defaultConfig(overrides: { input?: string; profile?: string; log?: (m: string) => void } = {}): PipelineConfig {
  const root = projectRoot();
  return {
    input: path.resolve(overrides.input ?? path.join(root, "data", "raw", "export.csv.gz")),
    profile: loadProfile(overrides.profile ?? "default"),
    stagingDir: path.join(root, "outputs", "staging"),
    reportsDir: path.join(root, "reports"),
    log: overrides.log ?? ((m) => console.log(m)),
  };
}

export interface StageResult {
  stage: string;
  seconds: number;
  rows: number;
  summary: string;
}

/** The stages in the order data flows; each can run alone once the ones before it have run. */
export const STAGES = {
  split: async (cfg: PipelineConfig): Promise<{ rows: number; summary: string; manifest: SplitManifest }> => {
    const manifest = await splitExport({ input: cfg.input, profile: cfg.profile, outDir: path.join(cfg.stagingDir, "split"), log: cfg.log });
    const r = manifest.records;
    return { rows: r.read, manifest, summary: `${r.read} records: ${r.sale} sale, ${r.stock} stock, ${r.rejected} rejected` };
  },
  cleanse: async (cfg: PipelineConfig): Promise<{ rows: number; summary: string; manifest: CleanManifest }> => {
    const manifest = await cleanseStaging({ splitDir: path.join(cfg.stagingDir, "split"), outDir: path.join(cfg.stagingDir, "clean"), profile: cfg.profile, log: cfg.log });
    writeQualityReport(manifest, path.join(cfg.stagingDir, "clean"), path.join(cfg.reportsDir, "quality.md"));
    const kept = Object.values(manifest.entities).reduce((n, e) => n + e.rowsKept, 0);
    const rejected = Object.values(manifest.entities).reduce((n, e) => n + e.rowsRejected, 0);
    return { rows: kept + rejected, manifest, summary: `${kept} rows kept, ${rejected} rejected (outputs/staging/clean/rejects.csv)` };
  },
} as const;

export type StageName = keyof typeof STAGES;
export const STAGE_ORDER: StageName[] = ["split", "cleanse"];

export async function runStages(cfg: PipelineConfig, stages: StageName[] = STAGE_ORDER): Promise<StageResult[]> {
  const results: StageResult[] = [];
  for (const stage of stages) {
    const started = process.hrtime.bigint();
    cfg.log(`▶ ${stage}`);
    const { rows, summary } = await STAGES[stage](cfg);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    cfg.log(`✔ ${stage}: ${summary} (${seconds.toFixed(1)} s)`);
    results.push({ stage, seconds, rows, summary });
  }
  return results;
}
