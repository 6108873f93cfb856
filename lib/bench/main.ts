import { Command } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { DEFAULT_EXPORT, GENERATOR_MIN_ROWS } from "../raw/defaults";
import { benchConfig, benchRoot, cachedExport } from "./config";
import { benchQueries } from "./queries";
import { benchPipeline, gib } from "./run";
import { writeBenchReport } from "./report";
import { readResults, timedRun, writeResults } from "./results";
import { benchPiiScan, currentRelease, scaledKnownValues } from "./piiScan";
import { runNotebooks } from "../cli/notebooks";
import { cappedRows } from "../cli/rowsCap";
import { wholeNumber } from "../cli/wholeNumber";
import { InputError } from "../raw/inputError";
import { runStages } from "../cli/pipeline";
import { readWarehouseKnownValues } from "../portal/piiScan";
import { timeStart, timeTests } from "./defaults";

/**
 * `npm run bench -- --rows N` (default 10,000,000): the pipeline benchmark (lib/bench/): the floor,
 * then every stage on a generated export of N rows; prints seconds, rows per second and peak
 * memory per stage, writes reports/benchmarks.md, and prints the ratio pipeline / floor last.
 * `--scale 1000000,2000000,...` runs each size in turn (time against N).
 *
 * `npm run bench -- notebooks`: executes every notebook on the default data, as `npm run notebooks`
 * does but without writing them back, and records the time in the same report (target: 5 minutes).
 *
 * `npm run bench -- defaults`: times the README's two commands on the default data as a user types
 * them, `npm start` (target 30 s) and `npm test` (target 4 minutes), and records them in the report.
 *
 * `npm run bench -- pii-scan [--rows N]`: the release gate's personal-data scan, seconds per MiB
 * and the memory of its automata, with the known values of a warehouse of N rows (lib/bench/piiScan.ts).
 *
 * `npm run bench -- queries [--rows N]`: every index, the partitioned lake and fact_sales' date
 * order with and without, and what the declared keys would cost enforced (lib/bench/queries.ts),
 * written to reports/optimization.md and optimization.json.
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
    const option = o.scale !== undefined ? "--scale" : "--rows";
    const asked = (o.scale ?? o.rows).split(",").map((s) => wholeNumber(option, s, { min: GENERATOR_MIN_ROWS, example: o.scale !== undefined ? "1000000,2000000" : "1000000" }));
    const seed = wholeNumber("--seed", o.seed);
    const sizes = [...new Set(asked.map((n) => cappedRows(n)))];
    const resultsFile = path.join(o.reportsDir, "benchmarks.json");
    fs.mkdirSync(o.reportsDir, { recursive: true });
    const results = readResults(resultsFile);
    let last = 0;
    const failed: string[] = [];
    for (const rows of sizes) {
      console.log(`\n${rows.toLocaleString("en-US")} rows`);
      const run = await benchPipeline({ rows, seed, root: o.workDir, regenerate: o.regenerate, previous: results.runs[String(rows)] });
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
    if (!fs.existsSync(core)) throw new InputError(path.relative(process.cwd(), core), "not found: the notebooks read the default pipeline's outputs", "run `npm start` first");
    const { run, result: runs } = await timedRun(() => runNotebooks([], { write: false }));
    console.log(`${runs.length} notebooks  ${run.seconds.toFixed(1)} s`);
    const resultsFile = path.join(o.reportsDir, "benchmarks.json");
    const results = readResults(resultsFile);
    results.notebooks = { ...run, notebooks: runs.map((r) => ({ notebook: r.notebook, seconds: r.seconds })) };
    writeResults(resultsFile, results);
    if (Object.keys(results.runs).length) console.log(`wrote ${path.relative(process.cwd(), await writeBenchReport(o.reportsDir, results, resultsFile))}`);
  });

program
  .command("defaults")
  .description("time `npm start` and `npm test` on the default data, as the README shows them; record them in reports/benchmarks.md")
  .option("--only <which>", "start or tests (default: both, start first)")
  .option("--reports-dir <dir>", "where benchmarks.md and benchmarks.json are", path.join(projectRoot(), "reports"))
  .action(async (o: { only?: string; reportsDir: string }) => {
    if (o.only !== undefined && o.only !== "start" && o.only !== "tests") throw new InputError("--only", `expected start or tests, got ${JSON.stringify(o.only)}`, "pass --only start or --only tests, or leave it out for both");
    const log = (m: string) => console.log(m);
    const resultsFile = path.join(o.reportsDir, "benchmarks.json");
    const measured = [];
    if (o.only !== "tests") {
      const start = await timeStart(log);
      console.log(`npm start  ${start.seconds.toFixed(1)} s, exit ${start.exitCode}${start.parts.length ? ` (${start.parts.map((p) => `${p.name} ${p.seconds.toFixed(1)}`).join(", ")})` : ""}`);
      measured.push(start);
    }
    if (o.only !== "start") {
      const tests = await timeTests(log);
      console.log(`npm test   ${tests.seconds.toFixed(1)} s, exit ${tests.exitCode}: ${tests.tests!.passed} passed, ${tests.tests!.failed} failed, ${tests.tests!.skipped} skipped in ${tests.tests!.files} files`);
      measured.push(tests);
    }
    // Read the results after the commands ran: a long `npm test` must not overwrite a run recorded meanwhile.
    const results = readResults(resultsFile);
    results.defaults = { ...results.defaults };
    for (const m of measured) results.defaults[m.command === "npm start" ? "start" : "tests"] = m;
    writeResults(resultsFile, results);
    if (Object.keys(results.runs).length) console.log(`wrote ${path.relative(process.cwd(), await writeBenchReport(o.reportsDir, results, resultsFile))}`);
    if (measured.some((m) => m.exitCode !== 0)) process.exitCode = 1;
  });

program
  .command("queries")
  .description("measure each index and the partitioned lake, with and without; write reports/optimization.md")
  .option("-r, --rows <n>", "rows of the generated export", "1000000")
  .option("--runs <n>", "timed runs per query and variant", "15")
  .option("--reports-dir <dir>", "where optimization.md and optimization.json go (benchmarks.json is read there)", path.join(projectRoot(), "reports"))
  .action(async (o: { rows: string; runs: string; reportsDir: string }) => {
    const { file } = await benchQueries({ rows: cappedRows(wholeNumber("--rows", o.rows, { min: GENERATOR_MIN_ROWS, example: "1000000" })), runs: wholeNumber("--runs", o.runs, { min: 1, example: "15" }), reportsDir: o.reportsDir });
    console.log(`wrote ${path.relative(process.cwd(), file)} and optimization.json`);
  });

program
  .command("pii-scan")
  .description("time the release gate's personal-data scan per MiB and weigh its automata, with the known values of a warehouse of N rows")
  .option("-r, --rows <n>", "rows of the generated export whose warehouse gives the known values", "1000000")
  .option("--sandbox <dir>", "a bench sandbox whose staging and warehouse are already built (its keys in WORKBOOK_KEY_DIR)")
  .option("--known-times <k>", "scan for k times the warehouse's known values, made distinct as a k times larger export's (e.g. 10 from 1 M rows for 10 M)", "1")
  .action(async (o: { rows: string; sandbox?: string; knownTimes: string }) => {
    const rows = cappedRows(wholeNumber("--rows", o.rows, { min: GENERATOR_MIN_ROWS, example: "1000000" }));
    const knownTimes = wholeNumber("--known-times", o.knownTimes, { min: 1, example: "10" });
    const log = (m: string) => console.log(m);
    const sandbox = o.sandbox ?? path.join(benchRoot(), String(rows));
    const cleanDir = path.join(sandbox, "staging", "clean");
    const corePath = path.join(sandbox, "warehouse", "core.duckdb");
    if (!o.sandbox) await runStages(benchConfig(await cachedExport(rows, DEFAULT_EXPORT.seed, log), rows, log, sandbox), ["split", "cleanse", "warehouse"]);
    const known = scaledKnownValues(await readWarehouseKnownValues(corePath, cleanDir), knownTimes);
    benchPiiScan(known, currentRelease(path.join(projectRoot(), "outputs", "opendata")), log);
  });

program.parseAsync().catch((err: unknown) => {
  // A bad option or a missing input: one line with the fix, as `npm start` prints it.
  if (err instanceof InputError) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
