/**
 * The quality gates of the warehouse build. Every gate is a query that counts failing rows;
 * the build publishes the new warehouse only when every gate counts zero.
 *
 * - Generic tests declared in each `<table>.doc.json` (unique, not_null, relationships,
 *   accepted_values, expression_is_true, unique_combination, custom), run through the SQL
 *   templates of lib/warehouse/gates/ (dbt's generic tests, in DuckDB).
 * - Every declared key: the primary key (`primary_key`: no null, no repeat) and each
 *   relationship (an anti-join). DuckDB enforces none of the facts' keys (lib/warehouse/keys.ts):
 *   these gates are what stops a build with a duplicate or a dangling key.
 * - Every dimension has its unknown member (-1).
 * - Reconciliation with the cleansing manifest: rowsIn = fact rows + rejected rows, for order
 *   lines and stock snapshots; the net amount, gross amount and quantity of the cleansed lines
 *   equal fact_sales' to the cent (both sides DECIMAL in DuckDB); freight allocation sums
 *   exactly to each order's freight.
 *
 * The report is deterministic (no timings, stable order), so the same input gives the same
 * gates.json byte for byte.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { query, renderSql } from "./db";
import { largestEntityRows } from "../engine/settings";
import type { Model } from "./modelDoc";

const GATES_DIR = path.join(__dirname, "gates");

export interface GateResult {
  /** Stable id, e.g. `fact_sales.product_key.relationships` or `reconcile.order_lines.rows`. */
  gate: string;
  kind: string;
  table: string | null;
  column: string | null;
  status: "pass" | "fail";
  failures: number;
  detail?: string;
}

export type UnknownReference = {
  fact: string;
  role: string;
  rows: number;
};

export interface GatesReport {
  passed: boolean;
  gateCount: number;
  failedCount: number;
  gates: GateResult[];
  /** Facts kept with an unknown member, per dimension role (kept on purpose, counted here). */
  unknownReferences: UnknownReference[];
}

export interface EntityManifest {
  rowsIn: number;
  rowsKept: number;
  rowsRejected: number;
  rejectedByReason: Record<string, number>;
}

export interface CleanManifest {
  entities: Record<string, EntityManifest>;
  /** The export's own net total over the kept lines (lib/cleanse/sourceTotal.ts). */
  sourceTotals?: { netAmount: string };
}

/** `<cleanDir>/manifest.json`, written by the cleansing stage. */
export function readCleanManifest(cleanDir: string): CleanManifest {
  const file = path.join(cleanDir, "manifest.json");
  if (!existsSync(file)) throw new Error(`${file} not found: the reconciliation gates need the cleansing manifest`);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as CleanManifest;
  if (!manifest || typeof manifest.entities !== "object") throw new Error(`${file}: expected { "entities": { ... } }`);
  return manifest;
}

/** The rows of the largest entity a cleansing manifest lists (engineSettings' inputRows); undefined without a manifest. */
export function cleanInputRows(cleanDir: string): number | undefined {
  return existsSync(path.join(cleanDir, "manifest.json")) ? largestEntityRows(readCleanManifest(cleanDir).entities) : undefined;
}

