/**
 * `npm run bench -- queries [--rows N]`: builds a warehouse from a generated export of N rows, then
 * measures on it every index, the partitioned lake and the date order of fact_sales with and
 * without (lib/warehouse/optimization/), and what the declared keys would cost if DuckDB enforced
 * them (keys.ts), and writes reports/optimization.md and optimization.json. The key costs of the
 * recorded pipeline benchmarks (reports/benchmarks.json) go into the same report.
 */
import * as path from "node:path";
import { runStages } from "../cli/pipeline";
import { DEFAULT_EXPORT } from "../raw/defaults";
import { measureOptimisations, type OptimisationReport } from "../warehouse/optimization/measure";
import { writeOptimisationReport, type OptimisationContext, type RecordedKeyCost } from "../warehouse/optimization/report";
import { benchConfig, cachedExport } from "./config";
import { measureKeyCost } from "./keys";
import { machineDescription, readResults } from "./results";

export interface QueriesBenchOptions {
  rows: number;
  runs: number;
  /** Where optimization.md and optimization.json go, and where benchmarks.json is read. */
  reportsDir: string;
  log?: (m: string) => void;
}

/** The key costs the pipeline benchmark recorded, smallest size first. */
export function recordedKeyCosts(benchmarksJson: string): RecordedKeyCost[] {
  return Object.values(readResults(benchmarksJson).runs)
    .filter((r) => r.keys)
    .sort((a, b) => a.rows - b.rows)
    .map((r) => ({ rows: r.rows, floorSeconds: r.floor.seconds, factSalesRows: r.keys!.rows, plainSeconds: r.keys!.plainSeconds, keyedSeconds: r.keys!.keyedSeconds }));
}

export async function benchQueries(opts: QueriesBenchOptions): Promise<{ report: OptimisationReport; file: string }> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const input = await cachedExport(opts.rows, DEFAULT_EXPORT.seed, log);
  const cfg = benchConfig(input, opts.rows, log);
  await runStages(cfg, ["split", "cleanse", "warehouse"]);
  const corePath = path.join(cfg.warehouseDir, "core.duckdb");
  const report = await measureOptimisations({ corePath, lakeDir: path.join(cfg.warehouseDir, "lake"), workDir: path.join(path.dirname(cfg.warehouseDir), "measure"), runs: opts.runs });
  for (const r of report.results) {
    log(`${r.optimisation.padEnd(44)} without ${r.without.medianMs.toFixed(2).padStart(9)} ms  with ${r.with.medianMs.toFixed(2).padStart(9)} ms  ${r.speedUp.toFixed(2)}x  ${r.verdict}: ${r.decision}`);
  }
  // The key measurement is part of the report, not a condition of it: a failure is written down.
  let keys: OptimisationContext["keys"];
  try {
    const cost = await measureKeyCost(corePath, path.join(path.dirname(cfg.warehouseDir), "keys"));
    keys = { tables: cost.tables ?? [] };
    for (const t of cost.tables ?? []) log(`keys ${t.table.padEnd(14)} ${t.constraints.padEnd(32)} without ${t.plainSeconds.toFixed(2)} s  with ${t.keyedSeconds.toFixed(2)} s`);
  } catch (err) {
    keys = { failure: (err as Error).message };
    log(`keys: the measurement failed, recorded in the report: ${keys.failure}`);
  }
  const context: OptimisationContext = {
    rows: opts.rows,
    seed: DEFAULT_EXPORT.seed,
    machine: machineDescription(),
    keys,
    recordedKeys: recordedKeyCosts(path.join(opts.reportsDir, "benchmarks.json")),
  };
  const file = path.join(opts.reportsDir, "optimization.md");
  writeOptimisationReport(file, report, context);
  return { report, file };
}
