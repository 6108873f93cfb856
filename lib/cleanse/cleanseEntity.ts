import { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlIdent, sqlString } from "../engine/native";
import { buildValueMap } from "./applyRules";
import { dateOrderFindings, type DateOrderFinding } from "./rules/dateOrder";
import type { RulePool } from "./rulePool";
import { EntityPolicy, OnMissing, RowRule } from "./missingValuePolicy";
import { Rule } from "./rules/index";
import { canonicalSql } from "./rules/canonical";
import { RuleName } from "./missingValuePolicy";
import { cleanEntity } from "./schema";
import { fieldLengthLimit } from "../policy";

/**
 * What became of an entity's staged rows: rows in = kept + collapsed + rejected. A collapsed row
 * is a duplicate of a kept row (the same record again, exactly or once cleansed): its record is
 * kept, once. A rejected row is a defect: its record is lost, for the reason given.
 */
export interface EntityAccounting {
  rowsIn: number;
  rowsKept: number;
  /** Duplicates merged into a kept row (DUPLICATE_EXACT, DUPLICATE_NEAR): not a loss. */
  rowsCollapsed: number;
  rowsRejected: number;
  collapsedByReason: Record<string, number>;
  rejectedByReason: Record<string, number>;
  flaggedByReason: Record<string, number>;
}

export interface ColumnQuality {
  column: string;
  rows: number;
  completeness: number;
  validity: number;
  distinct: number;
}

/**
 * Cleanses one staged entity inside DuckDB, following its policy, in narrow passes (one typed copy
 * of the entity, no copies of raw values or of per-row event lists: memory stays bounded on 10 M rows):
 *   1. each column's rule runs on its distinct values (Arquero batches) into a value map; values
 *      already in the rule's canonical form skip the round trip (rules/canonical.ts);
 *   2. `<e>_typed`: every staged row with its typed clean values, written once (to Parquet);
 *   3. `<e>_events`: one row per event (a missing or invalid value, a row rule that fired), each
 *      with the action the policy gives it, read from single-column scans of the staged file;
 *   4. rows with a `reject` event are rejected; among the others, duplicates of the dedupe key are
 *      rejected too (the preferred row, then the first line, is kept): `<e>_duplicates`;
 *   5. the kept rows are written straight to Parquet, and the events to a part of the rejects file.
 * Every staged row ends in exactly one of kept or rejected; `writeEntity` checks the sum.
 */
export interface AssessOptions {
  policy: EntityPolicy;
  stagedFile: string;
  rules: Record<RuleName, Rule>;
  /** Worker threads for the large value maps (rulePool.ts), built from the same rules' context. */
  pool?: RulePool;
  /** Extra columns computed from the typed row (alias `t`), e.g. the cleansed customer version. */
  derived?: Record<string, string>;
  /**
   * Columns the source does not have at all (its profile's `lacks`): they take their imputed
   * value or null without one event per row; the absence is documented once, in the profile.
   */
  absent?: ReadonlySet<string>;
  /** The source profile's date formats, in order: the date columns' values are checked against the order they read day and month in (rules/dateOrder.ts). */
  dateFormats?: readonly string[];
  /** Where the typed rows are written and read back from (a Parquet file in the stage's spill directory). */
  typedFile: string;
}

/** What the assessment measured on the staged values, for the quality profile. */
export interface Assessment {
  policy: EntityPolicy;
  /** Distinct non-null raw values per policy column (blank ones included), in policy order. */
  distinctRaw: number[];
  /** Per policy column: every missing value raised a `missing` event (so present = rows - events). */
  missingEvents: boolean[];
  /** Date columns whose values contradict the order the profile reads day and month in. */
  dateOrder: DateOrderFinding[];
}

/** Where a row comes from: not part of its content (two copies of one record are exact duplicates). */
const LINEAGE = ["record_key", "source_file", "source_line"];

/** A rejected value is quoted in the rejects file up to this length (a 1 MiB field is not copied whole). */
const RAW_VALUE_CHARS = 500;

/** Event order: column events in policy order, then row rules, then late rules (the first reject names the row's reason). */
const ROW_RULE_ORDER = 1000;
const LATE_RULE_ORDER = 2000;

