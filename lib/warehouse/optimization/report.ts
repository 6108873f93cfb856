import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomically } from "../../io/atomicDir";
import { projectRoot } from "../../io/paths";
import { loadWarehouseModels } from "../build";
import { planModelGates } from "../gates";
import { enforcedKeys } from "../keys";
import type { OptimisationReport, OptimisationResult } from "./measure";
import { ms, ruleSentence, verdictLabel } from "./verdict";

/** What the keys would cost if DuckDB enforced them, per table (lib/bench/keys.ts `LoadCost`). */
export interface KeyLoadCost {
  table: string;
  rows: number;
  constraints: string;
  enforcedByBuild: boolean;
  plainSeconds: number;
  plainCpuSeconds: number;
  keyedSeconds: number;
  keyedCpuSeconds: number;
}

/** A benchmark run's key measurement, as recorded in reports/benchmarks.json (lib/bench/results.ts). */
export interface RecordedKeyCost {
  rows: number;
  floorSeconds: number;
  factSalesRows: number;
  plainSeconds: number;
  keyedSeconds: number;
}

export interface OptimisationContext {
  rows: number;
  seed: number;
  machine: string;
  /** The key measurement of this run, on the same warehouse (absent: not measured; failure: why). */
  keys?: { tables: KeyLoadCost[] } | { failure: string };
  /** The key measurements of the recorded benchmark runs, by size. */
  recordedKeys?: RecordedKeyCost[];
}

/** What reports/optimization.json holds: the measurement and its context, for notebooks to read. */
export interface OptimisationRecord {
  context: OptimisationContext;
  report: OptimisationReport;
}

export const OPTIMISATION_REPORT = path.join("reports", "optimization.md");
export const OPTIMISATION_RECORD = path.join("reports", "optimization.json");

const n = (x: number) => x.toLocaleString("en-US");
const s2 = (x: number) => x.toFixed(2);

/** The gates that check the keys DuckDB does not enforce, from the models' docs. */
export function keyGates(): { table: string; gates: string[] }[] {
  return loadWarehouseModels()
    .map((m) => {
      const enforced = enforcedKeys(m);
      const standsIn = (kind: string) => (kind === "primary_key" && !enforced.primaryKey) || (kind === "relationships" && !enforced.foreignKeys);
      return { table: m.name, gates: planModelGates(m).filter((g) => standsIn(g.kind)).map((g) => g.gate) };
    })
    .filter((t) => t.gates.length > 0);
}

