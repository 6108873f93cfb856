import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { STAGE_ORDER } from "../cli/pipeline";
import type { ChildJob, ChildResult } from "./child";
import { benchRoot, cachedExportPath } from "./config";
import { keyEnforcement } from "./keys";
import { codeVersion, machineDescription, type BenchRun, type StepMeasure } from "./results";

export interface PipelineBenchOptions {
  rows: number;
  seed: number;
  /** Inputs cache and sandboxes (default outputs/bench). */
  root?: string;
  /** Generate the export again even when cached, to time the generator. */
  regenerate?: boolean;
  /** The previous run at this size, whose generator timing stays when the export was cached. */
  previous?: BenchRun;
  log?: (m: string) => void;
}

/**
 * Runs the pipeline benchmark at one size: the export (generated once and cached), the floor,
 * then every stage of `npm start` in order, each in its own process (see child.ts), on a fresh
 * sandbox with throw-away keys. Child output goes to `<sandbox>/bench.log`.
 */
export async function benchPipeline(opts: PipelineBenchOptions): Promise<BenchRun> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const root = opts.root ?? benchRoot();
  const sandbox = path.join(root, String(opts.rows));
  fs.rmSync(sandbox, { recursive: true, force: true });
  fs.mkdirSync(sandbox, { recursive: true });
  const logFile = path.join(sandbox, "bench.log");
  const loadAverage = os.loadavg()[0];
  const startedAt = new Date().toISOString();
  // Throw-away keys for this run's customers, fresh for every size, outside the project's key store.
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-keys-"));
  const env = { ...process.env, WORKBOOK_KEY_DIR: keyDir, WORKBOOK_PROGRESS: "0" };
  try {
    return await measure(opts, { root, sandbox, logFile, loadAverage, startedAt, env, log });
  } finally {
    fs.rmSync(keyDir, { recursive: true, force: true });
  }
}

async function measure(
  opts: PipelineBenchOptions,
  ctx: { root: string; sandbox: string; logFile: string; loadAverage: number; startedAt: string; env: NodeJS.ProcessEnv; log: (m: string) => void },
): Promise<BenchRun> {
  const { root, sandbox, logFile, loadAverage, startedAt, env, log } = ctx;
  const runChild = (job: ChildJob, file: string) => runChildProcess(job, file, env);

  const input = cachedExportPath(opts.rows, opts.seed, root);
  let generator: BenchRun["generator"] = opts.previous?.seed === opts.seed ? opts.previous.generator : undefined;
  if (opts.regenerate || !fs.existsSync(input)) {
    fs.mkdirSync(path.dirname(input), { recursive: true });
    const tmp = `${input}.tmp.csv.gz`;
    const g = await runChild({ kind: "generate", out: tmp, rows: opts.rows, seed: opts.seed, resultFile: "" }, logFile);
    fs.renameSync(tmp, input);
    generator = { ...g, gzipLevel: 1 };
    log(line("generator", g, opts.rows));
  }

  const floor = await runChild({ kind: "floor", input, out: path.join(sandbox, "floor", "sale_lines.parquet"), resultFile: "" }, logFile);
  log(line("floor", floor, opts.rows));
  const stages: BenchRun["stages"] = [];
  for (const stage of STAGE_ORDER) {
    const started = process.hrtime.bigint();
    try {
      const m = await runChild({ kind: "stage", stage, input, rows: opts.rows, sandbox, resultFile: "" }, logFile);
      stages.push({ stage, ...m });
      log(line(stage, m, opts.rows));
    } catch (err) {
      // A failed stage is a result too: it is recorded with the time it ran until it failed, the
      // later stages still run (the warehouse is there), and the run is reported as incomplete.
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const error = (err as Error).message;
      stages.push({ stage, seconds, rows: 0, peakRssBytes: 0, summary: `FAILED: ${error}`, failed: true });
      log(`${stage.padEnd(10)} ${seconds.toFixed(1).padStart(8)} s   FAILED (see ${logFile}): ${error}`);
    }
  }
  const pipelineSeconds = stages.reduce((s, m) => s + m.seconds, 0);
  // Not part of the pipeline: what fact_sales' enforced keys cost on their own (keys.ts), on the
  // warehouse the run built, once the pipeline is done (it does not slow a stage down).
  let keyMeasure: KeyMeasure = {};
  if (stages.some((s) => s.stage === "warehouse" && !s.failed)) {
    const corePath = path.join(sandbox, "warehouse", "core.duckdb");
    keyMeasure = await measureKeysSafely(() => runChild({ kind: "keys", corePath, workDir: path.join(sandbox, "keys"), resultFile: "" }, logFile));
    if (keyMeasure.keys) {
      const k = keyMeasure.keys;
      const enforcement = keyEnforcement(k, floor.seconds);
      log(`keys       ${k.plainSeconds.toFixed(1).padStart(8)} s without, ${k.keyedSeconds.toFixed(1)} s with fact_sales' keys (${k.rows.toLocaleString("en-US")} rows): ${enforcement.seconds.toFixed(1)} s, ${enforcement.floors.toFixed(2)} floors`);
    } else log(`keys       FAILED (see ${logFile}), recorded, the run goes on: ${keyMeasure.keysFailure}`);
  }
  const peakRssBytes = Math.max(...stages.map((s) => s.peakRssBytes), floor.peakRssBytes) + process.resourceUsage().maxRSS * 1024;
  return {
    rows: opts.rows,
    seed: opts.seed,
    ...codeVersion(),
    machine: machineDescription(),
    loadAverage: Math.round(loadAverage * 100) / 100,
    startedAt,
    ...(generator ? { generator } : {}),
    floor,
    stages,
    ...keyMeasure,
    pipelineSeconds,
    ratio: pipelineSeconds / floor.seconds,
    peakRssBytes,
  };
}

