import { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlIdent, sqlString } from "../engine/native";
import { buildValueMap } from "./applyRules";
import { EntityPolicy, OnMissing, RowRule } from "./missingValuePolicy";
import { Rule } from "./rules/index";
import { RuleName } from "./missingValuePolicy";
import { cleanEntity } from "./schema";

export interface EntityAccounting {
  rowsIn: number;
  rowsKept: number;
  rowsRejected: number;
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
 * Cleanses one staged entity inside DuckDB, following its policy:
 *   1. each column's rule runs on its distinct values (Arquero batches) into a value map;
 *   2. `<e>_assessed`: every staged row with its typed clean values and the list of events
 *      (missing, invalid, row rule), each with the action the policy gives it;
 *   3. `<e>_decided`: rows with a `reject` event are rejected; among the others, duplicates of
 *      the dedupe key are rejected too (the preferred row, then the first line, is kept);
 *   4. `<e>_kept` and `<e>_events` feed the Parquet output and the rejects file.
 * Every staged row ends in exactly one of kept or rejected; the caller checks the sum.
 */
export async function cleanseEntity(conn: DuckDBConnection, opts: AssessOptions & { lateRowRules?: RowRule[] }): Promise<EntityAccounting> {
  await assessEntity(conn, opts);
  return decideEntity(conn, opts.policy, opts.lateRowRules ?? []);
}

export interface AssessOptions {
    policy: EntityPolicy;
    stagedFile: string;
    rules: Record<RuleName, Rule>;
    /** Extra columns computed from the typed row (alias `t`), e.g. the cleansed customer version. */
    derived?: Record<string, string>;
    /**
     * Columns the source does not have at all (its profile's `lacks`): they take their imputed
     * value or null without one event per row; the absence is documented once, in the profile.
     */
    absent?: ReadonlySet<string>;
}

/** Steps 1-2: value maps, typed values and per-row events (`<e>_assessed`). */
export async function assessEntity(conn: DuckDBConnection, opts: AssessOptions): Promise<void> {
  const { policy } = opts;
  const e = policy.entity;
  const staged = `${e}_staged`;
  await conn.run(`create or replace view ${staged} as select * from read_parquet(${sqlString(opts.stagedFile)})`);
  const stagedColumns = (await queryRows<{ column_name: string }>(conn, `select column_name from (describe ${staged})`)).map((r) => r.column_name);

  const schema = cleanEntity(e);
  const typeOf = (c: string) => schema.columns.find((col) => col.name === c)?.type ?? "VARCHAR";
  const selects: string[] = ["s.source_line"];
  const joins: string[] = [];
  const events: string[] = [];
  const columns = Object.entries(policy.columns);

  for (const [i, [column, rule]] of columns.entries()) {
    const from = sqlIdent(rule.from ?? column);
    const map = `${e}_map_${i}`;
    await buildValueMap(conn, { staged, column: rule.from ?? column, mapTable: map, rule: opts.rules[rule.rule] });
    const m = `m${i}`;
    joins.push(`left join ${map} ${m} on ${m}.raw = s.${from}`);
    const missing = `(s.${from} is null or trim(s.${from}) = '')`;
    const imputed = imputeValue(rule.missing);
    selects.push(
      `case when ${missing} then ${imputed === null ? "null" : sqlString(imputed)} else ${m}.value end::${typeOf(column)} as ${sqlIdent(column)}`,
      `s.${from} as ${sqlIdent(`${column}__raw`)}`,
    );
    const missingAction = typeof rule.missing === "object" ? "impute" : rule.missing;
    // A missing optional value raises no event; a missing value never matches the value map.
    const onMissing = rule.missing === "allow" || opts.absent?.has(rule.from ?? column) ? "" : `when ${missing} then {'column': ${sqlString(column)}, 'reason': ${sqlString(`MISSING_${column.toUpperCase()}`)}, 'action': ${sqlString(missingAction)}, 'raw': s.${from}}`;
    events.push(
      `case ${onMissing}
            when ${m}.issue is not null then {'column': ${sqlString(column)}, 'reason': ${m}.issue, 'action': ${sqlString(rule.invalid)}, 'raw': s.${from}} end`,
    );
  }
  const passthrough = stagedColumns.filter((c) => c !== "source_line" && !columns.some(([col, r]) => (r.from ?? col) === c));
  for (const c of passthrough) selects.push(`s.${sqlIdent(c)} as ${sqlIdent(passthroughName(c, policy))}`);

  await conn.run(`create or replace table ${e}_typed as
    select ${selects.join(",\n      ")},
      md5(concat_ws(chr(31), ${stagedColumns.filter((c) => c !== "source_line").map((c) => `coalesce(s.${sqlIdent(c)}::varchar, chr(0))`).join(", ")})) as raw_hash,
      list_filter([${events.join(",\n        ")}], x -> x is not null) as column_events
    from ${staged} s
    ${joins.join("\n    ")}`);

  const derived = Object.entries(opts.derived ?? {});
  const rowRules = policy.rowRules.map(rowRuleEvent);
  await conn.run(`create or replace table ${e}_assessed as
    with derived as (
      select t.*${derived.map(([c, sql]) => `, ${sql} as ${sqlIdent(c)}`).join("")}
      from ${e}_typed t
    )
    select *, list_concat(column_events, list_filter([${rowRules.length ? rowRules.join(", ") : "null"}], x -> x is not null)) as events
    from derived`);

}

/**
 * Steps 3-4: rejection, deduplication, kept rows and the events log. `lateRowRules` are row rules
 * that need another entity's result (a customer version that no kept order line carries).
 */
export async function decideEntity(conn: DuckDBConnection, policy: EntityPolicy, lateRowRules: RowRule[] = []): Promise<EntityAccounting> {
  const e = policy.entity;
  const late = lateRowRules.map(rowRuleEvent);
  const key = policy.dedupeKey.map(sqlIdent).join(", ");
  await conn.run(`create or replace table ${e}_decided as
    with late as (
      select * replace (list_concat(events, list_filter([${late.length ? late.join(", ") : "null"}], x -> x is not null)) as events)
      from ${e}_assessed
    ),
    verdict as (
      select *, coalesce(list_bool_or(list_transform(events, x -> x.action = 'reject')), false) as has_reject from late
    ),
    ranks as (
      -- The ranking sorts only the key, the preference and the line: sorting whole rows (every raw,
      -- typed and event column) spilled to disk at 10 M rows and grew faster than the input.
      select source_line,
        row_number() over w as rank_in_key,
        first_value(source_line) over w as kept_line,
        first_value(raw_hash) over w as kept_hash
      from verdict
      where not has_reject
      window w as (partition by ${key} order by ${policy.prefer ? policy.prefer + ", " : ""}source_line)
    )
    select v.* exclude (column_events), r.rank_in_key, r.kept_line, r.kept_hash,
      v.has_reject or r.rank_in_key > 1 as rejected
    from verdict v left join ranks r using (source_line)`);

  await conn.run(`create or replace table ${e}_kept as
    select * exclude (events, has_reject, rank_in_key, kept_line, kept_hash, raw_hash, rejected),
      array_to_string(list_sort(list_distinct(list_transform(list_filter(events, x -> x.action <> 'reject'), x -> x.reason))), ',') as quality_flags
    from ${e}_decided where not rejected order by source_line`);

  // One line per event on a kept row (value nulled, imputed, flagged) and one per rejected row.
  await conn.run(`create or replace table ${e}_events as
    with rejected_rows as (
      select source_line, 'row_rejected' as action,
        coalesce(list_filter(events, x -> x.action = 'reject')[1].column, ${sqlString(policy.dedupeKey.join("+"))}) as "column",
        coalesce(list_filter(events, x -> x.action = 'reject')[1].raw, '') as raw_value,
        coalesce(list_filter(events, x -> x.action = 'reject')[1].reason,
                 case when raw_hash = kept_hash then 'DUPLICATE_EXACT' else 'DUPLICATE_NEAR' end) as reason_code,
        case when has_reject then '' else 'duplicate of line ' || kept_line end as detail
      from ${e}_decided where rejected
    ),
    kept_events as (
      select source_line, case ev.action when 'impute' then 'value_imputed' when 'flag' then 'value_flagged' end as action,
        ev.column as "column", coalesce(ev.raw, '') as raw_value, ev.reason as reason_code, '' as detail
      from (select source_line, unnest(events) as ev from ${e}_decided where not rejected)
    )
    select ${sqlString(e)} as entity, * from rejected_rows
    union all
    select ${sqlString(e)}, * from kept_events`);

  const [counts] = await queryRows<{ rows_in: number; kept: number; rejected: number }>(
    conn,
    `select count(*)::bigint as rows_in, count(*) filter (where not rejected)::bigint as kept, count(*) filter (where rejected)::bigint as rejected from ${e}_decided`,
  );
  const reasons = await queryRows<{ action: string; reason: string; n: number }>(
    conn,
    `select action, reason_code as reason, count(*)::bigint as n from ${e}_events group by all order by action, reason`,
  );
  const pick = (action: string) => Object.fromEntries(reasons.filter((r) => r.action === action).map((r) => [r.reason, r.n]));
  const result: EntityAccounting = {
    rowsIn: counts.rows_in,
    rowsKept: counts.kept,
    rowsRejected: counts.rejected,
    rejectedByReason: pick("row_rejected"),
    flaggedByReason: { ...pick("value_flagged"), ...prefixKeys(pick("value_imputed"), "IMPUTED:") },
  };
  if (result.rowsIn !== result.rowsKept + result.rowsRejected) {
    throw new Error(`${e}: ${result.rowsIn} rows in but ${result.rowsKept} kept + ${result.rowsRejected} rejected`);
  }
  return result;
}

/** Column quality of the staged values (before) and of the kept, cleansed values (after). */
export async function measureQuality(conn: DuckDBConnection, policy: EntityPolicy): Promise<{ before: ColumnQuality[]; after: ColumnQuality[] }> {
  const e = policy.entity;
  const columns = Object.keys(policy.columns);
  // One scan of each table for every column (not two queries per column): same measures, a
  // fraction of the scans on wide tables.
  const beforeSql = columns.map((column, i) => {
    const raw = sqlIdent(`${column}__raw`);
    return `count(*) filter (where ${raw} is not null and trim(${raw}) <> '')::bigint as present_${i},
              count(*) filter (where ${raw} is not null and trim(${raw}) <> ''
                               and not list_bool_or(list_transform(events, x -> x.column = ${sqlString(column)}) || [false]))::bigint as valid_${i},
              count(distinct ${raw})::bigint as distinct_${i}`;
  });
  const afterSql = columns.map((column, i) => `count(${sqlIdent(column)})::bigint as present_${i}, count(distinct ${sqlIdent(column)})::bigint as distinct_${i}`);
  const [b] = await queryRows<Record<string, number>>(conn, `select count(*)::bigint as rows, ${beforeSql.join(",\n              ")} from ${e}_assessed`);
  const [a] = await queryRows<Record<string, number>>(conn, `select count(*)::bigint as rows, ${afterSql.join(", ")} from ${e}_kept`);
  const before: ColumnQuality[] = columns.map((column, i) => ({
    column,
    rows: b.rows,
    completeness: ratio(b[`present_${i}`], b.rows),
    validity: ratio(b[`valid_${i}`], b[`present_${i}`]),
    distinct: b[`distinct_${i}`],
  }));
  const after: ColumnQuality[] = columns.map((column, i) => ({
    column,
    rows: a.rows,
    completeness: ratio(a[`present_${i}`], a.rows),
    validity: a[`present_${i}`] ? 1 : 0,
    distinct: a[`distinct_${i}`],
  }));
  return { before, after };
}

/** The event a row rule raises when its predicate holds. */
function rowRuleEvent(rule: RowRule): string {
  return `case when coalesce(${rule.when}, false) then {'column': '', 'reason': ${sqlString(rule.reason)}, 'action': ${sqlString(rule.action)}, 'raw': null::varchar} end`;
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
