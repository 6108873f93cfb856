import { Command } from "commander";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { loadProfile } from "../raw/profile";
import { generateRawExport } from "../raw/generator";
import { DEFAULT_EXPORT } from "../raw/defaults";
import { measureOptimisations } from "../warehouse/optimization/measure";
import { writeOptimisationReport } from "../warehouse/optimization/report";
import { PipelineConfig, runStages } from "./pipeline";

/**
 * `npm run bench -- queries [--rows N]`: builds a warehouse from a generated export of N rows
 * (cached by size and seed under outputs/bench/), then measures every index and the partitioned
 * lake with and without (lib/warehouse/optimization/) and writes reports/optimization.md.
 */
const program = new Command().name("bench").description("performance measurements");

export function machineDescription(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** A raw export of `rows` rows, generated once and cached by size and seed. */
export async function cachedExport(rows: number, seed: number, log: (m: string) => void): Promise<string> {
  const file = path.join(projectRoot(), "outputs", "bench", "cache", `raw-${rows}-${seed}.csv.gz`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    log(`generating ${rows} rows into ${path.relative(projectRoot(), file)}`);
    await generateRawExport({ outPath: `${file}.tmp.csv.gz`, rows, seed, gzipLevel: 1 });
    fs.renameSync(`${file}.tmp.csv.gz`, file);
  }
  return file;
}

/** A pipeline configuration whose outputs live under outputs/bench/<rows>/, never over the real ones. */
export function benchConfig(input: string, rows: number, log: (m: string) => void): PipelineConfig {
  const dir = path.join(projectRoot(), "outputs", "bench", String(rows));
  // The benchmark's customers get their own throw-away keys, outside the project's key store.
  process.env.WORKBOOK_KEY_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-keys-"));
  return {
    input,
    profile: loadProfile("default"),
    stagingDir: path.join(dir, "staging"),
    warehouseDir: path.join(dir, "warehouse"),
    opendataDir: path.join(dir, "opendata"),
    reportsDir: path.join(dir, "reports"),
    log,
  };
}

program
  .command("queries")
  .description("measure each index and the partitioned lake, with and without; write reports/optimization.md")
  .option("-r, --rows <n>", "rows of the generated export", "1000000")
  .option("--runs <n>", "timed runs per query and variant", "15")
  .action(async (o: { rows: string; runs: string }) => {
    const rows = Number(o.rows);
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
