import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { projectRoot } from "../io/paths";
import type { KeyCost } from "./keys";
import type { TimedStep } from "./steps";

/** One measured step: its wall time, the rows it handled and the peak resident memory of its process. */
export interface StepMeasure {
  seconds: number;
  rows: number;
  peakRssBytes: number;
  /** User + system CPU seconds of the step's process (all threads). */
  cpuSeconds?: number;
  summary: string;
  /** A stage's longest steps (lib/bench/steps.ts); absent for the floor, the generator and older runs. */
  steps?: TimedStep[];
}

/** One benchmark run at one size: the floor, every stage, and the generator when it ran. */
export interface BenchRun {
  rows: number;
  seed: number;
  /** The code measured: commit, and whether the working tree differed from it. */
  commit: string;
  dirty: boolean;
  machine: string;
  /** One-minute load average when the run started: a busy machine makes slower numbers. */
  loadAverage: number;
  startedAt: string;
  generator?: StepMeasure & { gzipLevel: number };
  floor: StepMeasure;
  stages: (StepMeasure & { stage: string; failed?: boolean })[];
  /**
   * What DuckDB enforcing the declared keys would cost on this run's rows (fact_sales' primary
   * and foreign keys, each dimension's primary key), measured after the pipeline
   * (lib/bench/keys.ts); absent from older runs, from runs whose warehouse failed and when the
   * measurement itself failed (keysFailure).
   */
  keys?: StepMeasure & KeyCost;
  /** Why the key-cost measurement failed, when it did (the run stands without it). */
  keysFailure?: string;
  pipelineSeconds: number;
  ratio: number;
  /** The largest peak of any step's process, plus the orchestrating process's own. */
  peakRssBytes: number;
}

/** A timed run on the default data: the code, the machine and its load, when, and how long. */
export interface TimedRun {
  commit: string;
  dirty: boolean;
  machine: string;
  loadAverage: number;
  startedAt: string;
  seconds: number;
}

/** One timed execution of every notebook on the default data (`npm run bench -- notebooks`). */
export interface NotebooksRun extends TimedRun {
  notebooks: { notebook: string; seconds: number }[];
}

/**
 * One timed run of a README command on the default data (`npm run bench -- defaults`): the
 * command as a user types it, its wall time and exit status, and what it says of itself.
 */
export interface CommandRun extends TimedRun {
  command: string;
  exitCode: number;
  /** `npm start`: seconds per stage, read from its summary. `npm test`: the test files that took longest. */
  parts: { name: string; seconds: number }[];
  /** `npm test`: tests passed, failed and skipped. */
  tests?: { passed: number; failed: number; skipped: number; files: number };
}

export interface BenchResults {
  /** Latest run per size, keyed by row count. */
  runs: Record<string, BenchRun>;
  /** Latest timing of the notebooks, when measured. */
  notebooks?: NotebooksRun;
  /** Latest timings of `npm start` and `npm test` on the default data, when measured. */
  defaults?: { start?: CommandRun; tests?: CommandRun };
}

export function readResults(file: string): BenchResults {
  if (!fs.existsSync(file)) return { runs: {} };
  return JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
}

export function writeResults(file: string, results: BenchResults): void {
  const sorted = Object.fromEntries(Object.entries(results.runs).sort(([a], [b]) => Number(a) - Number(b)));
  fs.writeFileSync(file, JSON.stringify({ runs: sorted, ...(results.notebooks ? { notebooks: results.notebooks } : {}), ...(results.defaults ? { defaults: results.defaults } : {}) }, null, 2) + "\n");
}

/**
 * Times `work` as a TimedRun: the code and machine, the one-minute load average and the clock when
 * it started (a busy machine makes slower numbers), and its wall seconds.
 */
export async function timedRun<T>(work: () => T | Promise<T>): Promise<{ run: TimedRun; result: T }> {
  const loadAverage = Math.round(os.loadavg()[0] * 100) / 100;
  const startedAt = new Date().toISOString();
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { run: { ...codeVersion(), machine: machineDescription(), loadAverage, startedAt, seconds }, result };
}

export function machineDescription(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The commit of the code being measured and whether lib/ differs from it. */
export function codeVersion(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: projectRoot(), encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "HEAD"), dirty: git("status", "--porcelain", "--", "lib", "package.json", "package-lock.json") !== "" };
  } catch {
    return { commit: "unknown", dirty: true };
  }
}
