import * as fs from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openDatabase, query, renderSql, run, sqlString } from "../db";
import { listIndexes } from "../indexes";
import { projectRoot } from "../../io/paths";
import { coreKeyFor, kdfPathFor, openEncryptedDatabase, readCoreKeyInfo } from "../../privacy/coreEncryption";
import { openKeyStore, type KeyStore } from "../../privacy/keystore";
import { decisionOf, describeResult, verdictBand, verdictOf, type Decision, type Described, type Purpose, type Verdict, type VerdictBand } from "./verdict";

/**
 * Measures each physical optimisation of the warehouse on a copy of a built core database, in one
 * process: the query it exists for is timed with the optimisation and without it, its EXPLAIN
 * ANALYZE plan is kept, and its cost (build time, storage) is recorded. The two variants are timed
 * run by run in alternation (an index against a copy of its table without it), so that a machine
 * busy during part of the measurement slows both; the verdict compares the medians of all the runs
 * against the policy's threshold and band (verdict.ts, lib/policy.ts).
 */
export interface Timing {
  medianMs: number;
  minMs: number;
  /** First and third quartiles of the runs: the spread a reader judges the median by. */
  p25Ms: number;
  p75Ms: number;
  /** Timed runs. */
  runs: number;
  rows: number;
}

export interface OptimisationResult extends Described {
  /** Whether the warehouse build creates it (false: a measured candidate, left out). */
  built: boolean;
  query: string;
  why: string;
  without: Timing;
  with: Timing;
  cost: string;
  /** verdict === "pays off" (kept for the notebooks that read it). */
  paysOff: boolean;
  /** The measurement in sentences (verdict.ts `describeResult`). */
  prose: string;
  planWith: string;
  planWithout: string;
}

export interface OptimisationReport {
  factSalesRows: number;
  customers: number;
  /** Timed runs per variant, the two variants alternating run by run. */
  runs: number;
  band: VerdictBand;
  results: OptimisationResult[];
}

export type { Decision, Purpose, Verdict, VerdictBand };

const QUERIES = path.join(__dirname, "queries");
/** Indexes measured but not built by the warehouse (they did not pay off when last measured). */
export const CANDIDATES_DIR = path.join(__dirname, "candidates");

function timing(samples: number[], rows: number): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { medianMs: round(median(sorted)), minMs: round(sorted[0]), p25Ms: round(at(0.25)), p75Ms: round(at(0.75)), runs: sorted.length, rows };
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `runs` timed executions after one untimed (caches and plan); their times in ms and the rows returned. */
async function timeRuns(conn: DuckDBConnection, sql: string, runs: number): Promise<{ samples: number[]; rows: number }> {
  let rows = (await query(conn, sql)).length;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    rows = (await query(conn, sql)).length;
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { samples, rows };
}

/**
 * Times two variants of a measurement run by run in alternation (with, without, without, with,
 * ...), each switched to by `enter`, after one untimed run of each: a busy moment of the machine
 * slows both alike. Returns both variants' timings over `runs` runs each.
 */
