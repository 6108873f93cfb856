/**
 * Runs the extraction queries against the marts (never core, never staging) and turns their
 * rows into the confidentiality engine's tables. Rows keep their true values: what leaves the
 * release is decided later by the engine.
 */
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../../engine/native";
import { renderSql } from "../../warehouse/db";
import type { CellInput, DimensionSpec, TableInput } from "../confidentiality/index";
import { MODEL_DIR, OdDataset, TimeGrain, measuresOf } from "./datasets";

export type ExtractRow = Record<string, string | number | null>;

/** Opens nothing: attaches the marts read-only on a scratch connection and makes them current. */
export async function attachMarts(conn: DuckDBConnection, martsPath: string): Promise<void> {
  await conn.run(`attach ${sqlString(path.resolve(martsPath))} as marts (read_only)`);
  await conn.run("use marts");
  await conn.run(renderSql(path.join(MODEL_DIR, "macros.sql")));
}

/** `grain` is null for a dataset without a time dimension (an empty ladder). */
export async function extractRows(conn: DuckDBConnection, ds: OdDataset, grain: TimeGrain | null): Promise<ExtractRow[]> {
  const sql = renderSql(ds.sqlFile, grain === null ? {} : { time_grain: sqlString(grain) });
  let rows: ExtractRow[];
  try {
    rows = await queryRows<ExtractRow>(conn, sql);
  } catch (err) {
    throw new Error(`${ds.sqlFile}: extraction failed at time grain ${grain}: ${(err as Error).message}`);
  }
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) if (typeof v === "bigint") r[k] = Number(v);
  }
  return rows;
}

export async function runReconcileQuery(conn: DuckDBConnection, ds: OdDataset): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number | bigint | null>>(conn, renderSql(path.join(MODEL_DIR, ds.reconcile)));
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? 0 : Number(v)]));
}

/** The dimensions as the engine sees them; `prefix` hierarchies get their parent map from the codes present. */
export function dimensionSpecs(ds: OdDataset, rows: readonly ExtractRow[]): DimensionSpec[] {
  return ds.dimensions.map((d) => {
    if (d.hierarchy !== "prefix") return { name: d.name, total: d.total };
    const parent: Record<string, string> = {};
    for (const r of rows) {
      const code = String(r[d.name]);
      const dash = code.indexOf("-");
      if (dash > 0 && code !== d.total) parent[code] = code.slice(0, dash);
    }
    return { name: d.name, total: d.total, parent };
  });
}

export function toTableInput(ds: OdDataset, rows: readonly ExtractRow[]): TableInput {
  const measures = measuresOf(ds);
  const cells: CellInput[] = rows.map((r, i) => {
    const dims: Record<string, string> = {};
    for (const d of ds.dimensions) {
      if (r[d.name] === null || r[d.name] === undefined) throw new Error(`${ds.sqlFile}: row ${i + 1}: dimension ${d.name} is null; expected a code`);
      dims[d.name] = String(r[d.name]);
    }
    const values: Record<string, number> = {};
    for (const m of measures) values[m.name] = Number(r[m.name] ?? 0);
    const cell: CellInput = { dims, measures: values, contributors: Number(r.contributors) };
    if (ds.businessUnits) {
      // The second class of units a cell describes (the carriers behind shipments to persons).
      cell.businessUnits = {
        label: ds.businessUnits,
        contributors: Number(r.business_units),
        topContribution: Number(r.business_top ?? 0),
        total: Number(r.business_total ?? 0),
      };
    }
    if (measures[0].kind === "amount") {
      return { ...cell, topContribution: Number(r.top_contribution ?? 0), absoluteTotal: Number(r.absolute_total ?? 0) };
    }
    return cell;
  });
  return {
    name: ds.dataset,
    population: ds.population,
    dimensions: dimensionSpecs(ds, rows),
    measures: measures.map((m) => ({ name: m.name, kind: m.kind!, sign: m.sign ?? "nonNegative" })),
    cells,
  };
}
