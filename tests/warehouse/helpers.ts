import { copyFileSync } from "node:fs";
import * as path from "node:path";
import { openDatabase, query, type Row } from "../../lib/warehouse/db";
import { tempDir } from "./fixtures";

/** Run queries against a database file; opened and closed around the call. */
export async function withDb<T>(file: string, fn: (q: <R extends Row = Row>(sql: string) => Promise<R[]>) => Promise<T>): Promise<T> {
  const db = await openDatabase(file);
  try {
    return await fn((sql) => query(db.connection, sql));
  } finally {
    db.close();
  }
}

/** A scratch copy of a database file (to tamper with it without touching the build output). */
export function scratchCopy(file: string): string {
  const copy = path.join(tempDir("scratch-"), path.basename(file));
  copyFileSync(file, copy);
  return copy;
}
