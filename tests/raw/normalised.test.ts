/**
 * The generator's normalised multi-file form (lib/raw/normalised.ts, profile data/sources/
 * normalised.json) describes the same records as the wide export: both must give the same
 * warehouse (every table's contents, lineage columns aside: they name different files) and the
 * same Open Data release (every CSV, byte for byte).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { openNative, queryRows, sqlString } from "../../lib/engine/native";
import { releaseOpenData, type ReleaseSummary } from "../../lib/opendata/release";
import { RAW_HEADER } from "../../lib/raw/contract";
import { InputError } from "../../lib/raw/inputError";
import { normaliseExport, writeNormalisedExport } from "../../lib/raw/normalised";
import { generatedRelease, warehouseFrom, type SmallWarehouse } from "../opendata/pipeline";
import { tempDir } from "../helpers/rawCsv";

jest.setTimeout(600_000);

const LINEAGE = new Set(["source_line", "source_file"]);
let wide: SmallWarehouse;
let normalised: SmallWarehouse;
let normalisedDir: string;
let files: Record<string, number>;
let wideRelease: ReleaseSummary;

beforeAll(async () => {
  const dir = tempDir("normalised-");
  // The wide side: the generated 20,000-row export, its warehouse and its release, built once per
  // run (the release tests use the same); a copy.
  ({ wh: wide, release: wideRelease } = await generatedRelease(20_000));
  normalisedDir = path.join(dir, "normalised");
  files = await writeNormalisedExport(path.join(wide.dir, "export.csv"), normalisedDir);
  normalised = await warehouseFrom(normalisedDir, "normalised", path.join(dir, "normalised-run"));
});

async function tableContents(corePath: string): Promise<Record<string, string[]>> {
  const { instance, conn } = await openNative();
  try {
    await conn.run(`attach ${sqlString(corePath)} as core (read_only)`);
    const tables = await queryRows<{ table_name: string }>(conn, "select table_name from duckdb_tables() where database_name = 'core' order by 1");
    const out: Record<string, string[]> = {};
    for (const { table_name } of tables) {
      const cols = (await queryRows<{ column_name: string }>(conn, `select column_name from (describe core.main."${table_name}")`))
        .map((c) => c.column_name)
        .filter((c) => !LINEAGE.has(c));
      const rows = await queryRows<{ r: string }>(conn, `select (${cols.map((c) => `coalesce("${c}"::varchar, '∅')`).join(" || '|' || ")}) as r from core.main."${table_name}" order by all`);
      out[table_name] = rows.map((r) => r.r);
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe("the normalised multi-file export", () => {
  test("is written as eight files joined by their *_ref numbers", () => {
    expect(Object.keys(files).sort()).toEqual(["carriers", "customers", "order_lines", "orders", "products", "stock", "suppliers", "warehouses"]);
    for (const f of ["orders", "order_lines", "customers", "products", "suppliers", "carriers", "warehouses", "stock"]) {
      expect(fs.existsSync(path.join(normalisedDir, `${f}.csv.gz`))).toBe(true);
    }
    // The master files are smaller than the lines: each record as typed is written once.
    expect(files.customers).toBeLessThan(files.order_lines);
  });

  test("gives the same warehouse as the wide export, table by table (lineage aside)", async () => {
    const a = await tableContents(wide.corePath);
    const b = await tableContents(normalised.corePath);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const table of Object.keys(a)) {
      expect({ table, rows: b[table].length }).toEqual({ table, rows: a[table].length });
      expect(b[table]).toEqual(a[table]);
    }
    expect(a.fact_sales.length).toBeGreaterThan(10_000);
  });

  test("every staged sale line of the normalised form points at its own line of order_lines.csv.gz", async () => {
    const { instance, conn } = await openNative();
    try {
      const [{ wrong, total }] = await queryRows<{ wrong: number; total: number }>(
        conn,
        `with raw as (
           select row_number() over () + 1 as line, * from read_csv(${sqlString(path.join(normalisedDir, "order_lines.csv.gz"))}, header = true, all_varchar = true)
         )
         select count(*) filter (where r.line is null or r.line_number is distinct from s.line_number or r.quantity is distinct from s.quantity)::bigint as wrong, count(*)::bigint as total
         from read_parquet(${sqlString(path.join(normalised.dir, "split", "order_lines.parquet"))}) s
         left join raw r on r.line = s.source_line`,
      );
      expect(total).toBeGreaterThan(10_000);
      expect(wrong).toBe(0);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  test("gives the same Open Data release, CSV for CSV, byte for byte", async () => {
    const dir = tempDir("normalised-od-");
    const a = wideRelease; // releaseOpenData on the wide warehouse, as below for the normalised one
    const b = await releaseOpenData({ martsPath: normalised.martsPath, corePath: normalised.corePath, cleanDir: normalised.cleanDir, outDir: path.join(dir, "normalised"), reportsDir: null });
    const csvs = a.files.filter((f) => f.endsWith(".csv")).sort();
    expect(csvs.length).toBeGreaterThan(3);
    expect(b.files.filter((f) => f.endsWith(".csv")).sort()).toEqual(csvs);
    for (const f of csvs) {
      expect({ f, same: fs.readFileSync(path.join(b.releaseDir, f)).equals(fs.readFileSync(path.join(a.releaseDir, f))) }).toEqual({ f, same: true });
    }
  });
});

describe("`npm start -- normalise` on a file it cannot use (normaliseExport)", () => {
  const expectInputError = async (work: Promise<unknown>, file: string, message: RegExp) => {
    const error = await work.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
  };

  test("a missing file, another header, a malformed record: stopped with the file named, no file written", async () => {
    const dir = tempDir("normalise-bad-");
    const out = path.join(dir, "out");
    await expectInputError(normaliseExport(path.join(dir, "nothere.csv"), out), "nothere.csv", /input file not found/);
    const other = path.join(dir, "other.csv");
    fs.writeFileSync(other, "a,b\n1,2\n");
    await expectInputError(normaliseExport(other, out), other, /wrong header/);
    const malformed = path.join(dir, "malformed.csv");
    fs.writeFileSync(malformed, `${RAW_HEADER.join(",")}\n${RAW_HEADER.map(() => "x").join(",")},one too many\n`);
    await expectInputError(normaliseExport(malformed, out), malformed, /cannot be normalised/);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  });

  test("--out naming a file, not a directory", async () => {
    const dir = tempDir("normalise-out-");
    const file = path.join(dir, "taken");
    fs.writeFileSync(file, "");
    await expectInputError(normaliseExport(path.join(wide.dir, "export.csv"), file), file, /is a file, not a directory/);
  });

  test("the command's output is the function's: the same eight files, byte for byte", async () => {
    const out = path.join(tempDir("normalise-cli-"), "n");
    expect(await normaliseExport(path.join(wide.dir, "export.csv"), out)).toEqual(files);
    for (const f of fs.readdirSync(normalisedDir).sort()) expect({ f, same: fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(normalisedDir, f))) }).toEqual({ f, same: true });
  });
});
