import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { buildWarehouse, InjectedFailure } from "../../lib/warehouse/build";
import { GateFailure } from "../../lib/warehouse/gates";
import { fakeProtector, referenceFixture, tempDir, writeCleanFixture, type CleanFixture } from "./fixtures";
import { withDb } from "./helpers";

/** The reference data plus one more order: a rebuild that would change the warehouse. */
function biggerFixture(): CleanFixture {
  const f = referenceFixture();
  f.order_lines.push({ ...f.order_lines[0], order_id: "O8", line_number: 1, source_line: 500 });
  return f;
}

describe("atomic build", () => {
  let outDir: string;
  let firstGates: string;
  const salesRows = (file: string) => withDb(file, async (q) => (await q<{ n: number }>("select cast(count(*) as integer) as n from fact_sales"))[0].n);

  beforeAll(async () => {
    outDir = tempDir("atomic-");
    const clean = await writeCleanFixture(referenceFixture());
    await buildWarehouse({ cleanDir: clean, outDir, protector: fakeProtector(), lake: true });
    firstGates = readFileSync(path.join(outDir, "gates.json"), "utf8");
  });

  const expectPreviousWarehouseIntact = async () => {
    const corePath = path.join(outDir, "core.duckdb");
    expect(await salesRows(corePath)).toBe(11);
    expect(readFileSync(path.join(outDir, "gates.json"), "utf8")).toBe(firstGates);
    expect(readdirSync(outDir).filter((f) => f.includes(".next"))).toEqual([]);
    expect(readdirSync(path.join(outDir, "lake", "fact_sales")).length).toBeGreaterThan(0);
    expect(statSync(corePath).mode & 0o777).toBe(0o600);
  };

  test.each(["protect", "fact_sales", "gates", "lake", "commit"])("a failure injected after %s leaves the previous warehouse usable", async (step) => {
    const clean = await writeCleanFixture(biggerFixture());
    const protector = fakeProtector();
    await expect(buildWarehouse({ cleanDir: clean, outDir, protector, failAfter: step })).rejects.toThrow(InjectedFailure);
    await expectPreviousWarehouseIntact();
  });

  test("a failed gate (manifest does not reconcile) stops the build and reports the gate", async () => {
    const fixture = biggerFixture();
    fixture.manifestOverride = { order_lines: { rowsIn: 99 } };
    const clean = await writeCleanFixture(fixture);
    const protector = fakeProtector();
    const err = await buildWarehouse({ cleanDir: clean, outDir, protector }).catch((e) => e);
    expect(err).toBeInstanceOf(GateFailure);
    expect(err.message).toContain("reconcile.order_lines.rows");
    expect(protector.commits).toBe(0); // no key is committed for a warehouse that is not published
    const failed = JSON.parse(readFileSync(path.join(outDir, "gates.failed.json"), "utf8"));
    expect(failed.gates.filter((g: { status: string }) => g.status === "fail").map((g: { gate: string }) => g.gate)).toEqual(["reconcile.order_lines.rows"]);
    await expectPreviousWarehouseIntact();
  });

  test("a duplicate fact key (no constraint enforces it) fails the primary_key gate and leaves the previous warehouse", async () => {
    const fixture = biggerFixture();
    // O1 line 1 twice, as two source lines: DuckDB loads both; the gate refuses the warehouse.
    fixture.order_lines.push({ ...fixture.order_lines[0], source_line: 501 });
    const clean = await writeCleanFixture(fixture);
    const protector = fakeProtector();
    const err = await buildWarehouse({ cleanDir: clean, outDir, protector }).catch((e) => e);
    expect(err).toBeInstanceOf(GateFailure);
    expect(err.message).toContain("fact_sales.primary_key (2 failing; 0 row(s) with a null key column; 1 key(s) held by more than one row (2 rows))");
    expect(protector.commits).toBe(0);
    const failed = JSON.parse(readFileSync(path.join(outDir, "gates.failed.json"), "utf8"));
    expect(failed.gates.filter((g: { status: string }) => g.status === "fail").map((g: { gate: string }) => g.gate)).toEqual(["fact_sales.primary_key"]);
    await expectPreviousWarehouseIntact();
  });

  test("an input that breaks the cleansed contract is refused with the file and column named", async () => {
    const fixture = biggerFixture();
    const clean = await writeCleanFixture(fixture);
    // overwrite products.parquet with a wrong type for product_name
    await withDb(":memory:", (q) => q(`copy (select 1 as source_line, 'P1' as product_id, 42 as product_name, 'c' as category, 's' as subcategory, 'b' as brand, 'S' as supplier_id, '' as quality_flags) to '${clean}/products.parquet' (format parquet)`));
    await expect(buildWarehouse({ cleanDir: clean, outDir, protector: fakeProtector() })).rejects.toThrow(/products\.parquet breaks the cleansed contract.*product_name is INTEGER, expected VARCHAR/);
    await expectPreviousWarehouseIntact();
  });

  test("a successful rebuild replaces the warehouse and commits the keys", async () => {
    const clean = await writeCleanFixture(biggerFixture());
    const protector = fakeProtector();
    const summary = await buildWarehouse({ cleanDir: clean, outDir, protector });
    expect(protector.commits).toBe(1);
    expect(await salesRows(summary.corePath)).toBe(12);
    expect(existsSync(path.join(outDir, "gates.failed.json"))).toBe(false);
  });
});
