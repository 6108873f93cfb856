/**
 * One measured step of the pipeline benchmark, in its own process so that its peak resident
 * memory (getrusage maxRSS: Node's heap, DuckDB's native memory, everything) is its own.
 * Usage: node --import tsx lib/bench/child.ts <job.json>; the result goes to job.resultFile.
 */
import * as fs from "node:fs";
import { runStages, type StageName } from "../cli/pipeline";
import { benchConfig } from "./config";
import type { KeyCost } from "./keys";
import { stepsFromLog, type LogMark, type TimedStep } from "./steps";

export type ChildJob =
  | { kind: "generate"; out: string; rows: number; seed: number; resultFile: string }
  | { kind: "floor"; input: string; out: string; resultFile: string }
  | { kind: "stage"; stage: StageName; input: string; rows: number; sandbox: string; resultFile: string }
  | { kind: "keys"; corePath: string; workDir: string; resultFile: string };

export interface ChildResult {
  seconds: number;
  rows: number;
  summary: string;
  /** Peak resident set of the whole process, bytes. */
  peakRssBytes: number;
  /** User + system CPU time of every thread of the process (DuckDB's too): less sensitive than wall time to a busy machine. */
  cpuSeconds: number;
  /** A stage's longest steps, from the times of its progress messages (lib/bench/steps.ts). */
  steps?: TimedStep[];
  /** The keys job's two loads (lib/bench/keys.ts). */
  keyCost?: KeyCost;
}

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as ChildJob;
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const marks: LogMark[] = [];
  const log = (m: string) => {
    marks.push({ at: elapsed(), message: m });
    console.log(m);
  };
  let rows: number;
  let summary: string;
  let keyCost: KeyCost | undefined;
  // Each job loads its own modules, inside its timing (a stage loads its own in lib/cli/pipeline.ts):
  // what a user's process pays for the step is measured with it.
  if (job.kind === "generate") {
    const { generateRawExport } = await import("../raw/generator");
    const s = await generateRawExport({ outPath: job.out, rows: job.rows, seed: job.seed, gzipLevel: 1, writeSummary: false });
    rows = s.rows;
    summary = `${s.rows} rows generated`;
  } else if (job.kind === "floor") {
    const { writeSaleLinesFloor } = await import("./floor");
    rows = await writeSaleLinesFloor(job.input, job.out);
    summary = `${rows} sale lines written as Parquet`;
  } else if (job.kind === "keys") {
    const { measureKeyCost } = await import("./keys");
    keyCost = await measureKeyCost(job.corePath, job.workDir);
    rows = keyCost.rows;
    summary = `fact_sales loaded without keys in ${keyCost.plainSeconds.toFixed(1)} s, with its primary key and ${keyCost.foreignKeys} foreign keys in ${keyCost.keyedSeconds.toFixed(1)} s`;
  } else {
    const [result] = await runStages(benchConfig(job.input, job.rows, log, job.sandbox), [job.stage]);
    rows = result.rows;
    summary = result.summary;
  }
  const seconds = elapsed();
  // maxRSS is in kilobytes (getrusage).
  const usage = process.resourceUsage();
  const result: ChildResult = {
    seconds,
    rows,
    summary,
    peakRssBytes: usage.maxRSS * 1024,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    ...(job.kind === "stage" ? { steps: stepsFromLog(marks, seconds, job.stage) } : {}),
    ...(keyCost ? { keyCost } : {}),
  };
  fs.writeFileSync(job.resultFile, JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