/** The decision on keys and its numbers: the section of reports/optimization.md issue 24 asks for. */
export function keysSection(context: OptimisationContext): string[] {
  const out = ["## Keys: gates, not constraints", ""];
  const gated = keyGates();
  out.push(
    "Decision (issue 24, [`lib/warehouse/keys.ts`](../lib/warehouse/keys.ts)): the fact tables' primary keys and relationships are checked by the build's gates, not by DuckDB constraints. " +
      "A gate is a query that counts the rows breaking a rule: a duplicate-key query per primary key (`primary_key`: no null key column, no key on two rows) and an anti-join per relationship (`relationships`: no reference to a missing member), as dbt's `unique` and `relationships` tests do. " +
      "A gate that counts one row stops the build before the new warehouse replaces the live one, which is what a violated constraint did. " +
      "The keys stay declared in each table's `.doc.json`: the data dictionary, the constellation diagram and the gates are generated from them. Each dimension keeps its enforced primary key.",
    "",
  );
  out.push(`The gates that stand for the constraints: ${gated.map((t) => t.gates.map((g) => `\`${g}\``).join(", ")).join("; ")}.`, "");
  const keys = context.keys;
  if (keys && "failure" in keys) {
    out.push(`What the constraints would cost could not be measured in this run: ${keys.failure}`, "");
  } else if (keys) {
    out.push(
      `What they would cost, measured on this run's warehouse (\`lib/bench/keys.ts\`): each table's rows loaded by the warehouse's own loader into a scratch database stored as the core is, without any constraint and with its declared keys:`,
      "",
    );
    out.push("| table | rows | constraints | enforced by the build | without (s) | with (s) | cost (s) | with / without | CPU s without | CPU s with |", "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const t of keys.tables) {
      out.push(
        `| ${t.table} | ${n(t.rows)} | ${t.constraints} | ${t.enforcedByBuild ? "yes" : "no: gates"} | ${s2(t.plainSeconds)} | ${s2(t.keyedSeconds)} | ${s2(t.keyedSeconds - t.plainSeconds)} | ${(t.keyedSeconds / t.plainSeconds).toFixed(1)}× | ${s2(t.plainCpuSeconds)} | ${s2(t.keyedCpuSeconds)} |`,
      );
    }
    out.push("");
    const dropped = keys.tables.filter((t) => !t.enforcedByBuild);
    const kept = keys.tables.filter((t) => t.enforcedByBuild);
    const cost = (ts: KeyLoadCost[]) => ts.reduce((x, t) => x + t.keyedSeconds - t.plainSeconds, 0);
    const load = (ts: KeyLoadCost[]) => ts.reduce((x, t) => x + t.plainSeconds, 0);
    out.push(
      `At ${n(context.rows)} rows, the constraints the build leaves to its gates (${dropped.map((t) => `${t.table}: ${t.constraints}`).join("; ")}) would cost ${s2(cost(dropped))} s, ${(cost(dropped) / load(dropped)).toFixed(1)} times the ${s2(load(dropped))} s of loading without them. ` +
        (kept.length ? `The dimensions' primary keys the build keeps cost ${s2(cost(kept))} s together, ${Math.round((100 * cost(kept)) / load(kept))} % of their ${s2(load(kept))} s of loading.` : ""),
      "",
    );
  }
  const recorded = context.recordedKeys ?? [];
  if (recorded.length) {
    out.push("From the pipeline benchmark's recorded runs ([`benchmarks.md`](benchmarks.md), each on its own machine state), fact_sales' primary key and foreign keys, in seconds and in floors (the floor: DuckDB reading the export and writing its sale lines):", "");
    out.push("| export rows | fact_sales rows | load without keys (s) | with keys (s) | keys alone (s) | keys alone (floors) |", "| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of recorded) out.push(`| ${n(r.rows)} | ${n(r.factSalesRows)} | ${r.plainSeconds.toFixed(1)} | ${r.keyedSeconds.toFixed(1)} | ${(r.keyedSeconds - r.plainSeconds).toFixed(1)} | ${((r.keyedSeconds - r.plainSeconds) / r.floorSeconds).toFixed(2)} |`);
    out.push("");
    const last = recorded[recorded.length - 1];
    const alone = last.keyedSeconds - last.plainSeconds;
    out.push(
      `At ${n(last.rows)} rows they would cost ${alone.toFixed(1)} s, ${(alone / last.floorSeconds).toFixed(2)} floors, ${(alone / last.plainSeconds).toFixed(1)} times the load without them (${last.plainSeconds.toFixed(1)} s). ` +
        "DuckDB keeps each key as an ART index, updated row by row on every insert and held in memory (its documentation on indexes warns that they slow loading and must fit in memory).",
      "",
    );
  }
  return out;
}