/** Steps 1-3: value maps, the typed view and the events table. */
export async function assessEntity(conn: DuckDBConnection, opts: AssessOptions): Promise<Assessment> {
  const { policy } = opts;
  const e = policy.entity;
  const staged = `${e}_staged`;
  await conn.run(`create or replace view ${staged} as select * from read_parquet(${sqlString(opts.stagedFile)})`);
  const stagedColumns = (await queryRows<{ column_name: string }>(conn, `select column_name from (describe ${staged})`)).map((r) => r.column_name);

  const schema = cleanEntity(e);
  const typeOf = (c: string) => schema.columns.find((col) => col.name === c)?.type ?? "VARCHAR";
  const selects: string[] = ["s.record_key"];
  const joins: string[] = [];
  const events: string[] = [];
  const distinctRaw: number[] = [];
  const missingEvents: boolean[] = [];
  const dateOrder: DateOrderFinding[] = [];
  const columns = Object.entries(policy.columns);

  for (const [i, [column, rule]] of columns.entries()) {
    const fromName = rule.from ?? column;
    const from = sqlIdent(fromName);
    const map = `${e}_map_${i}`;
    const canonical = canonicalSql(rule.rule, `s.${from}`, typeOf(column));
    // Issue 26: a value longer than its column's limit (lib/policy.ts) is rejected, and never
    // handed to a rule (a 1 MiB street would cost every rule that reads it).
    const limit = fieldLengthLimit(rule.rule);
    const context = rule.context && stagedColumns.includes(rule.context) ? rule.context : undefined;
    const built = await buildValueMap(conn, {
      staged, column: fromName, mapTable: map, rule: opts.rules[rule.rule], canonical: canonicalSql(rule.rule, "raw", typeOf(column)), maxLength: limit, context,
      pool: opts.pool ? { pool: opts.pool, rule: rule.rule } : undefined,
    });
    distinctRaw.push(built.distinctRaw);
    if (built.mapped > 0 && /^(DECIMAL|INTEGER|BIGINT)/.test(typeOf(column))) {
      // A number the rule accepts but the column's type cannot hold (a discount of 15 for 15 %,
      // DECIMAL(5,4); a price of 12 digits) is an invalid value with its reason, not a failed cast.
      await conn.run(`update ${map} set value = null, issue = 'VALUE_OUT_OF_RANGE' where value is not null and try_cast(value as ${typeOf(column)}) is null`);
    }
    if ((rule.rule === "date" || rule.rule === "birth_date") && opts.dateFormats && built.mapped > 0) {
      // The map holds the values that are not ISO (canonical): the only ones whose order can be in doubt.
      const raws = (await queryRows<{ raw: string }>(conn, `select raw from ${map}`)).map((r) => r.raw);
      dateOrder.push(...dateOrderFindings(e, column, raws, opts.dateFormats));
    }
    const m = `m${i}`;
    joins.push(`left join ${map} ${m} on ${m}.raw = s.${from}${context ? ` and ${m}.ctx is not distinct from s.${sqlIdent(context)}` : ""}`);
    const missing = `(s.${from} is null or trim(s.${from}) = '')`;
    const imputed = imputeValue(rule.missing);
    const cleanValue = canonical ? `case when length(s.${from}) > ${limit} then null when ${canonical} then s.${from} else ${m}.value end` : `${m}.value`;
    selects.push(`case when ${missing} then ${imputed === null ? "null" : sqlString(imputed)} else ${cleanValue} end::${typeOf(column)} as ${sqlIdent(column)}`);
    events.push(`select record_key, ${i} as ord, 'invalid' as kind, ${sqlString(column)} as "column", 'VALUE_TOO_LONG' as reason, 'reject' as action,
          left(s.${from}, 60) || '… (' || length(s.${from}) || ' characters, limit ${limit})' as raw
        from ${staged} s where length(s.${from}) > ${limit}`);

    const missingAction = typeof rule.missing === "object" ? "impute" : rule.missing;
    // A missing optional value raises no event; a missing value never matches the value map.
    missingEvents.push(rule.missing !== "allow" && !opts.absent?.has(fromName));
    if (missingEvents[i]) {
      events.push(`select record_key, ${i} as ord, 'missing' as kind, ${sqlString(column)} as "column", ${sqlString(`MISSING_${column.toUpperCase()}`)} as reason,
          ${sqlString(missingAction)} as action, ${from} as raw
        from ${staged} s where ${missing}`);
    }
    // The map holds only values that are not canonical, so its invalid values are few.
    events.push(`select s.record_key, ${i} as ord, 'invalid' as kind, ${sqlString(column)} as "column", ${m}.issue as reason, ${sqlString(rule.invalid)} as action, s.${from} as raw
        from ${staged} s join (select * from ${map} where issue is not null) ${m} on ${m}.raw = s.${from}${context ? ` and ${m}.ctx is not distinct from s.${sqlIdent(context)}` : ""}`);
  }
  const passthrough = stagedColumns.filter((c) => c !== "record_key" && !columns.some(([col, r]) => (r.from ?? col) === c));
  if (!stagedColumns.includes("record_key")) throw new Error(`${opts.stagedFile}: no record_key column (staged by an older splitter? rerun the split stage)`);
  for (const c of passthrough) selects.push(`s.${sqlIdent(c)} as ${sqlIdent(passthroughName(c, policy))}`);

  // The typed rows, materialised once: the rules, the deduplication and the output read them
  // (evaluating the value-map joins again for each would cost more than keeping the table).
  const derived = Object.entries(opts.derived ?? {});
  const typedSql = `select t.*${derived.map(([c, sql]) => `, ${sql} as ${sqlIdent(c)}`).join("")}
    from (
      select ${selects.join(",\n        ")}
      from ${staged} s
      ${joins.join("\n      ")}
    ) t`;
  // Written out rather than held in memory: at 5 M rows the typed customers (kept until the order
  // lines are written) and order lines outgrew the stage's memory_limit and spilled, the stage's
  // time growing ten-fold for five times the rows.
  await conn.run(`copy (${typedSql}) to ${sqlString(opts.typedFile)} (format parquet)`);
  await conn.run(`create or replace view ${e}_typed as select * from read_parquet(${sqlString(opts.typedFile)})`);
  await conn.run(`create or replace table ${e}_events as\n${events.join("\nunion all\n")}`);
  if (policy.rowRules.length) await conn.run(`insert into ${e}_events ${ruleEvents(`${e}_typed`, policy.rowRules, ROW_RULE_ORDER)}`);
  // Hashes of the staged row, to tell an exact duplicate from a near one: computed only for the rows
  // the deduplication involves (see decideEntity).
  await conn.run(`create or replace temp table ${e}_hash_keys as select record_key from ${staged} limit 0`);
  await conn.run(`create or replace macro ${e}_raw_hash() as table
    select record_key, md5(concat_ws(chr(31), ${stagedColumns.filter((c) => !LINEAGE.includes(c)).map((c) => `coalesce(${sqlIdent(c)}::varchar, chr(0))`).join(", ")})) as raw_hash
    from ${staged}
    where record_key in (select record_key from ${e}_hash_keys)`);
  return { policy, distinctRaw, missingEvents, dateOrder };
}

