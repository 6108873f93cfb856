import { Command } from "commander";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { DEFAULT_EXPORT } from "../raw/defaults";
import { measureOptimisations } from "../warehouse/optimization/measure";
import { writeOptimisationReport } from "../warehouse/optimization/report";
import { runStages } from "../cli/pipeline";
import { benchConfig, benchRoot, cachedExport } from "./config";
import { benchPipeline, gib } from "./run";
import { writeBenchReport } from "./report";
import { codeVersion, machineDescription, readResults, writeResults } from "./results";
import { runNotebooks } from "../cli/notebooks";
import { cappedRows } from "../cli/rowsCap";

/**
 * `npm run bench -- --rows N` (default 10,000,000): the pipeline benchmark (lib/bench/): the floor,
 * then every stage on a generated export of N rows; prints seconds, rows per second and peak
 * memory per stage, writes reports/benchmarks.md, and prints the ratio pipeline / floor last.
 * `--scale 1000000,2000000,...` runs each size in turn (time against N).
 *
 * `npm run bench -- notebooks`: executes every notebook on the default data, as `npm run notebooks`
 * does but without writing them back, and records the time in the same report (target: 5 minutes).
 *
 * `npm run bench -- queries [--rows N]`: every index and the partitioned lake with and without
 * (lib/warehouse/optimization/), written to reports/optimization.md.
 */
const program = new Command().name("bench").description("performance measurements").enablePositionalOptions();

program
  .option("-r, --rows <n>", "rows of the generated export", "10000000")
  .option("--scale <list>", "comma-separated sizes, each benchmarked in turn (e.g. 1000000,2000000,5000000,10000000)")
  .option("-s, --seed <n>", "generator seed", String(DEFAULT_EXPORT.seed))
  .option("--regenerate", "generate the export again even when cached, to time the generator")
  .option("--reports-dir <dir>", "where benchmarks.md, benchmarks.json and the charts go", path.join(projectRoot(), "reports"))
  .option("--work-dir <dir>", "export cache and sandboxes", benchRoot())
  .action(async (o: { rows: string; scale?: string; seed: string; regenerate?: boolean; reportsDir: string; workDir: string }) => {
    const asked = (o.scale ?? o.rows).split(",").map((s) => Number(s.replace(/_/g, "")));
    for (const n of asked) if (!Number.isInteger(n) || n <= 0) throw new Error(`--rows/--scale: ${JSON.stringify(o.scale ?? o.rows)} is not a list of positive row counts`);
    const sizes = [...new Set(asked.map((n) => cappedRows(n)))];
    const resultsFile = path.join(o.reportsDir, "benchmarks.json");
    fs.mkdirSync(o.reportsDir, { recursive: true });
    const results = readResults(resultsFile);
    let last = 0;
    const failed: string[] = [];
    for (const rows of sizes) {
      console.log(`\n${rows.toLocaleString("en-US")} rows`);
      const run = await benchPipeline({ rows, seed: Number(o.seed), root: o.workDir, regenerate: o.regenerate, previous: results.runs[String(rows)] });
      console.log(`${"pipeline".padEnd(10)} ${run.pipelineSeconds.toFixed(1).padStart(8)} s   peak of the whole run ${gib(run.peakRssBytes)} GiB`);
      results.runs[String(rows)] = run;
      writeResults(resultsFile, results);
      last = run.ratio;
      failed.push(...run.stages.filter((st) => st.failed).map((st) => `${st.stage} at ${rows} rows`));
    }
    const report = await writeBenchReport(o.reportsDir, results, resultsFile);
    console.log(`wrote ${path.relative(process.cwd(), report)}`);
    if (failed.length) {
      console.log(`incomplete: ${failed.join(", ")} failed; the ratio below counts their time until the failure`);
      process.exitCode = 1;
    }
    console.log(`pipeline / floor: ${last.toFixed(2)}`);
  });

program
  .command("report")
  .description("rewrite reports/benchmarks.md from the recorded runs (benchmarks.json), without rerunning")
  .option("--reports-dir <dir>", "where benchmarks.md and benchmarks.json are", path.join(projectRoot(), "reports"))
  .action(async (o: { reportsDir: string }) => {
    const resultsFile = path.join(o.reportsDir, "benchmarks.json");
    console.log(`wrote ${path.relative(process.cwd(), await writeBenchReport(o.reportsDir, readResults(resultsFile), resultsFile))}`);
  });

program
  .command("notebooks")
  .description("time the execution of every notebook on the default data (not written back); record it in reports/benchmarks.md")
  .option("--reports-dir <dir>", "where benchmarks.md and benchmarks.json are", path.join(projectRoot(), "reports"))
  .action(async (o: { reportsDir: string }) => {
    const core = path.join(projectRoot(), "outputs", "warehouse", "core.duckdb");
    if (!fs.existsSync(core)) throw new Error(`${path.relative(process.cwd(), core)} not found: the notebooks read the default pipeline's outputs; run \`npm start\` first`);
    const loadAverage = Math.round(os.loadavg()[0] * 100) / 100;
    const startedAt = new Date().toISOString();
    const started = process.hrtime.bigint();
    const runs = runNotebooks([], { write: false });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`${runs.length} notebooks  ${seconds.toFixed(1)} s`);
    const resultsFile = path.join(o.reportsDir, "benchmarks.json");
    const results = readResults(resultsFile);
    results.notebooks = { ...codeVersion(), machine: machineDescription(), loadAverage, startedAt, seconds, notebooks: runs.map((r) => ({ notebook: r.notebook, seconds: r.seconds })) };
    writeResults(resultsFile, results);
    if (Object.keys(results.runs).length) console.log(`wrote ${path.relative(process.cwd(), await writeBenchReport(o.reportsDir, results, resultsFile))}`);
  });

program
  .command("queries")
  .description("measure each index and the partitioned lake, with and without; write reports/optimization.md")
  .option("-r, --rows <n>", "rows of the generated export", "1000000")
  .option("--runs <n>", "timed runs per query and variant", "15")
  .action(async (o: { rows: string; runs: string }) => {
    const rows = cappedRows(Number(o.rows));
    const log = (m: string) => console.log(m);
    const input = await cachedExport(rows, DEFAULT_EXPORT.seed, log);
    const cfg = benchConfig(input, rows, log);
    await runStages(cfg, ["split", "cleanse", "warehouse"]);
    const report = await measureOptimisations({
      corePath: path.join(cfg.warehouseDir, "core.duckdb"),
      lakeDir: path.join(cfg.warehouseDir, "lake"),
      workDir: path.join(path.dirname(cfg.warehouseDir), "measure"),
      runs: Number(o.runs),
    });
    for (const r of report.results) {
      console.log(`${r.optimisation.padEnd(44)} without ${r.without.medianMs.toFixed(2).padStart(9)} ms  with ${r.with.medianMs.toFixed(2).padStart(9)} ms  ${r.speedUp.toFixed(2)}x  ${r.paysOff ? "pays off" : "does not pay off"}`);
    }
    const target = path.join(projectRoot(), "reports", "optimization.md");
    writeOptimisationReport(target, report, { rows, seed: DEFAULT_EXPORT.seed, machine: machineDescription() });
    fs.writeFileSync(path.join(projectRoot(), "outputs", "bench", "optimization.json"), JSON.stringify(report, null, 2) + "\n");
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
