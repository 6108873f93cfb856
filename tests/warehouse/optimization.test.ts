import * as path from "node:path";
import { buildWarehouse } from "../../lib/warehouse/build";
import { measureOptimisations } from "../../lib/warehouse/optimization/measure";
import { renderOptimisationReport } from "../../lib/warehouse/optimization/report";
import { fakeProtector, referenceFixture, tempDir, writeCleanFixture } from "./fixtures";

describe("the optimisation measurement", () => {
  let report: Awaited<ReturnType<typeof measureOptimisations>>;
  beforeAll(async () => {
    const clean = await writeCleanFixture(referenceFixture());
    const out = tempDir("wh-opt-");
    const built = await buildWarehouse({ cleanDir: clean, outDir: out, protector: fakeProtector() });
    report = await measureOptimisations({ corePath: built.corePath, lakeDir: path.join(out, "lake"), workDir: tempDir("measure-"), runs: 3 });
  });

  test("times every built index, every candidate and the lake, with and without", () => {
    const names = report.results.map((r) => r.optimisation);
    expect(names).toEqual(
      expect.arrayContaining(["idx_dim_customer_pseudonym", "idx_dim_product_product_id", "idx_fact_sales_customer_key", "hive_partitioning (one_month_by_category)"]),
    );
    for (const r of report.results) {
      expect(r.with.medianMs).toBeGreaterThan(0);
      expect(r.without.medianMs).toBeGreaterThan(0);
      expect(r.speedUp).toBeCloseTo(r.without.medianMs / r.with.medianMs, 1);
      expect(r.paysOff).toBe(r.speedUp >= 1.5);
      // Same answer with and without: an optimisation must not change results.
      expect(r.with.rows).toBe(r.without.rows);
    }
    expect(report.results.find((r) => r.optimisation === "idx_dim_customer_pseudonym")?.built).toBe(true);
    expect(report.results.find((r) => r.optimisation === "idx_fact_sales_customer_key")?.built).toBe(false);
  });

  test("the plans show the index used with it and not without it", () => {
    const lookup = report.results.find((r) => r.optimisation === "idx_dim_customer_pseudonym")!;
    expect(lookup.planWith).toMatch(/Index Scan/);
    expect(lookup.planWithout).not.toMatch(/Index Scan/);
  });

  test("the report never carries a pseudonym (they derive from a key)", () => {
    const text = renderOptimisationReport(report, { rows: 11, seed: 1, machine: "test" });
    expect(text).not.toMatch(/cp_[0-9a-f]{8}/);
    expect(text).toMatch(/<pseudonym>/);
    expect(text).toMatch(/\| `idx_fact_sales_customer_key` \| no \(candidate\)/);
  });
});
