import { measureKeyCost } from "../../lib/bench/keys";
import { buildWarehouse } from "../../lib/warehouse/build";
import { fakeProtector, referenceFixture, tempDir, writeCleanFixture } from "../warehouse/fixtures";

// The benchmark measures, on a built warehouse, what each declared key costs when DuckDB enforces
// it: fact_sales' keys, which the build leaves to its gates, and each dimension's primary key,
// which it keeps (lib/warehouse/keys.ts).
test("every table of the decision is loaded with and without its keys, row for row", async () => {
  const built = await buildWarehouse({ cleanDir: await writeCleanFixture(referenceFixture()), outDir: tempDir("keys-wh-"), protector: fakeProtector(), lake: false });
  const cost = await measureKeyCost(built.corePath, tempDir("keys-work-"));
  expect(cost.tables!.map((t) => [t.table, t.rows, t.constraints, t.enforcedByBuild])).toEqual([
    ["fact_sales", built.tables.fact_sales, "primary key and 9 foreign keys", false],
    ...["dim_date", "dim_product", "dim_supplier", "dim_carrier", "dim_warehouse", "dim_channel", "dim_customer"].map((t) => [t, built.tables[t], "primary key", true]),
  ]);
  expect(cost).toMatchObject({ rows: built.tables.fact_sales, foreignKeys: 9, plainSeconds: cost.tables![0].plainSeconds, keyedSeconds: cost.tables![0].keyedSeconds });
  for (const t of cost.tables!) for (const s of [t.plainSeconds, t.keyedSeconds, t.plainCpuSeconds, t.keyedCpuSeconds]) expect(s).toBeGreaterThan(0);
}, 120_000);