/** The events of row rules, from one scan: the rows where each rule's predicate over the typed columns holds. */
function ruleEvents(typed: string, rules: readonly RowRule[], firstOrd: number): string {
  const fired = rules.map((rule, j) => `case when coalesce(${rule.when}, false) then ${j} end`).join(", ");
  const catalogue = rules.map((rule, j) => `(${j}, ${sqlString(rule.reason)}, ${sqlString(rule.action)})`).join(", ");
  return `select f.record_key, ${firstOrd} + f.j as ord, 'rule' as kind, '' as "column", r.reason, r.action, null::varchar as raw
    from (select record_key, unnest(list_filter([${fired}], x -> x is not null)) as j from ${typed}) f
    join (values ${catalogue}) r(j, reason, action) using (j)`;
}

/**
 * Step 4: late row rules (they need another entity's result, e.g. a customer version that no kept
 * order line carries), the rejected rows, and the duplicates among the others.
 */
export async function decideEntity(conn: DuckDBConnection, policy: EntityPolicy, lateRowRules: RowRule[] = []): Promise<void> {
  const e = policy.entity;
  if (lateRowRules.length) await conn.run(`insert into ${e}_events ${ruleEvents(`${e}_typed`, lateRowRules, LATE_RULE_ORDER)}`);
  await conn.run(`create or replace table ${e}_rejected as select distinct record_key from ${e}_events where action = 'reject'`);
  const key = policy.dedupeKey.map(sqlIdent).join(", ");
  // The ranking sorts only the key, the preference and the line: sorting whole rows spilled to
  // disk at 10 M rows and grew faster than the input.
  await conn.run(`create or replace temp table ${e}_ranked_duplicates as
    with candidates as (
      select * from ${e}_typed t
      where not exists (select 1 from ${e}_rejected r where r.record_key = t.record_key)
    ),
    ranked as (
      select record_key, row_number() over w as rank_in_key, first_value(record_key) over w as kept_line
      from candidates
      window w as (partition by ${key} order by ${policy.prefer ? policy.prefer + ", " : ""}record_key)
    )
    select record_key, kept_line from ranked where rank_in_key > 1`);
  // Only the rows of a duplicate pair are hashed (the hash reads every staged column), a small
  // share of an entity's rows.
  await conn.run(`insert into ${e}_hash_keys
    select record_key from ${e}_ranked_duplicates union select kept_line from ${e}_ranked_duplicates`);
  await conn.run(`create or replace table ${e}_duplicates as
    with hashes as (select * from ${e}_raw_hash())
    select d.record_key, d.kept_line, case when a.raw_hash = b.raw_hash then 'DUPLICATE_EXACT' else 'DUPLICATE_NEAR' end as reason_code
    from ${e}_ranked_duplicates d
    join hashes a on a.record_key = d.record_key
    join hashes b on b.record_key = d.kept_line`);
  // Rejected and collapsed rows are disjoint (duplicates are ranked among the rows not rejected):
  // one anti-join on their union finds the kept rows.
  await conn.run(`create or replace table ${e}_dropped as
    select record_key from ${e}_rejected union all select record_key from ${e}_duplicates;
    drop table ${e}_ranked_duplicates; drop table ${e}_hash_keys`);
}

