import * as fs from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openDatabase, query, renderSql, run, sqlString } from "../db";
import { listIndexes } from "../indexes";
import { projectRoot } from "../../io/paths";
import { coreKeyFor, kdfPathFor, openEncryptedDatabase, readCoreKeyInfo } from "../../privacy/coreEncryption";
import { openKeyStore, type KeyStore } from "../../privacy/keystore";

/**
 * Measures each physical optimisation of the warehouse on a copy of a built core database, in one
 * process: the representative query is timed with the optimisation and without it (median of
 * `runs` timed runs after one warm-up), its EXPLAIN ANALYZE plan is kept, and its cost (build time,
 * file size) is recorded. The verdict comes from the numbers: an optimisation that does not
 * speed its query up by at least `payOff` is reported as not paying off.
 */
export interface Timing {
  medianMs: number;
  minMs: number;
  rows: number;
}

export interface OptimisationResult {
  optimisation: string;
  kind: "index" | "partitioning";
  /** Whether the warehouse build creates it (false: a measured candidate, left out). */
  built: boolean;
  query: string;
  why: string;
  without: Timing;
  with: Timing;
  speedUp: number;
  cost: string;
  paysOff: boolean;
  planWith: string;
  planWithout: string;
}

export interface OptimisationReport {
  factSalesRows: number;
  customers: number;
  runs: number;
  results: OptimisationResult[];
}

const QUERIES = path.join(__dirname, "queries");
/** Indexes measured but not built by the warehouse (they did not pay off when last measured). */
export const CANDIDATES_DIR = path.join(__dirname, "candidates");
const PAY_OFF = 1.5;

async function time(conn: DuckDBConnection, sql: string, runs: number): Promise<Timing> {
  let rows = (await query(conn, sql)).length; // warm-up: caches and plan
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    rows = (await query(conn, sql)).length;
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: round(samples[Math.floor(samples.length / 2)]), minMs: round(samples[0]), rows };
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

export async function measureOptimisations(opts: { corePath: string; lakeDir: string; workDir: string; runs?: number; keyStore?: KeyStore }): Promise<OptimisationReport> {
  const runs = opts.runs ?? 15;
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
    for (const index of [...built, ...candidates]) {
      const sql = indexQueries[index.name];
      if (!sql) continue;
      if (!index.built) await run(conn, index.sql);
      const withIndex = await time(conn, sql, runs);
      const planWith = await plan(conn, sql);
      const sizeWith = await usedBytes(conn);
      await run(conn, `drop index ${index.name}`);
      const sizeWithout = await usedBytes(conn);
      const without = await time(conn, sql, runs);
      const planWithout = await plan(conn, sql);
      const started = process.hrtime.bigint();
      await run(conn, index.sql);
      const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
      const speedUp = round(without.medianMs / Math.max(withIndex.medianMs, 1e-3));
      results.push({
        optimisation: index.name,
        kind: "index",
        built: index.built,
        query: redact(sql.trim()),
        why: index.rationale.replace(/^CANDIDATE, NOT BUILT:.*?\(reports\/optimization\.md\)\. It stays here so every benchmark run re-checks the decision\. /, "").replace(/^Why:\s*/, "").replace(/\.$/, ""),
        without,
        with: withIndex,
        speedUp,
        cost: `built in ${Math.round(buildMs)} ms; ${((sizeWith - sizeWithout) / 1024).toFixed(0)} KiB of storage; rebuilt by every load`,
        paysOff: speedUp >= PAY_OFF,
        planWith,
        planWithout,
      });
    }

    // Partitioning: the Hive lake against the same rows in one flat Parquet file.
    const lakeFiles = path.join(opts.lakeDir, "fact_sales", "**", "*.parquet");
    const flat = path.join(opts.workDir, "fact_sales_flat.parquet");
    await run(conn, `copy (select * from read_parquet(${sqlString(lakeFiles)}, hive_partitioning = true) order by order_date_key, order_id, line_number) to ${sqlString(flat)} (format parquet)`);
    const [busiest] = await query<{ year: number; month: number }>(
      conn,
      `select cast(year as integer) as year, cast(month as integer) as month from read_parquet(${sqlString(lakeFiles)}, hive_partitioning = true)
       group by all order by count(*) desc, year, month limit 1`,
    );
    for (const [name, file, why] of [
      ["one_month_by_category", "one_month_by_category.sql", "analysts filter by month: pruning should read one folder out of dozens"],
      ["all_months_by_month", "all_months_by_month.sql", "a full scan cannot be pruned: the partitioned layout only adds files to open"],
    ] as const) {
      const sqlFor = (files: string) => renderSql(path.join(QUERIES, file), { files: sqlString(files), year: String(busiest.year), month: String(busiest.month) });
      const partitioned = await time(conn, sqlFor(lakeFiles), runs);
      const unpartitioned = await time(conn, sqlFor(flat), runs);
      const speedUp = round(unpartitioned.medianMs / Math.max(partitioned.medianMs, 1e-3));
      const files = (fs.readdirSync(path.join(opts.lakeDir, "fact_sales"), { recursive: true }) as string[]).filter((f) => f.endsWith(".parquet")).length;
      results.push({
        optimisation: `hive_partitioning (${name})`,
        kind: "partitioning",
        built: true,
        query: sqlFor(path.join("outputs/warehouse/lake/fact_sales", "**", "*.parquet")).trim(),
        why,
        without: unpartitioned,
        with: partitioned,
        speedUp,
        cost: `${files} files instead of 1; ${(sizeOf(path.join(opts.lakeDir, "fact_sales")) / 1048576).toFixed(1)} MiB partitioned vs ${(sizeOf(flat) / 1048576).toFixed(1)} MiB flat`,
        paysOff: speedUp >= PAY_OFF,
        planWith: await plan(conn, sqlFor(lakeFiles)),
        planWithout: await plan(conn, sqlFor(flat)),
      });
    }
    return { factSalesRows: facts.n, customers: facts.customers, runs, results };
  } finally {
    db.close();
    fs.rmSync(opts.workDir, { recursive: true, force: true });
  }
}
