import { writeFileAtomically } from "../../io/atomicDir";
import { OptimisationReport } from "./measure";

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

/** reports/optimization.md: each choice, its measured effect, its cost, and the plans that explain it. */
export function renderOptimisationReport(report: OptimisationReport, context: { rows: number; seed: number; machine: string }): string {
  const lines = [
    "# Indexing and partitioning, justified by measurement",
    "",
    `Measured by \`npm run bench -- queries --rows ${context.rows}\` on a warehouse built from a generated export of`,
    `${context.rows.toLocaleString("en-US")} rows (seed ${context.seed}): ${report.factSalesRows.toLocaleString("en-US")} sales lines, ${report.customers.toLocaleString("en-US")} customers.`,
    `Each query ran once to warm up, then ${report.runs} times with and ${report.runs} times without the optimisation, in one process,`,
    `on a copy of \`core.duckdb\`; the table gives medians. Machine: ${context.machine}.`,
    "These are measurements of one run: they vary from run to run, which is why this file is listed in `.ci/nondeterministic.txt`.",
    "",
    "An optimisation *pays off* when its query is at least 1.5 times faster with it. Code: [`lib/warehouse/optimization/measure.ts`](../lib/warehouse/optimization/measure.ts);",
    "queries: [`lib/warehouse/optimization/queries/`](../lib/warehouse/optimization/queries/); indexes: [`lib/warehouse/indexes/`](../lib/warehouse/indexes/).",
    "",
    "| optimisation | in the build | without (ms) | with (ms) | speed-up | verdict | cost |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ...report.results.map(
      (r) =>
        `| \`${r.optimisation}\` | ${r.built ? "yes" : "no (candidate)"} | ${ms(r.without.medianMs)} | ${ms(r.with.medianMs)} | ${r.speedUp.toFixed(2)}× | ${r.paysOff ? "**pays off**" : "does not pay off"} | ${r.cost} |`,
    ),
    "",
  ];
  for (const r of report.results) {
    lines.push(
      `## \`${r.optimisation}\``,
      "",
      `Why: ${r.why}.`,
      "",
      `Measured: ${ms(r.without.medianMs)} ms without, ${ms(r.with.medianMs)} ms with (${r.speedUp.toFixed(2)}×, ${r.with.rows} rows returned). ` +
        (r.kind === "partitioning"
          ? r.paysOff
            ? "Pruning pays off for this query."
            : "The partitioned layout does not speed this query up at this size; the lake is kept for engines that read files (Spark, Trino, the browser), not for speed here."
          : r.paysOff
            ? r.built
              ? "Pays off: built by every warehouse load."
              : "Pays off at this size although it is not built: move it from candidates/ to lib/warehouse/indexes/."
            : r.built
              ? "Built, but does not pay off at this size: a candidate for removal."
              : "Does not pay off: DuckDB's zone maps and vectorised scan are already fast here, and an index costs storage and load time. Left out of the build (lib/warehouse/optimization/candidates/)."),
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
    );
  }
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

export function writeOptimisationReport(file: string, report: OptimisationReport, context: { rows: number; seed: number; machine: string }): void {
  writeFileAtomically(file, renderOptimisationReport(report, context));
}
