/**
 * Rich output for tslab notebook cells: tables, markdown, charts and JSON.
 *
 * Executed notebooks are committed and re-executed in CI, so every helper is a pure function of
 * its input: fixed number locale (en-US), no ids, no timestamps, columns in first-seen order.
 * The HTML and markdown builders are exported separately so they can be tested (and reused in
 * reports) without a running kernel.
 *
 * Every `show*` returns nothing: tslab prints a cell's last expression value as stdout, so a
 * helper that returned its HTML or SVG would print it a second time.
 */
import type { Display } from "tslab";
import { renderSvg, type TopLevelSpec } from "../charts/render";

/** The subset of an Arquero table used here (duck-typed: arquero is ESM-only, see stack.md). */
export interface TableLike {
  numRows(): number;
  columnNames(): string[];
  objects(options?: { limit?: number }): object[];
}

/**
 * How a column's numbers read. Periods are codes, not quantities: a year prints `2022`, not
 * `2,022`, and a month key (`202412`, the warehouse's yyyymm) prints `2024-12`. A code (an
 * identifier that happens to be a number) prints its digits as they are.
 */
export type ColumnFormat = "year" | "month" | "number" | "code";

export interface TableOptions {
  /** Rows shown; the rest are counted in a footnote. Default 20. */
  limit?: number;
  caption?: string;
  /** Columns to show, in order. Default: every key, in order of first appearance. */
  columns?: string[];
  /** Formats by column; a column without one is formatted by its name (see `formatOfColumn`). */
  formats?: Record<string, ColumnFormat>;
}

export const DEFAULT_TABLE_LIMIT = 20;

// One fixed locale, whatever LANG the kernel inherits, so the same numbers give the same bytes.
const integerFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const smallDecimalFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Formats a number for display: integers with thousands separators; other numbers with two
 * decimals, or three significant digits below 1 so that small rates do not show as 0.00.
 */
export function formatNumber(value: number | bigint): string {
  if (typeof value === "bigint") return integerFormat.format(value);
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞";
  if (Object.is(value, -0)) return "0"; // Intl would print "-0"
  if (Number.isInteger(value)) return integerFormat.format(value);
  return Math.abs(value) < 1 ? smallDecimalFormat.format(value) : decimalFormat.format(value);
}

function isNumeric(value: unknown): value is number | bigint {
  return typeof value === "number" || typeof value === "bigint";
}

/**
 * The format a column's name implies: `year`, `*_year` are years; `month_key`, `year_month`,
 * `*_month_key` are yyyymm month keys. Anything else is a number.
 */
export function formatOfColumn(column: string): ColumnFormat {
  const c = column.toLowerCase();
  if (c === "year" || c.endsWith("_year")) return "year";
  if (c === "month_key" || c === "year_month" || c.endsWith("_month_key") || c.endsWith("_year_month")) return "month";
  return "number";
}

/**
 * A number formatted as `format` says. A year is an integer without separators; a month key
 * yyyymm (190001 to 299912, month 1 to 12) is `yyyy-mm`. A value that is not a valid period
 * falls back to a plain number, so a wrong guess never hides a value.
 */
export function formatPeriod(value: number | bigint, format: ColumnFormat): string {
  if (format === "code") return String(value);
  const n = typeof value === "bigint" ? Number(value) : value;
  if (format === "year" && Number.isInteger(n) && n >= 1000 && n <= 9999) return String(n);
  if (format === "month" && Number.isInteger(n) && n >= 190001 && n <= 299912 && n % 100 >= 1 && n % 100 <= 12) {
    return `${Math.floor(n / 100)}-${String(n % 100).padStart(2, "0")}`;
  }
  return formatNumber(value);
}

/** Formats one table cell as HTML (already escaped). Missing values show as an italic `null`. */
export function formatCellHtml(value: unknown, format: ColumnFormat = "number"): string {
  if (value === null || value === undefined) return "<i>null</i>";
  if (isNumeric(value)) return escapeHtml(format === "number" ? formatNumber(value) : formatPeriod(value, format));
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "Invalid Date";
    const iso = value.toISOString();
    // Calendar dates (midnight UTC) read better without a clock time.
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  if (typeof value === "object") return escapeHtml(toJson(value));
  return escapeHtml(String(value));
}

