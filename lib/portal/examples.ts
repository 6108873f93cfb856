/**
 * The example queries of the SQL console: one `.sql` file each in lib/portal/examples/, in file
 * order, with a header naming its title, the tables it needs and how its result reads best:
 *
 *   -- title: Totals per period, every area and category
 *   -- needs: sales_by_period_region_category
 *   -- show: chart
 *
 * An example whose tables are not in the release is left out of the site (a release without
 * that dataset must not ship a query that fails).
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";

export const EXAMPLES_DIR = path.join(__dirname, "examples");

export interface ExampleQuery {
  id: string;
  title: string;
  needs: string[];
  show: "table" | "chart";
  sql: string;
}

export function parseExample(id: string, text: string): ExampleQuery {
  const header = new Map<string, string>();
  const body: string[] = [];
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    const m = /^--\s*(title|needs|show):\s*(.*)$/.exec(line);
    if (m && body.length === 0) header.set(m[1], m[2].trim());
    else body.push(line);
  }
  const title = header.get("title");
  if (!title) throw new Error(`${path.join(EXAMPLES_DIR, id)}.sql, line 1: expected "-- title: <what the query shows>"`);
  const show = header.get("show") ?? "table";
  if (show !== "table" && show !== "chart") throw new Error(`${path.join(EXAMPLES_DIR, id)}.sql: "-- show:" must be table or chart, not ${show}`);
  return {
    id,
    title,
    needs: (header.get("needs") ?? "").split(/[,\s]+/).filter((s) => s.length > 0),
    show,
    sql: body.join("\n").trim(),
  };
}

export function loadExamples(tables: ReadonlySet<string>): ExampleQuery[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => parseExample(f.replace(/\.sql$/, ""), readFileSync(path.join(EXAMPLES_DIR, f), "utf8")))
    .filter((e) => e.needs.every((t) => tables.has(t)));
}