/** reports/optimization.md: the rule, each choice with its measured effect, its cost, its verdict and the plans that explain it; the keys decision. */
export function renderOptimisationReport(report: OptimisationReport, context: OptimisationContext): string {
  const lines = [
    "# Indexing, partitioning and keys, judged by measurement",
    "",
    `Measured by \`npm run bench -- queries --rows ${context.rows}\` on a warehouse built from a generated export of`,
    `${n(context.rows)} rows (seed ${context.seed}): ${n(report.factSalesRows)} sales lines, ${n(report.customers)} customers. Machine: ${context.machine}.`,
    `Each query ran ${report.runs} times with and ${report.runs} times without the optimisation, in one process, on a copy of \`core.duckdb\`, the two variants alternating run by run`,
    "(an index against a copy of its table without it), after one untimed run of each, so that a busy moment of the machine slows both; the tables give medians, the sections quartiles too.",
    "These are measurements of one run: they vary from run to run, which is why this file is listed in `.ci/nondeterministic.txt`.",
    "",
    ruleSentence(report.band),
    "",
    "Only the lake, the Parquet export under `outputs/warehouse/lake/`, is partitioned. The warehouse's own tables are not: DuckDB has no table partitions; it cuts every table into row groups whose minimum and maximum per column (zone maps) let a filter skip them, which works best when rows are stored in the filter's order. That equivalent is measured too (`fact_sales ordered by date`).",
    "",
    "Code: [`lib/warehouse/optimization/measure.ts`](../lib/warehouse/optimization/measure.ts), verdicts and sentences [`verdict.ts`](../lib/warehouse/optimization/verdict.ts);",
    "queries: [`lib/warehouse/optimization/queries/`](../lib/warehouse/optimization/queries/); indexes: [`lib/warehouse/indexes/`](../lib/warehouse/indexes/), candidates: [`lib/warehouse/optimization/candidates/`](../lib/warehouse/optimization/candidates/).",
    "",
    "| optimisation | in the build | without (ms) | with (ms) | speed-up | verdict | decision | cost |",
    "| --- | --- | ---: | ---: | ---: | --- | --- | --- |",
    ...report.results.map(
      (r) =>
        `| \`${r.optimisation}\` | ${r.built ? "yes" : "no (candidate)"} | ${ms(r.without.medianMs)} | ${ms(r.with.medianMs)} | ${r.speedUp.toFixed(2)}× | ${r.verdict === "pays off" ? `**${verdictLabel(r.verdict, report.band)}**` : verdictLabel(r.verdict, report.band)} | ${r.decision} | ${r.cost} |`,
    ),
    "",
    ...keysSection(context),
  ];
  for (const r of report.results) lines.push(...resultSection(r));
  lines.push(
    "## When the data outgrows one machine",
    "",
    "The lake under `outputs/warehouse/lake/` is plain Hive-partitioned Parquet (`fact_sales/year=YYYY/month=M/*.parquet`), readable as is by",
    "any Parquet engine. Spark: `spark.read.parquet(\"lake/fact_sales\")` discovers `year` and `month` as partition columns and prunes on them;",
    "register it with `CREATE TABLE fact_sales USING parquet LOCATION '.../lake/fact_sales'` then `MSCK REPAIR TABLE fact_sales`.",
    "Trino (Hive connector): `CREATE TABLE hive.retail.fact_sales (...) WITH (external_location = 's3://.../lake/fact_sales', format = 'PARQUET',",
    "partitioned_by = ARRAY['year', 'month'])` then `CALL system.sync_partition_metadata('retail', 'fact_sales', 'ADD')`. The dimensions are small",
    "and can be exported the same way, unpartitioned.",
    "",
  );
  return lines.join("\n");
}

function resultSection(r: OptimisationResult): string[] {
  return [
    `## \`${r.optimisation}\``,
    "",
    `Why: ${r.why}.`,
    "",
    r.prose,
    "",
    "```sql",
    r.query,
    "```",
    "",
    "<details><summary>EXPLAIN ANALYZE with the optimisation</summary>",
    "",
    "```",
    r.planWith,
    "```",
    "</details>",
    "",
    "<details><summary>EXPLAIN ANALYZE without it</summary>",
    "",
    "```",
    r.planWithout,
    "```",
    "</details>",
    "",
  ];
}

/** Writes reports/optimization.md and, beside it, optimization.json (the same figures, for notebooks). */
export function writeOptimisationReport(file: string, report: OptimisationReport, context: OptimisationContext): void {
  writeFileAtomically(file, renderOptimisationReport(report, context));
  const record: OptimisationRecord = { context, report };
  writeFileAtomically(file.replace(/\.md$/, ".json"), JSON.stringify(record, null, 2) + "\n");
}

/** The last recorded measurement (reports/optimization.json), or undefined when none was recorded. */
export function readOptimisationRecord(file = path.join(projectRoot(), OPTIMISATION_RECORD)): OptimisationRecord | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as OptimisationRecord;
}

/** One optimisation measured now (e.g. on the bundled data) beside its recorded verdict at the benchmark's size. */
export interface LiveAgainstRecord {
  optimisation: string;
  liveSpeedUp: number;
  liveVerdict: string;
  /** Absent when the record does not measure this optimisation (or there is no record). */
  recordedSpeedUp?: number;
  recordedVerdict?: string;
  /** The build's decision, taken at the recorded size (the size the warehouse is built for). */
  decision?: string;
}

/**
 * A measurement made now beside the recorded one: the build decides at the benchmark's size
 * (reports/optimization.json); a measurement on small data shows how the same optimisation
 * behaves there, which may differ (an index does not pay off on a table of a few rows).
 */
export function liveAgainstRecord(live: OptimisationReport, record: OptimisationRecord | undefined = readOptimisationRecord()): LiveAgainstRecord[] {
  return live.results.map((r) => {
    const recorded = record?.report.results.find((x) => x.optimisation === r.optimisation);
    return {
      optimisation: r.optimisation,
      liveSpeedUp: r.speedUp,
      liveVerdict: verdictLabel(r.verdict, live.band),
      ...(recorded ? { recordedSpeedUp: recorded.speedUp, recordedVerdict: verdictLabel(recorded.verdict, record!.report.band), decision: recorded.decision } : {}),
    };
  });
}
