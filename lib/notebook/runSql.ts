/**
 * Shows a query file, then runs it: what the reader sees is what ran (source.ts shows, this
 * module also executes, so notebooks that only show code do not load the engine).
 */
import { resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { projectRoot } from "../io/paths";
import { query, renderSql, type Row } from "../warehouse/db";
import { projectPath, showSql, type SourceOptions } from "./source";

/** Shows `file`, then runs it with its `{{name}}` placeholders filled from `vars`; returns the rows. */
export async function showAndRunSql<T extends Row = Row>(
  connection: DuckDBConnection,
  file: string,
  vars: Record<string, string> = {},
  opts: Omit<SourceOptions, "language"> = {},
): Promise<T[]> {
  showSql(file, opts);
  return query<T>(connection, renderSql(resolve(projectRoot(), projectPath(file)), vars));
}
