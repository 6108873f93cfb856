/**
 * The example queries of the SQL console: one `.sql` file each in lib/portal/examples/, in file
 * order, with a header naming its title, the tables (and columns) it needs and how its result
 * reads best:
 *
 *   -- title: Totals per period, every area and category
 *   -- needs: sales_by_period_area_category(period, geo_code, category)
 *   -- show: chart
 *
 * A table's design is chosen per release (time grain, geography level, dimensions dropped), so a
 * column an example needs may be absent from a release, and a dimension it does not expect may be
 * present (`-gender`: the example is right only when the table has no `gender` column). An
 * example whose tables or columns do not match the release is left out of the site: a release
 * must not ship a query that fails, or one that silently adds a dimension's codes together.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";

export const EXAMPLES_DIR = path.join(__dirname, "examples");

export interface ExampleNeed {
  table: string;
  /** Columns the query reads. */
  columns: string[];
  /** Columns that must be absent (a dimension the query would otherwise add up over its codes). */
  without: string[];
}

export interface ExampleQuery {
  id: string;
  title: string;
  needs: ExampleNeed[];
  show: "table" | "chart";
  sql: string;
}

/** "a(x, -y), b" -> [{table: a, columns: [x], without: [y]}, {table: b, ...}]. */
function parseNeeds(file: string, text: string): ExampleNeed[] {
  const needs: ExampleNeed[] = [];
  const rest = text.replace(/(\w+)\s*(?:\(([^)]*)\))?\s*(?:,|$)/g, (_, table: string, columns: string | undefined) => {
    const names = (columns ?? "").split(",").map((c) => c.trim()).filter((c) => c !== "");
    const bad = names.find((c) => !/^-?\w+$/.test(c));
    if (bad) throw new Error(`${file}: "-- needs:" column "${bad}" is not a column name (write table(column, -absent_column))`);
    needs.push({ table, columns: names.filter((c) => !c.startsWith("-")), without: names.filter((c) => c.startsWith("-")).map((c) => c.slice(1)) });
    return "";
  });
  if (rest.trim() !== "") throw new Error(`${file}: "-- needs:" could not read "${rest.trim()}" (write table(column, ...), other_table)`);
  return needs;
}

export function parseExample(id: string, text: string): ExampleQuery {
  const file = `${path.join(EXAMPLES_DIR, id)}.sql`;
  const header = new Map<string, string>();
  const body: string[] = [];
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    const m = /^--\s*(title|needs|show):\s*(.*)$/.exec(line);
    if (m && body.length === 0) header.set(m[1], m[2].trim());
    else body.push(line);
  }
  const title = header.get("title");
  if (!title) throw new Error(`${file}, line 1: expected "-- title: <what the query shows>"`);
  const show = header.get("show") ?? "table";
  if (show !== "table" && show !== "chart") throw new Error(`${file}: "-- show:" must be table or chart, not ${show}`);
  return { id, title, needs: parseNeeds(file, header.get("needs") ?? ""), show, sql: body.join("\n").trim() };
}

/** Whether the release's tables (name -> columns) have what the example needs. */
export function fits(example: ExampleQuery, tables: ReadonlyMap<string, readonly string[]>): boolean {
  return example.needs.every((n) => {
    const columns = tables.get(n.table);
    return columns !== undefined && n.columns.every((c) => columns.includes(c)) && n.without.every((c) => !columns.includes(c));
  });
}

export function loadExamples(tables: ReadonlyMap<string, readonly string[]>): ExampleQuery[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => parseExample(f.replace(/\.sql$/, ""), readFileSync(path.join(EXAMPLES_DIR, f), "utf8")))
    .filter((e) => fits(e, tables));
}
