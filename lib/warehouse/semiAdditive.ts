/**
 * The guard against the classic inventory mistake: summing a stock level across dates. Stock on
 * hand is semi-additive (Kimball): it adds across products and warehouses on one date, never
 * across dates. DuckDB cannot forbid `sum(stock_on_hand)`, so queries are checked before they
 * run: DuckDB parses the SQL (`json_serialize_sql`), and every SELECT that sums a column
 * documented as semi-additive in a table it reads must group (or partition) by one of that
 * table's snapshot keys (`snapshotKey` in the table's doc) or by a calendar day column.
 *
 * Static and conservative: it follows base tables named in the SELECT's own FROM clause, not
 * columns renamed through subqueries (a subquery is checked on its own). The questions runner
 * refuses a flagged query (lib/marts/questions.ts); analysts can call `findNaiveSums` on theirs.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { query, sqlString } from "./db";
import type { ModelDoc } from "./modelDoc";

export interface NaiveSum {
  table: string;
  column: string;
  /** What the SELECT groups by (column names), for the message. */
  groupedBy: string[];
  message: string;
}

/** Columns that name one calendar day; grouping by one of them keeps a sum within one date. */
const DAY_COLUMNS = ["calendar_date", "date_key", "snapshot_date", "snapshot_date_key"];
const SUM_FUNCTIONS = new Set(["sum", "fsum", "sumkahan", "kahan_sum", "sum_no_overflow"]);

type Node = Record<string, unknown>;

interface SemiAdditiveTable {
  columns: Set<string>;
  safeKeys: Set<string>;
}

export function semiAdditiveCatalogue(docs: ModelDoc[]): Map<string, SemiAdditiveTable> {
  const out = new Map<string, SemiAdditiveTable>();
  for (const doc of docs) {
    const columns = new Set(doc.columns.filter((c) => c.additivity === "semi-additive").map((c) => c.name));
    if (columns.size === 0) continue;
    out.set(doc.table, { columns, safeKeys: new Set([...(doc.snapshotKey ?? []), ...DAY_COLUMNS]) });
  }
  return out;
}

function lastName(ref: Node): string | undefined {
  const names = ref.column_names as string[] | undefined;
  return names?.[names.length - 1];
}

function baseTables(from: unknown, acc: string[] = []): string[] {
  if (!from || typeof from !== "object") return acc;
  const node = from as Node;
  if (node.type === "BASE_TABLE") acc.push(String(node.table_name));
  if (node.type === "JOIN") {
    baseTables(node.left, acc);
    baseTables(node.right, acc);
  }
  return acc;
}

/** Sum calls anywhere in an expression tree that do not cross into a subquery. */
function sumsIn(expr: unknown, acc: { column: string; partitions: string[] | null }[] = []): typeof acc {
  if (!expr || typeof expr !== "object") return acc;
  if (Array.isArray(expr)) {
    for (const e of expr) sumsIn(e, acc);
    return acc;
  }
  const node = expr as Node;
  if (node.class === "SUBQUERY") return acc;
  const fn = typeof node.function_name === "string" ? node.function_name.toLowerCase() : "";
  if ((node.class === "FUNCTION" || node.class === "AGGREGATE" || node.class === "WINDOW") && SUM_FUNCTIONS.has(fn)) {
    const children = (node.children as Node[] | undefined) ?? [];
    const partitions = node.class === "WINDOW" ? ((node.partitions as Node[] | undefined) ?? []).map((p) => lastName(p) ?? "") : null;
    for (const child of children) {
      const refs: Node[] = [];
      collectColumnRefs(child, refs);
      for (const ref of refs) {
        const name = lastName(ref);
        if (name) acc.push({ column: name, partitions });
      }
    }
  }
  for (const value of Object.values(node)) if (value && typeof value === "object") sumsIn(value, acc);
  return acc;
}

function collectColumnRefs(expr: unknown, acc: Node[]): void {
  if (!expr || typeof expr !== "object") return;
  if (Array.isArray(expr)) return expr.forEach((e) => collectColumnRefs(e, acc));
  const node = expr as Node;
  if (node.class === "SUBQUERY") return;
  if (node.class === "COLUMN_REF") acc.push(node);
  for (const value of Object.values(node)) if (value && typeof value === "object") collectColumnRefs(value, acc);
}

function selectNodes(tree: unknown, acc: Node[] = []): Node[] {
  if (!tree || typeof tree !== "object") return acc;
  if (Array.isArray(tree)) {
    for (const t of tree) selectNodes(t, acc);
    return acc;
  }
  const node = tree as Node;
  if (node.type === "SELECT_NODE") acc.push(node);
  for (const value of Object.values(node)) if (value && typeof value === "object") selectNodes(value, acc);
  return acc;
}

/** Every SELECT of `sql` that sums a semi-additive column across snapshots. Empty when the query is safe. */
export async function findNaiveSums(connection: DuckDBConnection, sql: string, docs: ModelDoc[]): Promise<NaiveSum[]> {
  const catalogue = semiAdditiveCatalogue(docs);
  const [{ ast }] = await query<{ ast: string }>(connection, `select json_serialize_sql(${sqlString(sql)}) as ast`);
  const parsed = JSON.parse(ast) as { error: boolean; error_message?: string; statements: Node[] };
  if (parsed.error) throw new Error(`cannot parse the query to check it for semi-additive sums: ${parsed.error_message}`);
  const findings: NaiveSum[] = [];
  for (const select of selectNodes(parsed.statements)) {
    const tables = baseTables(select.from_table).filter((t) => catalogue.has(t));
    if (tables.length === 0) continue;
    const groupedBy = ((select.group_expressions as Node[] | undefined) ?? []).map((g) => lastName(g) ?? "").filter(Boolean);
    const sums = sumsIn([select.select_list, select.having, select.qualify]);
    for (const s of sums) {
      for (const table of tables) {
        const entry = catalogue.get(table)!;
        if (!entry.columns.has(s.column)) continue;
        const keys = s.partitions ?? groupedBy;
        if (keys.some((k) => entry.safeKeys.has(k))) continue;
        findings.push({
          table,
          column: s.column,
          groupedBy: keys,
          message:
            `sum(${s.column}) over ${table} adds a semi-additive stock level across snapshot dates ` +
            `(grouped by ${keys.length ? keys.join(", ") : "nothing"}). Group by one of ${[...entry.safeKeys].join(", ")}, ` +
            `or read the period-end view (fact_inventory_period_end) / the month-end mart table.`,
        });
      }
    }
  }
  return findings;
}

export class NaiveSumError extends Error {
  readonly findings: NaiveSum[];
  constructor(findings: NaiveSum[], what: string) {
    super(`${what}: refused, ${findings.map((f) => f.message).join(" ")}`);
    this.name = "NaiveSumError";
    this.findings = findings;
  }
}

export async function assertNoNaiveSums(connection: DuckDBConnection, sql: string, docs: ModelDoc[], what = "query"): Promise<void> {
  const findings = await findNaiveSums(connection, sql, docs);
  if (findings.length) throw new NaiveSumError(findings, what);
}