/** Rows of `<e>_typed` that are kept (as a SQL condition on alias `t`). */
function keptCondition(e: string): string {
  return `not exists (select 1 from ${e}_dropped d where d.record_key = t.record_key)`;
}

/**
 * Step 5: the kept rows, in source order, with the contract's columns and types, to `file`; the
 * events to `eventsFile` (CSV without header, sorted: a part of the rejects file). `extra` adds
 * columns the typed view does not have (alias `x`, joined on `extra.using`).
 */
export async function writeEntity(
  conn: DuckDBConnection,
  assessment: Assessment,
  files: { kept: string; events: string },
  extra?: { sql: string; using: string },
): Promise<EntityAccounting> {
  const { policy } = assessment;
  const e = policy.entity;
  const schema = cleanEntity(e);
  const columns = schema.columns.map((c) => `${sqlIdent(c.name)}::${c.type} as ${sqlIdent(c.name)}`).join(", ");
  await conn.run(`create or replace table ${e}_flags as
    select record_key, array_to_string(list_sort(list_distinct(list(reason))), ',') as quality_flags
    from ${e}_events where action <> 'reject'
    group by record_key`);
  const kept = (order: string) => `copy (
      select ${columns}
      from (
        select t.*, coalesce(f.quality_flags, '') as quality_flags${extra ? ", x.* exclude (" + sqlIdent(extra.using) + ")" : ""}
        from ${e}_typed t
        left join ${e}_flags f on f.record_key = t.record_key
        ${extra ? `left join (${extra.sql}) x on x.${sqlIdent(extra.using)} = t.${sqlIdent(extra.using)}` : ""}
        where ${keptCondition(e)}
      )
      ${order}
    ) to ${sqlString(files.kept)} (format parquet, compression zstd)`;
  await conn.run(kept("order by record_key"));
  await conn.run(`create or replace view ${e}_kept as select * from read_parquet(${sqlString(files.kept)})`);

  const dedupeColumn = sqlString(policy.dedupeKey.join("+"));
  // One line per event on a kept row (value nulled, imputed, flagged) and one per rejected row,
  // each with the file and physical line of its record (the key is internal).
  // Materialised in narrow steps, then sorted: one query joining the lineage three times and
  // sorting the result ran out of memory at 10 M rows (customers: 3.4 M collapsed rows, each
  // with the line of the row it was collapsed into).
  await conn.run(`create or replace temp table ${e}_events_out as
    with first_reject as (
      select * from ${e}_events where action = 'reject'
      qualify row_number() over (partition by record_key order by ord) = 1
    ),
    lineage as (select record_key, source_file, source_line from ${e}_staged),
    rejected_rows as (
      select record_key, 'row_rejected' as action, "column", left(coalesce(raw, ''), ${RAW_VALUE_CHARS}) as raw_value, reason as reason_code,
        null::bigint as kept_source_line, null::varchar as kept_source_file
      from first_reject
      union all
      select d.record_key, 'row_collapsed', ${dedupeColumn}, '', d.reason_code, k.source_line, k.source_file
      from ${e}_duplicates d
      join lineage k on k.record_key = d.kept_line
    ),
    kept_events as (
      select record_key, case action when 'impute' then 'value_imputed' when 'flag' then 'value_flagged' end as action,
        "column", left(coalesce(raw, ''), ${RAW_VALUE_CHARS}) as raw_value, reason as reason_code, null::bigint, null::varchar
      from ${e}_events ev
      where action <> 'reject' and not exists (select 1 from ${e}_dropped d where d.record_key = ev.record_key)
    ),
    events as (
      select * from rejected_rows
      union all
      select * from kept_events
    )
    select ${sqlString(e)} as entity, l.source_line, ev.action, ev."column", ev.raw_value, ev.reason_code,
      case when ev.kept_source_line is null then ''
           else 'duplicate of line ' || ev.kept_source_line || case when ev.kept_source_file <> l.source_file then ' of ' || ev.kept_source_file else '' end
      end as detail,
      l.source_file, ev.record_key
    from events ev join lineage l using (record_key)`);
  await conn.run(`copy (select * exclude (record_key) from ${e}_events_out order by record_key, action, "column", reason_code)
    to ${sqlString(files.events)} (header false, delimiter ',')`);

  const [counts] = await queryRows<{ rows_in: number; kept: number; rejected: number; collapsed: number }>(
    conn,
    `select (select count(*) from ${e}_staged)::bigint as rows_in, (select count(*) from ${e}_kept)::bigint as kept,
       (select count(*) from ${e}_rejected)::bigint as rejected, (select count(*) from ${e}_duplicates)::bigint as collapsed`,
  );
  const reasons = await queryRows<{ action: string; reason: string; n: number }>(
    conn,
    `select action, reason_code as reason, count(*)::bigint as n from ${e}_events_out group by all order by action, reason`,
  );
  const pick = (action: string) => Object.fromEntries(reasons.filter((r) => r.action === action).map((r) => [r.reason, r.n]));
  const result: EntityAccounting = {
    rowsIn: counts.rows_in,
    rowsKept: counts.kept,
    rowsCollapsed: counts.collapsed,
    rowsRejected: counts.rejected,
    collapsedByReason: pick("row_collapsed"),
    rejectedByReason: pick("row_rejected"),
    flaggedByReason: { ...pick("value_flagged"), ...prefixKeys(pick("value_imputed"), "IMPUTED:") },
  };
  if (result.rowsIn !== result.rowsKept + result.rowsCollapsed + result.rowsRejected) {
    throw new Error(`${e}: ${result.rowsIn} rows in but ${result.rowsKept} kept + ${result.rowsCollapsed} collapsed + ${result.rowsRejected} rejected`);
  }
  return result;
}