function isTableLike(value: unknown): value is TableLike {
  const candidate = value as TableLike;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof candidate.numRows === "function" &&
    typeof candidate.columnNames === "function" &&
    typeof candidate.objects === "function"
  );
}

/** Builds the HTML of `showTable`: a plain table, one line per row so notebook diffs stay readable. */
// Rows are typed `object`, not Record<string, unknown>: a row typed by an interface has no index
// signature and would not be accepted.
export function tableHtml(rows: readonly object[] | TableLike, opts: TableOptions = {}): string {
  const limit = opts.limit ?? DEFAULT_TABLE_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new Error(`showTable: limit must be a non-negative integer, got ${String(limit)}`);
  }
  let shown: readonly Record<string, unknown>[];
  let total: number;
  let columns: string[];
  if (isTableLike(rows)) {
    total = rows.numRows();
    shown = rows.objects({ limit }) as Record<string, unknown>[];
    columns = opts.columns ?? rows.columnNames();
  } else {
    total = rows.length;
    shown = rows.slice(0, limit) as Record<string, unknown>[];
    columns = opts.columns ?? firstSeenKeys(shown);
  }
  // A column whose shown values are all numbers (or missing) is right-aligned, header included.
  const numericColumn = columns.map(
    (column) =>
      shown.some((row) => isNumeric(row[column])) &&
      shown.every((row) => row[column] === null || row[column] === undefined || isNumeric(row[column])),
  );
  const align = (i: number): string => ` style="text-align: ${numericColumn[i] ? "right" : "left"}"`;
  const formats = columns.map((column) => opts.formats?.[column] ?? formatOfColumn(column));

  const lines: string[] = ["<table>"];
  if (opts.caption !== undefined) lines.push(`<caption>${escapeHtml(opts.caption)}</caption>`);
  lines.push(`<thead><tr>${columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("")}</tr></thead>`);
  lines.push("<tbody>");
  for (const row of shown) {
    lines.push(`<tr>${columns.map((c, i) => `<td${align(i)}>${formatCellHtml(row[c], formats[i])}</td>`).join("")}</tr>`);
  }
  lines.push("</tbody>");
  lines.push("</table>");
  if (shown.length < total) {
    lines.push(`<p><small>${formatNumber(shown.length)} of ${formatNumber(total)} rows shown.</small></p>`);
  } else if (total === 0) {
    lines.push("<p><small>No rows.</small></p>");
  }
  return lines.join("\n") + "\n";
}

function firstSeenKeys(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** JSON text that also accepts bigint (as a decimal string), Map (as an object) and Set (as an array). */
export function toJson(value: unknown, indent = 0): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      return v;
    },
    indent,
  ) ?? String(value);
}

/** Builds the markdown of `showJson`: a fenced `json` block whose fence outlasts any backticks inside. */
export function jsonMarkdown(value: unknown): string {
  const json = toJson(value, 2);
  const longestRun = Math.max(0, ...(json.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}json\n${json}\n${fence}\n`;
}

/** tslab's display, loaded on first use so that importing this module never needs a kernel. */
function tslabDisplay(): Display {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("tslab") as typeof import("tslab")).display;
}

/** Shows rows (plain objects or an Arquero table) as an HTML table: the first `limit` rows. */
export function showTable(rows: readonly object[] | TableLike, opts: TableOptions = {}): void {
  tslabDisplay().html(tableHtml(rows, opts));
}

/** Shows markdown text (rendered by Jupyter and by GitHub). */
export function showMarkdown(markdown: string): void {
  tslabDisplay().markdown(markdown);
}

/** Shows a vega-lite chart as SVG (`image/svg+xml`, rendered by GitHub). Use as `await showChart(spec);`. */
export async function showChart(spec: TopLevelSpec): Promise<void> {
  tslabDisplay().svg(await renderSvg(spec));
}

/** Shows a value as pretty-printed JSON. */
export function showJson(value: unknown): void {
  tslabDisplay().markdown(jsonMarkdown(value));
}

/** Shows an SVG drawing made elsewhere (a diagram), as `image/svg+xml`. */
export function showSvg(svg: string): void {
  tslabDisplay().svg(svg);
}
