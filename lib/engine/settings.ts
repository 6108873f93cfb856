import * as os from "node:os";

/**
 * The native engine's resource settings, shared by every stage. DuckDB's `memory_limit` bounds its
 * buffer pool (beyond it, operators spill to `temp_directory`); the process also holds Node's heap
 * and what DuckDB allocates outside the pool (measured: up to 1.5 GiB more than the pool at 10 M
 * rows), so the limits sit well under the 3 GiB the pipeline may use as a whole (issue 6).
 */

/**
 * memory_limit per step, as measured at 10 M rows on the 2-core, 24 GiB machine (peak resident
 * memory of the step's process, reports/benchmarks.md):
 * - split, cleanse: 3.07 and 2.99 GiB under 2 GB; 2.41 and 2.26 GiB under 1.5 GB, in about the
 *   same time (split's CSV reader alone takes a fixed 152 MiB buffer for 10 MB lines; both fail
 *   under 300 MB at 1 M rows).
 * - warehouse: 2 GB was set when fact_sales' key indexes (a primary key and nine foreign keys)
 *   were its floor: they fit when fact_sales was loaded by slices, the build then peaking at
 *   2.5 GiB; under 3 GB it peaked at 4.5 GiB, in dim_customer. The build no longer enforces those
 *   keys (lib/warehouse/keys.ts). Measured again at 10 M rows (code of 9f6b61d,
 *   reports/benchmarks.md): the stage peaked at 4.73 GiB under 2 GB, over the 3 GiB target. A
 *   trace of its resident memory (once a second, code of b4219e7) puts the peak inside the protect
 *   step, rising with the customers encrypted (2.0 to 4.65 GiB) and back to 2.3-2.6 GiB after it.
 *   Measured apart (10 M rows, code of cefe352, memoryUsage and duckdb_memory() at the end of the
 *   encryption): DuckDB's buffers 1,907 MiB (the temporary tables of customer rows in clear and of
 *   their ciphertexts, under this 2 GB limit), Node's heap 1,053 MiB used (the key ring's 2.46 M
 *   wrapped keys, about 200 bytes each since they are flat strings, and garbage not yet
 *   collected), resident 3.8 GiB; the stage's peak 4.30 GiB (4.78 in the benchmark of a807df1,
 *   before the wrapped keys were flat strings). The whole stage under 1 GB instead (10 M rows,
 *   code of a44a353, one run each on the same staging): peak 3.36 GiB against 4.36, but 450.8 s
 *   against 373.6 (protect 179 s against 148, fact_sales 113 against 72): not taken.
 * - protect: the encryption loop alone (lib/warehouse/protect.ts; the SQL before it keeps the
 *   stage's 2 GB, under 1 GB its sorts spilled for 28 s more). With the heap's garbage bounded
 *   during the loop (10 M rows, same staging, one run each): the stage peaked at 2.79 GiB against
 *   4.29 (the peak moved to fact_sales), in 445.1 s against 433.6 (protect 200 s against 183,
 *   dim_customer 97 against 120).
 * - dim_customer: joins its rows to their ciphertexts (one per row since personal_enc; the figures
 *   here were measured with nine per row, 870,000 rows at 10 M sale lines). Under 1 GB it spills:
 *   81 s, the warehouse peaking at 2.7 GiB (fact_sales); under 2 GB, 22 s but 3.5 GiB (measured on
 *   a machine where the floor took 40 s).
 * - opendata: 2.94 GiB under 2 GB at 10 M rows (code of 887b07e; the peak in the extraction of the
 *   deliveries' rungs, Node's heap at 46 MiB), 2.52 GiB under 1.5 GB in about the same time
 *   (286.9 s against 301.4, one run each on the same marts; the same release, v5b41077ae9e9).
 * - default (marts, floor): 2.25 GiB under 2 GB for the marts.
 */
export const MEMORY_LIMITS = {
  default: "2GB",
  split: "1500MB",
  cleanse: "1500MB",
  warehouse: "2GB",
  protect: "1GB",
  dim_customer: "1GB",
  opendata: "1500MB",
} as const;

export type EngineStep = keyof typeof MEMORY_LIMITS;

/** True for a step (a stage, or a model of one) that MEMORY_LIMITS gives a limit of its own. */
export function hasOwnMemoryLimit(name: string): name is EngineStep {
  return name !== "default" && Object.hasOwn(MEMORY_LIMITS, name);
}

/**
 * Below this many rows in a stage's largest input (the sale lines), its engine runs on one
 * thread; from it on, on every core. DuckDB parallelises a scan by row groups of 122,880 rows: on
 * a smaller input the other threads mostly wake up and wait. Measured on the whole pipeline
 * (generated exports, seed 20240601, 2 cores, nothing else running, two runs each, code of
 * dc53320 and 3c9cf1f), wall and CPU seconds with every stage on two threads against one:
 *
 *   export rows (sale lines)   two threads                         one thread
 *   10,000 (8,488)             10.5 and 10.5 s, CPU 13.9 and 14.0   10.1 and 10.3 s, CPU 12.6 and 12.9
 *   40,000 (33,988)            11.4 and 11.5 s, CPU 15.9 and 16.2   10.6 and 11.3 s, CPU 13.3 and 14.1
 *   70,000 (59,488)            15.6 and 15.5 s, CPU 22.1 and 21.5   15.1 and 15.3 s, CPU 18.5 and 18.8
 *   115,000 (97,756), `npm start`  16.3 and 16.4 s, CPU 23.0 and 22.5   16.8 and 16.7 s, CPU 20.1 and 19.9
 *
 * One thread is as fast or faster up to 60,000 sale lines, for a tenth less CPU; at 98,000 two
 * threads win, by a quarter to half a second (again with the split on two threads in both runs:
 * 14.9 and 15.1 s against 15.3 and 15.2). The limit sits between the two, so that the bundled
 * export keeps every core. The split counts its records once it has read them and sets its
 * threads then; the engines that are not a stage's (the benchmark's floor, the rights commands'
 * reads, the notebooks' scans) keep every core.
 */
export const PARALLEL_MIN_ROWS = 80_000;

/**
 * The settings of one step. `WORKBOOK_<STEP>_MEMORY` (WORKBOOK_SPLIT_MEMORY,
 * WORKBOOK_DIM_CUSTOMER_MEMORY, ...) overrides one step's limit, `WORKBOOK_DUCKDB_MEMORY` every
 * step's, e.g. on a larger machine. `inputRows`, when the step knows it: the rows of its largest
 * input (PARALLEL_MIN_ROWS: below them, one thread).
 */
export function engineSettings(step: EngineStep = "default", inputRows?: number): { memoryLimit: string; threads: number } {
  const own = step === "default" ? undefined : process.env[`WORKBOOK_${step.toUpperCase()}_MEMORY`];
  return {
    memoryLimit: own || process.env.WORKBOOK_DUCKDB_MEMORY || MEMORY_LIMITS[step],
    threads: inputRows !== undefined && inputRows < PARALLEL_MIN_ROWS ? 1 : Math.max(1, os.cpus().length),
  };
}

/** The rows of the largest entity a staging manifest (split's or cleanse's) lists; undefined when it lists none. */
export function largestEntityRows(entities: Record<string, { rows?: number; rowsIn?: number }>): number | undefined {
  const rows = Object.values(entities).map((e) => e.rowsIn ?? e.rows ?? 0);
  return rows.length ? Math.max(...rows) : undefined;
}