/**
 * Column quality of the kept records before cleansing (their staged values: `before`) and after
 * (their cleansed values: `after`), so that both describe the same records; and of every staged
 * row (`staged`: the kept, collapsed and rejected ones), which is what the export itself holds.
 */
export async function measureQuality(
  conn: DuckDBConnection,
  assessment: Assessment,
): Promise<{ before: ColumnQuality[]; after: ColumnQuality[]; staged: ColumnQuality[] }> {
  const { policy } = assessment;
  const e = policy.entity;
  const columns = Object.entries(policy.columns);
  // One scan of each table for every column: same measures, a fraction of the scans. A column
  // whose missing values all raised an event counts its present values from the events (rows
  // minus missing events) rather than by testing every staged value again.
  const scanned = columns.map((_, i) => !assessment.missingEvents[i]);
  const presentTest = (i: number) => {
    const [column, rule] = columns[i];
    const raw = sqlIdent(rule.from ?? column);
    return `count(*) filter (where ${raw} is not null and trim(${raw}) <> '')::bigint as present_${i}`;
  };
  const presentSql = columns.flatMap(([column, rule], i) => [
    ...(scanned[i] ? [presentTest(i)] : []),
    `count(distinct ${sqlIdent(rule.from ?? column)})::bigint as distinct_${i}`,
  ]);
  // An invalid value is a present value with an event on its column (missing events are on blanks).
  const eventSql = columns.map((_, i) => `count(*) filter (where kind = 'invalid' and ord = ${i})::bigint as invalid_${i}, count(*) filter (where kind = 'missing' and ord = ${i})::bigint as missing_${i}`);
  const afterSql = columns.map(([column], i) => `count(${sqlIdent(column)})::bigint as present_${i}, count(distinct ${sqlIdent(column)})::bigint as distinct_${i}`);
  await conn.run(`create or replace temp table ${e}_kept_keys as select record_key from ${e}_typed t where ${keptCondition(e)}`);
  const keptOnly = `where record_key in (select record_key from ${e}_kept_keys)`;
  // Every staged row's distinct counts are the assessment's (buildValueMap counted them): not counted again.
  const presentOnlySql = columns.flatMap((_, i) => (scanned[i] ? [presentTest(i)] : []));
  const [all] = await queryRows<Record<string, number>>(conn, `select ${["count(*)::bigint as rows", ...presentOnlySql].join(", ")} from ${e}_staged`);
  const [b] = await queryRows<Record<string, number>>(conn, `select count(*)::bigint as rows, ${presentSql.join(", ")} from ${e}_staged ${keptOnly}`);
  const [vAll] = await queryRows<Record<string, number>>(conn, `select ${eventSql.join(", ")} from ${e}_events where kind in ('invalid', 'missing')`);
  const [v] = await queryRows<Record<string, number>>(conn, `select ${eventSql.join(", ")} from ${e}_events where kind in ('invalid', 'missing') and record_key in (select record_key from ${e}_kept_keys)`);
  for (const [m, ev] of [[all, vAll], [b, v]]) {
    columns.forEach((_, i) => {
      if (!scanned[i]) m[`present_${i}`] = m.rows - ev[`missing_${i}`];
    });
  }
  const [a] = await queryRows<Record<string, number>>(conn, `select count(*)::bigint as rows, ${afterSql.join(", ")} from ${e}_kept`);
  await conn.run(`drop table ${e}_kept_keys`);
  const measure = (m: Record<string, number>, inv: Record<string, number>, distinct: (i: number) => number): ColumnQuality[] =>
    columns.map(([column], i) => ({
      column,
      rows: m.rows,
      completeness: ratio(m[`present_${i}`], m.rows),
      validity: ratio(m[`present_${i}`] - (inv[`invalid_${i}`] ?? 0), m[`present_${i}`]),
      distinct: distinct(i),
    }));
  const after: ColumnQuality[] = columns.map(([column], i) => ({
    column,
    rows: a.rows,
    completeness: ratio(a[`present_${i}`], a.rows),
    validity: a[`present_${i}`] ? 1 : 0,
    distinct: a[`distinct_${i}`],
  }));
  return { before: measure(b, v, (i) => b[`distinct_${i}`]), after, staged: measure(all, vAll, (i) => assessment.distinctRaw[i]) };
}

/** Drops an entity's working tables once its outputs are written. */
export async function dropEntity(conn: DuckDBConnection, e: string, columnCount: number): Promise<void> {
  const maps = Array.from({ length: columnCount }, (_, i) => `drop table if exists ${e}_map_${i};`).join(" ");
  await conn.run(`drop view if exists ${e}_typed; drop table if exists ${e}_events; drop table if exists ${e}_rejected; drop table if exists ${e}_duplicates; drop table if exists ${e}_dropped; drop table if exists ${e}_flags; drop table if exists ${e}_events_out; ${maps}`);
}

function ratio(n: number, d: number): number {
  return d === 0 ? 0 : Math.round((n / d) * 1e6) / 1e6;
}

function imputeValue(missing: OnMissing): string | null {
  return typeof missing === "object" ? missing.impute : null;
}

function prefixKeys(o: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [prefix + k, v]));
}

/** The staged raw customer version keeps its own name so the cleansed one can take `customer_version`. */
function passthroughName(column: string, policy: EntityPolicy): string {
  return column === "customer_version" ? "raw_customer_version" : column;
}