export type KeyMeasure = Pick<BenchRun, "keys" | "keysFailure">;

/**
 * The keys job (keys.ts), after the pipeline. It measures a decision, it is not part of the
 * pipeline: when it fails (out of memory, a crash, no result), the failure is recorded with its
 * message and the run, its stages and its report stand.
 */
export async function measureKeysSafely(job: () => Promise<ChildResult>): Promise<KeyMeasure> {
  try {
    const { keyCost, ...m } = await job();
    if (!keyCost) return { keysFailure: "the keys job returned no measurement" };
    return { keys: { ...m, ...keyCost } };
  } catch (err) {
    return { keysFailure: (err as Error).message };
  }
}

/** `split      12.3 s     81,300 rows/s   peak 1.20 GiB` */
export function line(name: string, m: { seconds: number; peakRssBytes: number; cpuSeconds?: number }, rows: number): string {
  const cpu = m.cpuSeconds === undefined ? "" : `   cpu ${m.cpuSeconds.toFixed(1)} s`;
  return `${name.padEnd(10)} ${m.seconds.toFixed(1).padStart(8)} s ${Math.round(rows / m.seconds).toLocaleString("en-US").padStart(12)} rows/s   peak ${gib(m.peakRssBytes)} GiB${cpu}`;
}

export function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(2);
}

/** Runs one step in a fresh Node process (tsx loader) and reads back its measurement. */
async function runChildProcess(job: ChildJob, logFile: string, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-job-"));
  const jobFile = path.join(dir, "job.json");
  const resultFile = path.join(dir, "result.json");
  fs.writeFileSync(jobFile, JSON.stringify({ ...job, resultFile }));
  const startOffset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const out = fs.openSync(logFile, "a");
  try {
    fs.writeSync(out, `\n=== ${job.kind}${job.kind === "stage" ? ` ${job.stage}` : ""} ===\n`);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "child.ts"), jobFile], {
        cwd: projectRoot(),
        stdio: ["ignore", out, out],
        env,
      });
      child.on("error", reject);
      child.on("exit", (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    if (code !== 0 || !fs.existsSync(resultFile)) {
      // The first error line the step printed (a stack or a solver dump may follow it).
      const output = fs.readFileSync(logFile, "utf8").slice(startOffset);
      const error = output.split("\n").find((l) => /^\w*Error\b/.test(l)) ?? output.trim().split("\n").slice(-1)[0] ?? "";
      // A step stopped from outside (by hand, or by the machine running out of memory) says so: its
      // last output line is then only where it was, not an error.
      if (signal) throw new Error(`killed by ${signal}; its last message: ${(output.trim().split("\n").slice(-1)[0] ?? "").slice(0, 300)}`);
      throw new Error(`exit ${code}: ${error.slice(0, 300)}`);
    }
    return JSON.parse(fs.readFileSync(resultFile, "utf8")) as ChildResult;
  } finally {
    fs.closeSync(out);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