function sqlLiteral(v: string | number | boolean): string {
  if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
  return String(v);
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface PlannedGate {
  gate: string;
  kind: string;
  table: string | null;
  column: string | null;
  sql: string;
  params?: Record<string, number | string>;
}

function qualified(model: Model): string {
  return model.schema === "main" ? q(model.name) : `${q(model.schema)}.${q(model.name)}`;
}

/** The generic tests a model's doc declares, as runnable gates. */
export function planModelGates(model: Model, gatesDir = GATES_DIR): PlannedGate[] {
  const table = qualified(model);
  const name = model.name;
  const tpl = (file: string, vars: Record<string, string>) => renderSql(path.join(gatesDir, file), vars);
  const own = (file: string, vars: Record<string, string>) => renderSql(path.join(GATES_DIR, file), vars);
  const planned: PlannedGate[] = [];
  for (const c of model.doc.columns) {
    const column = q(c.name);
    for (const t of c.tests ?? []) {
      if (t === "unique" || t === "not_null") {
        planned.push({ gate: `${name}.${c.name}.${t}`, kind: t, table: name, column: c.name, sql: own(`${t}.sql`, { table, column }) });
      } else if ("relationships" in t) {
        const [toTable, toColumn] = t.relationships.to.split(".");
        const toQualified = model.schema === "main" ? q(toTable) : `${q(model.schema)}.${q(toTable)}`;
        planned.push({
          gate: `${name}.${c.name}.relationships`,
          kind: "relationships",
          table: name,
          column: c.name,
          sql: own("relationships.sql", { table, column, to_table: toQualified, to_column: q(toColumn) }),
        });
      } else if ("accepted_values" in t) {
        planned.push({
          gate: `${name}.${c.name}.accepted_values`,
          kind: "accepted_values",
          table: name,
          column: c.name,
          sql: own("accepted_values.sql", { table, column, values: t.accepted_values.values.map(sqlLiteral).join(", ") }),
        });
      } else if ("expression_is_true" in t) {
        planned.push({
          gate: `${name}.${c.name}.${t.expression_is_true.name}`,
          kind: "expression_is_true",
          table: name,
          column: c.name,
          sql: own("expression_is_true.sql", { table, expression: t.expression_is_true.expression }),
        });
      }
    }
  }
  for (const t of model.doc.tests ?? []) {
    if ("unique_combination" in t) {
      planned.push({
        gate: `${name}.unique_combination.${t.unique_combination.join("+")}`,
        kind: "unique_combination",
        table: name,
        column: null,
        sql: own("unique_combination.sql", { table, columns: t.unique_combination.map(q).join(", ") }),
      });
    } else if ("expression_is_true" in t) {
      planned.push({
        gate: `${name}.${t.expression_is_true.name}`,
        kind: "expression_is_true",
        table: name,
        column: null,
        sql: own("expression_is_true.sql", { table, expression: t.expression_is_true.expression }),
      });
    } else if ("custom" in t) {
      planned.push({ gate: `${name}.${t.custom}`, kind: "custom", table: name, column: null, sql: tpl(`${t.custom}.sql`, {}) });
    }
  }
  if (model.doc.primaryKey?.length) {
    // Every declared primary key is a gate, enforced by DuckDB or not (lib/warehouse/keys.ts).
    const columns = model.doc.primaryKey.map(q);
    planned.push({
      gate: `${name}.primary_key`,
      kind: "primary_key",
      table: name,
      column: model.doc.primaryKey.length === 1 ? model.doc.primaryKey[0] : null,
      sql: own("primary_key.sql", { table, columns: columns.join(", "), any_null: columns.map((c) => `${c} is null`).join(" or ") }),
    });
  }
  if (model.doc.unknownMember) {
    const { column, value } = model.doc.unknownMember;
    planned.push({
      gate: `${name}.${column}.unknown_member`,
      kind: "unknown_member",
      table: name,
      column,
      sql: own("unknown_member.sql", { table, column: q(column), value: String(value) }),
    });
  }
  return planned;
}

function sumReasons(entity: EntityManifest): number {
  // Collapsed duplicates (merged into a kept row) are counted apart from rejects, by reason too.
  const byReason = { ...(entity.rejectedByReason ?? {}), ...((entity as { collapsedByReason?: Record<string, number> }).collapsedByReason ?? {}) };
  return Object.values(byReason).reduce((a, b) => a + Number(b), 0);
}

/** Reconciliation of the facts with the cleansed inputs and the cleansing manifest. */
export function planReconciliationGates(manifest: CleanManifest): PlannedGate[] {
  const planned: PlannedGate[] = [];
  for (const [entity, fact] of [
    ["order_lines", "fact_sales"],
    ["stock_snapshots", "fact_inventory"],
  ] as const) {
    const m = manifest.entities[entity];
    if (!m) throw new Error(`cleansing manifest has no entry for ${entity}: cannot reconcile ${fact}`);
    planned.push({
      gate: `reconcile.${entity}.rows`,
      kind: "reconciliation",
      table: fact,
      column: null,
      sql: renderSql(path.join(GATES_DIR, "reconcile_row_count.sql"), { staged: q(`stg_${entity}`), fact: q(fact) }),
      // The rejected count is the sum by reason, not the manifest's own total: a reason that is
      // not counted, or a total that does not add up, fails here.
      params: { rows_in: m.rowsIn, rows_kept: m.rowsKept, rows_rejected: sumReasons(m) },
    });
  }
  planned.push({ gate: "reconcile.order_lines.net_amount", kind: "reconciliation", table: "fact_sales", column: "net_amount", sql: renderSql(path.join(GATES_DIR, "reconcile_net_amount.sql")) });
  if (manifest.sourceTotals) {
    planned.push({
      gate: "reconcile.source.net_total", kind: "reconciliation", table: "fact_sales", column: "net_amount",
      sql: renderSql(path.join(GATES_DIR, "reconcile_source_total.sql")), params: { source_net: manifest.sourceTotals.netAmount },
    });
  }
  planned.push({ gate: "reconcile.order_lines.freight", kind: "reconciliation", table: "fact_sales", column: "freight_allocated", sql: renderSql(path.join(GATES_DIR, "reconcile_freight.sql")) });
  return planned;
}

export async function runPlannedGates(connection: DuckDBConnection, planned: PlannedGate[]): Promise<GateResult[]> {
  const results: GateResult[] = [];
  for (const p of planned) {
    const rows = await query<{ failures: number | string; detail?: string }>(connection, p.sql, p.params);
    const failures = Number(rows[0]?.failures ?? 0);
    const result: GateResult = { gate: p.gate, kind: p.kind, table: p.table, column: p.column, status: failures === 0 ? "pass" : "fail", failures };
    if (rows[0]?.detail !== undefined && rows[0]?.detail !== null) result.detail = String(rows[0].detail);
    results.push(result);
  }
  return results;
}

/** Run every gate of the warehouse. Results sorted by gate id. */
export async function runWarehouseGates(connection: DuckDBConnection, models: Model[], manifest: CleanManifest): Promise<GatesReport> {
  const planned = [...models.flatMap((m) => planModelGates(m)), ...planReconciliationGates(manifest)];
  const gates = (await runPlannedGates(connection, planned)).sort((a, b) => (a.gate < b.gate ? -1 : a.gate > b.gate ? 1 : 0));
  const unknownReferences = await query<UnknownReference>(connection, renderSql(path.join(GATES_DIR, "unknown_references.sql")));
  const failedCount = gates.filter((g) => g.status === "fail").length;
  return { passed: failedCount === 0, gateCount: gates.length, failedCount, gates, unknownReferences };
}

/** Thrown when a gate fails: the live warehouse is left as it was. */
export class GateFailure extends Error {
  readonly report: GatesReport;
  constructor(report: GatesReport, what = "warehouse") {
    const failed = report.gates.filter((g) => g.status === "fail");
    super(
      `${what} build stopped: ${failed.length} gate(s) failed, the previous ${what} is unchanged: ` +
        failed.map((g) => `${g.gate} (${g.failures} failing${g.detail ? `; ${g.detail}` : ""})`).join("; "),
    );
    this.name = "GateFailure";
    this.report = report;
  }
}
