/**
 * The indexes of core.duckdb: one `.sql` file per index under lib/warehouse/indexes/, each with
 * a comment saying why it pays for itself. DuckDB scans columnar data with zone maps (min/max per
 * row group), so most analytical queries need no index; an ART index earns its memory and its
 * insert cost only for selective point lookups (the GDPR data-subject lookups) and natural-key
 * lookups. Created after the tables are loaded (one bulk build instead of per-row maintenance).
 * `npm run bench -- queries` measures each one with and without (lib/warehouse/optimization/) and
 * records the verdict in reports/optimization.md.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { renderSql, run } from "./db";

export const INDEXES_DIR = path.join(__dirname, "indexes");

export interface IndexDefinition {
  name: string;
  file: string;
  /** The leading comment of the file: why the index exists. */
  rationale: string;
  sql: string;
}

export function listIndexes(dir = INDEXES_DIR): IndexDefinition[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const sql = renderSql(file);
      const rationale = sql
        .split("\n")
        .filter((l) => l.startsWith("--"))
        .map((l) => l.replace(/^--\s?/, ""))
        .join(" ")
        .replace(/^Why:\s*/, "");
      return { name: f.replace(/\.sql$/, ""), file, rationale, sql };
    });
}

export async function createIndexes(connection: DuckDBConnection, dir = INDEXES_DIR): Promise<string[]> {
  const created: string[] = [];
  for (const index of listIndexes(dir)) {
    await run(connection, index.sql);
    created.push(index.name);
  }
  return created;
}
