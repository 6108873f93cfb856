/**
 * The Open Data stage, shaped like the stages of pipeline.ts (the lead registers it in STAGES):
 * releases outputs/opendata/releases/<version>/ from the marts and switches current.json when
 * every gate passed.
 */
import * as path from "node:path";
import { releaseOpenData, type ReleaseSummary } from "../opendata/release";
import type { PipelineConfig } from "./config";
import { privacyStageOptions } from "./privacyOptions";

export async function opendataStage(cfg: PipelineConfig): Promise<{ rows: number; summary: string; release: ReleaseSummary }> {
  const release = await releaseOpenData({
    martsPath: path.join(cfg.warehouseDir, "marts.duckdb"),
    corePath: path.join(cfg.warehouseDir, "core.duckdb"),
    cleanDir: path.join(cfg.stagingDir, "clean"),
    outDir: cfg.opendataDir,
    keyStore: privacyStageOptions(cfg).keyStore(),
    reportsDir: cfg.reportsDir,
    sourceAttribution: cfg.profile.attribution,
    revisions: cfg.revisions,
    currency: cfg.profile.currency,
    log: cfg.log,
  });
  const rows = release.datasets.reduce((n, d) => n + d.rows, 0);
  const suppressed = release.datasets.reduce((n, d) => n + d.rows - d.published, 0);
  if (release.kept) return { rows: 0, release, summary: `release ${release.version} kept current: published figures are final (${release.kept.revisions.length} table(s) would be revised)` };
  return {
    rows,
    release,
    summary: `release ${release.version}: ${release.datasets.length} datasets, ${rows} rows, ${suppressed} confidential; ${release.gates.length} gates passed${release.withdrew ? `; ${release.withdrew} withdrawn` : ""}`,
  };
}
