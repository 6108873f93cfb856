/**
 * `WORKBOOK_MAX_ROWS=N` caps the rows of every export a command generates (`generate --rows`,
 * the benchmark's `--rows` and `--scale`): a quick rehearsal of the documented commands, as the
 * README-commands test runs them (tests/cli/readme.test.ts). Said on stderr whenever it applies,
 * so a capped measurement is never mistaken for the real one.
 */
export function rowsCap(): number | null {
  const text = process.env.WORKBOOK_MAX_ROWS;
  if (text === undefined || text === "") return null;
  const cap = Number(text);
  if (!Number.isInteger(cap) || cap <= 0) throw new Error(`WORKBOOK_MAX_ROWS=${JSON.stringify(text)}: expected a positive whole number of rows`);
  return cap;
}

/** `rows`, or the cap when it is lower (with a note on stderr). */
export function cappedRows(rows: number): number {
  const cap = rowsCap();
  if (cap === null || rows <= cap) return rows;
  process.stderr.write(`note: ${rows.toLocaleString("en-US")} rows capped at ${cap.toLocaleString("en-US")} by WORKBOOK_MAX_ROWS\n`);
  return cap;
}
