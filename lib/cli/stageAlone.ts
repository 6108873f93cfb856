/**
 * `npm start -- <stage>`: one stage alone, on the outputs of the stage before it.
 *
 * `npm start` ends by purging the staged files that hold raw personal values (GDPR Art. 5(1)(e),
 * lib/privacy/staging.ts). After it, the stages that read those files cannot simply run again:
 * - cleanse and warehouse transform them: they stop with the file that is missing and the fix
 *   (stage the export again with `npm start -- split`, then `cleanse`), instead of DuckDB's error;
 * - marts and opendata read them only for their personal-data gates (the list of known names,
 *   emails, phones, customer numbers... that no mart or release may contain): the export the
 *   current warehouse was built from is staged again in a private temporary directory, read by
 *   the gate, and deleted, as `npm run portal -- --pii-scan` does. Nothing personal is left
 *   behind in outputs/staging.
 * Before any of that, marts and opendata check that the databases they read were built (a fresh
 * clone has none): a missing one stops the stage at once, naming the stage that builds it.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PERSONAL_STAGING_FILES } from "../privacy/staging";
import { InputError } from "../raw/inputError";
import { defaultConfig, privacyDirOf, type PipelineConfig } from "./config";
import { runStages, STAGES, type StageName, type StageResult } from "./pipeline";
import { sourceForRerun } from "./source";

/** The staged personal files a stage reads, relative to the staging directory (rejects.csv is only written). */
const PERSONAL_INPUTS: Partial<Record<StageName, { dir: "split" | "clean"; restage: boolean }>> = {
  cleanse: { dir: "split", restage: false },
  warehouse: { dir: "clean", restage: false },
  marts: { dir: "clean", restage: true },
  opendata: { dir: "clean", restage: true },
};

const PARQUET_FILES = PERSONAL_STAGING_FILES.filter((f) => f.endsWith(".parquet"));

/** The personal files `stage` reads that are absent from `stagingDir` (paths relative to it). */
export function missingPersonalInputs(stagingDir: string, stage: StageName): string[] {
  const inputs = PERSONAL_INPUTS[stage];
  if (!inputs) return [];
  return PARQUET_FILES.map((f) => `${inputs.dir}/${f}`).filter((f) => !existsSync(path.join(stagingDir, f)));
}

/** The databases a stage reads, built by the stages before it (`warehouseDir`-relative), and the stage that builds each. */
const BUILT_INPUTS: Partial<Record<StageName, { file: string; builtBy: StageName }[]>> = {
  marts: [{ file: "core.duckdb", builtBy: "warehouse" }],
  opendata: [
    { file: "core.duckdb", builtBy: "warehouse" },
    { file: "marts.duckdb", builtBy: "marts" },
  ],
};

/**
 * Stops a stage whose input database has not been built (a fresh clone), naming it and the stage
 * that builds it, before anything is staged again (marts and opendata restage the export first).
 */
function requireBuiltInputs(cfg: PipelineConfig, stage: StageName): void {
  const absent = (BUILT_INPUTS[stage] ?? []).find((i) => !existsSync(path.join(cfg.warehouseDir, i.file)));
  if (!absent) return;
  const file = path.relative(process.cwd(), path.join(cfg.warehouseDir, absent.file)) || absent.file;
  throw new InputError(file, `not built yet: \`npm start -- ${stage}\` reads it`, `run \`npm start\` for the whole pipeline, or the stages before ${stage} first (\`npm start -- ${absent.builtBy}\` builds it)`);
}

export async function runStageAlone(cfg: PipelineConfig, stage: StageName): Promise<StageResult[]> {
  requireBuiltInputs(cfg, stage);
  const missing = missingPersonalInputs(cfg.stagingDir, stage);
  if (missing.length === 0) return runStages(cfg, [stage]);
  if (!PERSONAL_INPUTS[stage]!.restage) {
    const file = path.relative(process.cwd(), path.join(cfg.stagingDir, missing[0])) || missing[0];
    const before = stage === "cleanse" ? "`npm start -- split`" : "`npm start -- split` then `npm start -- cleanse`";
    throw new InputError(
      file,
      `absent${missing.length > 1 ? ` (with ${missing.length - 1} other staged file(s) of personal data)` : ""}: \`npm start\` deletes the staged personal data at its end (GDPR Art. 5(1)(e)), or its stage has not run`,
      `run ${before} before \`npm start -- ${stage}\` (and \`npm start -- purge\` when done), or \`npm start\` for the whole pipeline`,
    );
  }
  return withPersonalStaging(cfg, (stagingDir) => runStages({ ...cfg, stagingDir, privacyDir: privacyDirOf(cfg) }, [stage]));
}

/**
 * Runs `work` on a staging directory holding the cleansed personal values of the export the
 * current warehouse was built from (recorded in outputs/warehouse/source.json, and refused when
 * it changed): the export is split and cleansed again, with the rights ledgers applied, into a
 * private temporary directory that is deleted afterwards, whatever happens.
 */
export async function withPersonalStaging<T>(live: PipelineConfig, work: (stagingDir: string) => Promise<T>): Promise<T> {
  const source = sourceForRerun(live.warehouseDir, {});
  const dir = mkdtempSync(path.join(os.tmpdir(), "workbook-restage-"));
  try {
    const cfg: PipelineConfig = {
      ...defaultConfig({ ...source, log: () => {} }),
      stagingDir: path.join(dir, "staging"),
      reportsDir: path.join(dir, "reports"),
      privacyDir: privacyDirOf(live),
      keyStore: live.keyStore,
    };
    live.log("the staged personal values were purged (GDPR Art. 5(1)(e)): staging the warehouse's export again in a temporary directory, deleted after use");
    await STAGES.split(cfg);
    await STAGES.cleanse(cfg);
    return await work(cfg.stagingDir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
