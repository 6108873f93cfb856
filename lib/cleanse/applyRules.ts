import { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlIdent } from "../engine/native";
import type { RuleName } from "./missingValuePolicy";
import { cleanBatch } from "./ruleBatch";
import type { RulePool } from "./rulePool";
import { Rule } from "./rules/index";

/** Distinct values cleaned per Arquero batch: bounded memory whatever the file size. */
const BATCH = 50_000;

/**
 * Applies a rule to every distinct non-blank value of a staged column and stores the result in a
 * mapping table `(raw, value, issue)` that SQL joins back to the rows. Rules run once per distinct
 * value, not once per row: a 10-million-line export has a few thousand distinct dates. The rules
 * run in Arquero, one batch of distinct values at a time (on every core for a large map, when the
 * caller gives a pool: rulePool.ts); DuckDB does the scanning and joining. Values matching
 * `canonical` (an SQL test on `raw`, see rules/canonical.ts) are left out of the map: SQL keeps
 * them as they are.
 *
 * Returns the distinct non-null raw values of the column (blank ones included, as the quality
 * profile counts them) and the values mapped.
 */
export async function buildValueMap(
  conn: DuckDBConnection,
  opts: {
    staged: string;
    column: string;
    mapTable: string;
    rule: Rule;
    canonical?: string;
    /** Longer values are left out (rejected as VALUE_TOO_LONG by the caller). */
    maxLength?: number;
    /** A column of the same row the rule reads too (the country of a phone number): the map is keyed by both. */
    context?: string;
    /** Worker threads for a large map, with the rule's name (the workers build the same rule set). */
    pool?: { pool: RulePool; rule: RuleName };
  },
): Promise<{ distinctRaw: number; mapped: number }> {
  const col = sqlIdent(opts.column);
  const ctx = opts.context ? sqlIdent(opts.context) : "null::varchar";
  // Each statement costs a round trip of a millisecond or two whatever the data (a tiny export
  // runs some fifty maps): the map's table and the distinct values are created in one call, both
  // counts read in one query, and the values read at once when they fit in one batch.
  await conn.run(`create or replace table ${opts.mapTable} (raw varchar, ctx varchar, value varchar, issue varchar);
    create or replace temp table distinct_values as select distinct ${col} as raw, ${ctx} as ctx from ${opts.staged} where ${col} is not null`);
  const toMap = `trim(raw) <> ''${opts.canonical ? ` and not ${opts.canonical}` : ""}${opts.maxLength ? ` and length(raw) <= ${opts.maxLength}` : ""}`;
  const [{ n, m }] = await queryRows<{ n: number; m: number }>(
    conn,
    `select ${opts.context ? "count(distinct raw)" : "count(*)"}::bigint as n, count(*) filter (where ${toMap})::bigint as m from distinct_values`,
  );
  const appender = await conn.createAppender(opts.mapTable);
  const pooled = opts.pool && opts.pool.pool.wants(m) ? opts.pool : undefined;
  const append = async (raws: string[], contexts: (string | null)[]): Promise<void> => {
    const { values, issues } = pooled ? await pooled.pool.clean(pooled.rule, raws, contexts) : cleanBatch(opts.rule, raws, contexts);
    for (let i = 0; i < raws.length; i++) {
      appender.appendVarchar(raws[i]);
      if (contexts[i] === null) appender.appendNull();
      else appender.appendVarchar(contexts[i] as string);
      if (values[i] === null) appender.appendNull();
      else appender.appendVarchar(values[i] as string);
      if (issues[i] === null) appender.appendNull();
      else appender.appendVarchar(issues[i] as string);
      appender.endRow();
    }
  };
  if (m > 0 && m <= BATCH) {
    const reader = await conn.runAndReadAll(`select raw, ctx from distinct_values where ${toMap} order by raw, ctx`);
    const [raws, contexts] = reader.getColumnsJS() as [string[], (string | null)[]];
    await append(raws, contexts);
  } else if (m > BATCH) {
    // Numbered in order, so that each batch is a range scan (a streaming result cannot stay open
    // while the appender writes on the same connection).
    await conn.run(`create or replace temp table values_to_map as
      select raw, ctx, row_number() over (order by raw, ctx) as i from distinct_values where ${toMap}`);
    for (let offset = 0; offset < m; offset += BATCH) {
      const reader = await conn.runAndReadAll(`select raw, ctx from values_to_map where i > ${offset} and i <= ${offset + BATCH} order by i`);
      const [raws, contexts] = reader.getColumnsJS() as [string[], (string | null)[]];
      await append(raws, contexts);
    }
    await conn.run("drop table values_to_map");
  }
  appender.flushSync();
  appender.closeSync();
  await conn.run("drop table distinct_values");
  return { distinctRaw: n, mapped: m };
}