async function alternate(
  conn: DuckDBConnection,
  runs: number,
  variants: { with: { enter: () => Promise<void>; sql: string }; without: { enter: () => Promise<void>; sql: string } },
): Promise<{ with: Timing; without: Timing }> {
  const samples = { with: [] as number[], without: [] as number[] };
  const rows = { with: 0, without: 0 };
  const once = async (name: "with" | "without") => {
    await variants[name].enter();
    const t = await timeRuns(conn, variants[name].sql, 0);
    rows[name] = t.rows;
  };
  await once("with");
  await once("without");
  for (let i = 0; i < runs; i++) {
    for (const name of i % 2 === 0 ? (["with", "without"] as const) : (["without", "with"] as const)) {
      await variants[name].enter();
      const started = process.hrtime.bigint();
      rows[name] = (await query(conn, variants[name].sql)).length;
      samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return { with: timing(samples.with, rows.with), without: timing(samples.without, rows.without) };
}

async function plan(conn: DuckDBConnection, sql: string): Promise<string> {
  const rows = await query<{ explain_value: string }>(conn, `explain analyze ${sql}`);
  const text = rows.map((r) => r.explain_value).join("\n");
  // Keep the operator tree below EXPLAIN_ANALYZE, not the profiling header: the part a reader compares.
  // Pseudonyms are redacted in the whole tree first, so a literal cut by the slice below is too.
  const lines = redactPlanPseudonyms(text.split("\n").filter((line) => /[│┌└├─]/.test(line)).join("\n")).split("\n");
  const top = lines.findIndex((l) => l.includes("EXPLAIN_ANALYZE"));
  const below = lines.findIndex((l, i) => i > top && l.trimStart().startsWith("└"));
  // No absolute path of this machine in a committed report.
  return lines.slice(below + 1, below + 46).join("\n").split(`${projectRoot()}/`).join("./");
}

/** A customer pseudonym, or the part of one a plan kept (never more than its 32 hex digits). */
const PSEUDONYM = /cp_[0-9a-f]{1,32}/g;
const PLACEHOLDER = "<pseudonym>";

/**
 * A plan with every customer pseudonym (`cp_` + 32 hex) replaced by "<pseudonym>", including one
 * that DuckDB wrapped over several lines of its box: a 35-character literal does not fit a
 * 27-character box, and its tail on the next line is as much a piece of the pseudonym as its head.
 * Each box column is read as one text, its lines' contents joined, so the literal is found whole;
 * the lines it spans are then rewritten (the placeholder where the literal began, the other pieces
 * removed) and re-centred in their box, which keeps its width.
 */
export function redactPlanPseudonyms(plan: string): string {
  const lines = plan.split("\n");
  const bars = lines.map((line) => [...line].flatMap((ch, i) => (ch === "│" ? [i] : [])));
  // Lines are arrays of characters (box-drawing characters are one UTF-16 unit each, so indexes match).
  const chars = lines.map((line) => [...line]);
  let group = 0;
  while (group < lines.length) {
    let end = group + 1;
    const layout = bars[group].join(",");
    while (end < lines.length && bars[end].join(",") === layout && layout !== "") end++;
    for (let cell = 0; cell + 1 < bars[group].length; cell++) redactCell(chars, group, end, bars[group][cell] + 1, bars[group][cell + 1]);
    group = end;
  }
  return chars.map((c) => c.join("")).join("\n");
}

/** Redacts the pseudonyms in the cell [from, to) of lines [first, end), read as one text. */
function redactCell(chars: string[][], first: number, end: number, from: number, to: number): void {
  const width = to - from;
  const original: string[] = [];
  for (let l = first; l < end; l++) original.push(chars[l].slice(from, to).join("").trim());
  const contents = [...original];
  for (;;) {
    const match = new RegExp(PSEUDONYM.source).exec(contents.join(""));
    if (!match) break;
    // The line and offset of the match's first and last character.
    const locate = (k: number) => {
      let line = 0;
      while (k >= contents[line].length) k -= contents[line++].length;
      return { line, offset: k };
    };
    const head = locate(match.index);
    const tail = locate(match.index + match[0].length - 1);
    const before = contents[head.line].slice(0, head.offset);
    const after = contents[tail.line].slice(tail.offset + 1);
    for (let l = head.line; l <= tail.line; l++) contents[l] = "";
    if (head.line === tail.line || (before + PLACEHOLDER + after).length <= width) contents[head.line] = (before + PLACEHOLDER + after).slice(0, width);
    else if ((before + PLACEHOLDER).length <= width) [contents[head.line], contents[tail.line]] = [before + PLACEHOLDER, after];
    else [contents[head.line], contents[tail.line]] = [before, (PLACEHOLDER + after).slice(0, width)];
  }
  contents.forEach((text, i) => {
    if (text === original[i]) return;
    const left = Math.ceil((width - text.length) / 2);
    chars[first + i].splice(from, width, ...(" ".repeat(left) + text + " ".repeat(width - text.length - left)));
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Bytes of the blocks the database uses after a checkpoint: an index's storage shows as the difference. */
async function usedBytes(conn: DuckDBConnection): Promise<number> {
  await run(conn, "checkpoint");
  const [r] = await query<{ used: string; block: string }>(
    conn,
    "select used_blocks::varchar as used, block_size::varchar as block from pragma_database_size() where database_name = current_database()",
  );
  return Number(r.used) * Number(r.block);
}

function sizeOf(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(p).reduce((n, f) => n + sizeOf(path.join(p, f)), 0);
}

/** The files a Parquet scan opened, of all files, as its EXPLAIN ANALYZE says ("Scanning Files: 1/36" or "Total Files Read: 36"). */
export function filesReadInPlan(plan: string, total: number): { read: number; total: number } | undefined {
  const scanning = /Scanning Files:\s*(\d+)\s*\/\s*(\d+)/.exec(plan);
  if (scanning) return { read: Number(scanning[1]), total: Number(scanning[2]) };
  const read = /Total Files Read:\s*(\d+)/.exec(plan);
  return read ? { read: Number(read[1]), total } : undefined;
}

/** Row groups of a table whose order_date_key range (zone map) overlaps [from, to]: those a filter on it must read. */
async function rowGroupsToRead(conn: DuckDBConnection, table: string, from: number, to: number): Promise<{ read: number; total: number }> {
  const segments = await query<{ row_group: number; stats: string }>(
    conn,
    `select cast(row_group_id as integer) as row_group, stats from pragma_storage_info(${sqlString(table)}) where column_name = 'order_date_key' and segment_type <> 'VALIDITY'`,
  );
  const groups = new Map<number, { min: number; max: number }>();
  for (const s of segments) {
    const m = /Min: (-?\d+), Max: (-?\d+)/.exec(s.stats);
    if (!m) continue;
    const g = groups.get(s.row_group);
    groups.set(s.row_group, { min: Math.min(g?.min ?? Infinity, Number(m[1])), max: Math.max(g?.max ?? -Infinity, Number(m[2])) });
  }
  return { read: [...groups.values()].filter((g) => g.max >= from && g.min <= to).length, total: groups.size };
}

export async function measureOptimisations(opts: { corePath: string; lakeDir: string; workDir: string; runs?: number; keyStore?: KeyStore }): Promise<OptimisationReport> {
  const runs = opts.runs ?? 21;
  const band = verdictBand();
  fs.mkdirSync(opts.workDir, { recursive: true });
  const copy = path.join(opts.workDir, "core-bench.duckdb");
  fs.copyFileSync(opts.corePath, copy);
  // An encrypted core (lib/privacy/coreEncryption.ts) is opened with its key, re-derived from the
  // key store; the copy is writable because indexes are dropped and rebuilt on it.
  let db: { connection: DuckDBConnection; close(): void };
  if (readCoreKeyInfo(opts.corePath)) {
    fs.copyFileSync(kdfPathFor(opts.corePath), kdfPathFor(copy));
    db = await openEncryptedDatabase(copy, coreKeyFor(copy, opts.keyStore ?? openKeyStore({ createIfMissing: false }))!, { alias: "core_bench" });
  } else {
    db = await openDatabase(copy);
  }
  const conn = db.connection;
  const results: OptimisationResult[] = [];
  const finish = (r: Omit<OptimisationResult, "verdict" | "decision" | "paysOff" | "prose">): OptimisationResult => {
    const verdict = verdictOf(r.speedUp, band);
    const withVerdict = { ...r, verdict, decision: decisionOf({ built: r.built, verdict, purpose: r.purpose }), paysOff: verdict === "pays off" };
    return { ...withVerdict, prose: describeResult(withVerdict, band) };
  };
  try {
    const [facts] = await query<{ n: number; customers: number }>(
      conn,
      "select cast(count(*) as integer) as n, cast((select count(distinct customer_pseudonym) from dim_customer) as integer) as customers from fact_sales",
    );
    // The customer with the most order lines: the heaviest access request, chosen deterministically.
    const [sample] = await query<{ customer_pseudonym: string }>(
      conn,
      `select c.customer_pseudonym from fact_sales f join dim_customer c using (customer_key)
       where c.customer_key > 0 group by all order by count(*) desc, c.customer_pseudonym limit 1`,
    );
    const keys = await query<{ customer_key: number }>(
      conn,
      `select customer_key from dim_customer where customer_pseudonym = ${sqlString(sample.customer_pseudonym)} order by 1`,
    );
    const [product] = await query<{ product_id: string }>(conn, "select product_id from dim_product where product_key > 0 order by product_id limit 1");

    const indexQueries: Record<string, string> = {
      idx_dim_customer_pseudonym: renderSql(path.join(QUERIES, "customer_versions.sql"), { pseudonym: sqlString(sample.customer_pseudonym) }),
      idx_fact_sales_customer_key: renderSql(path.join(QUERIES, "customer_order_lines.sql"), { customer_keys: keys.map((k) => k.customer_key).join(", ") }),
      idx_dim_product_product_id: renderSql(path.join(QUERIES, "product_by_id.sql"), { product_id: sqlString(product.product_id) }),
    };
    // A pseudonym is derived from a key: it never enters a report (the query shows a placeholder).
    const redact = (text: string) => text.split(sample.customer_pseudonym).join(PLACEHOLDER).replace(PSEUDONYM, PLACEHOLDER);
    const built = listIndexes().map((index) => ({ ...index, built: true }));
    const candidates = listIndexes(CANDIDATES_DIR).map((index) => ({ ...index, built: false }));
    // Each index is measured against the same table without it: a copy in schema `plain` (same
    // rows, same order), so that the two variants alternate run by run by switching schema.
    const [{ catalog }] = await query<{ catalog: string }>(conn, "select current_database() as catalog");
    const useMain = async () => run(conn, `use "${catalog}".main`);
    const usePlain = async () => run(conn, `use "${catalog}".plain`);
    await run(conn, "create schema plain");
    for (const table of ["dim_customer", "dim_product", "fact_sales"]) await run(conn, `create table plain.${table} as select * from main.${table} order by rowid`);
    for (const index of [...built, ...candidates]) {
      const sql = indexQueries[index.name];
      if (!sql) continue;
      await useMain();
      // What every load pays: the build of the index, timed on the table without it.
      if (index.built) await run(conn, `drop index ${index.name}`);
      const sizeWithout = await usedBytes(conn);
      const started = process.hrtime.bigint();
      await run(conn, index.sql);
      const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
      const sizeWith = await usedBytes(conn);
      const planWith = redact(await plan(conn, sql));
      await usePlain();
      const planWithout = redact(await plan(conn, sql));
      const t = await alternate(conn, runs, { with: { sql, enter: useMain }, without: { sql, enter: usePlain } });
      await useMain();
      // The copy is left as built: built indexes present, candidates absent.
      if (!index.built) await run(conn, `drop index ${index.name}`);
      results.push(
        finish({
          optimisation: index.name,
          kind: "index",
          purpose: "speed",
          built: index.built,
          query: redact(sql.trim()),
          why: index.rationale.replace(/^CANDIDATE, NOT BUILT:.*?re-checks the decision\. /, "").replace(/^Why:\s*/, "").replace(/\.$/, ""),
          without: t.without,
          with: t.with,
          speedUp: round(t.without.medianMs / Math.max(t.with.medianMs, 1e-3)),
          cost: `built in ${Math.round(buildMs)} ms; ${((sizeWith - sizeWithout) / 1024).toFixed(0)} KiB of storage; rebuilt by every load`,
          planWith,
          planWithout,
        }),
      );
    }
    await run(conn, "drop schema plain cascade");

    // Partitioning: the Hive lake against the same rows in one flat Parquet file, written in the
    // lake's order (by date), so that the comparison is partitions against zone maps alone.
    const lakeFiles = path.join(opts.lakeDir, "fact_sales", "**", "*.parquet");
    const flat = path.join(opts.workDir, "fact_sales_flat.parquet");
    await run(conn, `copy (select * from read_parquet(${sqlString(lakeFiles)}, hive_partitioning = true) order by order_date_key, order_id, line_number) to ${sqlString(flat)} (format parquet)`);
    const [busiest] = await query<{ year: number; month: number }>(
      conn,
      `select cast(year as integer) as year, cast(month as integer) as month from read_parquet(${sqlString(lakeFiles)}, hive_partitioning = true)
       group by all order by count(*) desc, year, month limit 1`,
    );
    const lakeFileCount = (fs.readdirSync(path.join(opts.lakeDir, "fact_sales"), { recursive: true }) as string[]).filter((f) => f.endsWith(".parquet")).length;
    for (const [name, file, why] of [
      ["one_month_by_category", "one_month_by_category.sql", "analysts filter by month: pruning should read one folder out of dozens"],
      ["all_months_by_month", "all_months_by_month.sql", "a full scan cannot be pruned: the partitioned layout only adds files to open"],
    ] as const) {
      const sqlFor = (files: string) => renderSql(path.join(QUERIES, file), { files: sqlString(files), year: String(busiest.year), month: String(busiest.month) });
      const noop = async () => {};
      const t = await alternate(conn, runs, { with: { sql: sqlFor(lakeFiles), enter: noop }, without: { sql: sqlFor(flat), enter: noop } });
      const planWith = await plan(conn, sqlFor(lakeFiles));
      results.push(
        finish({
          optimisation: `hive_partitioning (${name})`,
          kind: "partitioning",
          purpose: "export layout",
          built: true,
          query: sqlFor(path.join("outputs/warehouse/lake/fact_sales", "**", "*.parquet")).trim(),
          why,
          without: t.without,
          with: t.with,
          speedUp: round(t.without.medianMs / Math.max(t.with.medianMs, 1e-3)),
          files: filesReadInPlan(planWith, lakeFileCount),
          cost: `${lakeFileCount} files instead of 1; ${(sizeOf(path.join(opts.lakeDir, "fact_sales")) / 1048576).toFixed(1)} MiB partitioned vs ${(sizeOf(flat) / 1048576).toFixed(1)} MiB flat`,
          planWith,
          planWithout: await plan(conn, sqlFor(flat)),
        }),
      );
    }

    // DuckDB has no table partitions: its tables are cut into row groups, each with the minimum and
    // maximum of every column (zone maps) that a filter uses to skip it. The warehouse's nearest
    // equivalent of partitioning by month is storing fact_sales sorted by date: measured here on a
    // sorted copy, against the table as the build stores it.
    const monthFrom = busiest.year * 10000 + busiest.month * 100;
    const monthSql = (table: string) => renderSql(path.join(QUERIES, "one_month_in_warehouse.sql"), { table, from: String(monthFrom + 1), to: String(monthFrom + 31) });
    const sortStarted = process.hrtime.bigint();
    await run(conn, "create table fact_sales_by_date as select * from fact_sales order by order_date_key, order_id, line_number");
    const sortMs = Number(process.hrtime.bigint() - sortStarted) / 1e6;
    await run(conn, "checkpoint");
    const asStored = await rowGroupsToRead(conn, "fact_sales", monthFrom + 1, monthFrom + 31);
    const clustered = await rowGroupsToRead(conn, "fact_sales_by_date", monthFrom + 1, monthFrom + 31);
    const noop = async () => {};
    const t = await alternate(conn, runs, { with: { sql: monthSql("fact_sales_by_date"), enter: noop }, without: { sql: monthSql("fact_sales"), enter: noop } });
    results.push(
      finish({
        optimisation: "fact_sales ordered by date",
        kind: "clustering",
        purpose: "speed",
        built: false,
        query: monthSql("fact_sales").trim(),
        why: "the warehouse's own tables are not partitioned (DuckDB has no table partitions); their zone maps prune a date filter best when the rows are stored in date order",
        without: t.without,
        with: t.with,
        speedUp: round(t.without.medianMs / Math.max(t.with.medianMs, 1e-3)),
        rowGroups: { readAsStored: asStored.read, readClustered: clustered.read, total: asStored.total },
        cost: `a sort of ${facts.n.toLocaleString("en-US")} rows on every load (${Math.round(sortMs)} ms here)`,
        planWith: await plan(conn, monthSql("fact_sales_by_date")),
        planWithout: await plan(conn, monthSql("fact_sales")),
      }),
    );
    await run(conn, "drop table fact_sales_by_date");
    return { factSalesRows: facts.n, customers: facts.customers, runs, band, results };
  } finally {
    db.close();
    fs.rmSync(opts.workDir, { recursive: true, force: true });
  }
}
