import { readFileSync } from "node:fs";
import path from "node:path";
import { RAW_COLUMNS, RAW_HEADER } from "../../lib/raw/contract";
import { DEFAULT_DEFECT_RATES, DEFECT_KINDS } from "../../lib/raw/defects";
import { DEFAULT_EXPORT } from "../../lib/raw/defaults";

const readme = readFileSync(path.join(__dirname, "../../data/README.md"), "utf8");
/** Column names from the first cell of the README's table rows: | `order_id` | ... */
const documentedColumns = [...readme.matchAll(/^\|\s*`([a-z_]+)`\s*\|/gm)].map((m) => m[1]).filter((name) => RAW_HEADER.includes(name));

describe("raw contract", () => {
  test("column names are unique snake_case and start with the record type", () => {
    expect(new Set(RAW_HEADER).size).toBe(RAW_HEADER.length);
    for (const name of RAW_HEADER) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(RAW_HEADER[0]).toBe("record_type");
  });

  test("every column is filled by at least one record type and described", () => {
    for (const column of RAW_COLUMNS) {
      expect(column.filledBy.length).toBeGreaterThan(0);
      expect(column.description.trim()).not.toBe("");
    }
  });

  test("data/README.md documents every column, in contract order", () => {
    expect(documentedColumns).toEqual([...RAW_HEADER]);
  });

  test("data/README.md lists every defect kind with its default rate, and the default dataset", () => {
    for (const kind of DEFECT_KINDS) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${kind}\``));
      expect([kind, row?.includes(String(DEFAULT_DEFECT_RATES[kind]))]).toEqual([kind, true]);
    }
    expect(readme).toContain(String(DEFAULT_EXPORT.seed));
    expect(readme).toContain(DEFAULT_EXPORT.rows.toLocaleString("en-US"));
  });
});
