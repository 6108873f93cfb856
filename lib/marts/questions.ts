/**
 * The business questions each team asks of the marts, one `.sql` file each under
 * lib/marts/questions/, and a function per question for the notebooks (04) to call:
 *
 *   topCategories(martsPath, { top })          sales: top categories and their monthly trend
 *   marginByChannel(martsPath)                 finance: margin by sales channel
 *   supplierPerformance(martsPath)             purchasing: fill rate, lead time, stock-outs
 *   carrierDelays(martsPath)                   logistics: transit and delivery delays
 *   productsToReorder(martsPath, { daysOfSupply })  stock: what to reorder at the latest month end
 *
 * Every question is checked by the semi-additive guard before it runs (a question that sums a
 * month-end stock across months is refused), and reads marts.duckdb READ_ONLY.
 * Rows come back as plain objects; money as JS numbers (presentation, not accounting).
 */
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { renderSql } from "../warehouse/db";
import { assertNoNaiveSums } from "../warehouse/semiAdditive";
import { loadMartModels } from "./build";

export const QUESTIONS_DIR = path.join(__dirname, "questions");

export const QUESTIONS = {
  top_categories: "Top categories by net revenue and their month-by-month trend",
  margin_by_channel: "Net revenue, margin and margin rate by sales channel",
  supplier_performance: "Supplier fill rate, replenishment days, days to ship and stock-outs",
  carrier_delays: "Transit and delivery delays by carrier and shipping mode",
  products_to_reorder: "Products and warehouses to reorder at the latest month end",
} as const;

export type QuestionName = keyof typeof QUESTIONS;
export type QuestionRow = Record<string, string | number | boolean | null>;

function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  return String(value);
}

/** Run one question against a marts database; `params` fill the `$name` parameters of its SQL. */
export async function runQuestion(martsPath: string, name: QuestionName, params: Record<string, number> = {}): Promise<QuestionRow[]> {
  const sql = renderSql(path.join(QUESTIONS_DIR, `${name}.sql`));
  const instance = await DuckDBInstance.create(martsPath, { access_mode: "READ_ONLY", autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
  const connection = await instance.connect();
  try {
    await assertNoNaiveSums(connection, sql, loadMartModels().map((m) => m.doc), `question ${name}`);
    const reader = await connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export const topCategories = (martsPath: string, opts: { top?: number } = {}) => runQuestion(martsPath, "top_categories", { top: opts.top ?? 5 });
export const marginByChannel = (martsPath: string) => runQuestion(martsPath, "margin_by_channel");
export const supplierPerformance = (martsPath: string) => runQuestion(martsPath, "supplier_performance");
export const carrierDelays = (martsPath: string) => runQuestion(martsPath, "carrier_delays");
export const productsToReorder = (martsPath: string, opts: { daysOfSupply?: number } = {}) =>
  runQuestion(martsPath, "products_to_reorder", { days_of_supply: opts.daysOfSupply ?? 14 });
