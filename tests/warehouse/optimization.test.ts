import * as path from "node:path";
import { buildWarehouse } from "../../lib/warehouse/build";
import { openDatabase, query } from "../../lib/warehouse/db";
import { measureOptimisations, redactPlanPseudonyms } from "../../lib/warehouse/optimization/measure";
import { renderOptimisationReport } from "../../lib/warehouse/optimization/report";
import { fakeProtector, referenceFixture, tempDir, testPseudonym, writeCleanFixture } from "./fixtures";

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
    // Nor any piece of one: a wrapped literal's tail is on the line below its head.
    for (const id of ["C001", "C002", "C003"]) {
      const hex = testPseudonym(id).slice(3);
      for (let i = 0; i + 6 <= hex.length; i++) expect(text).not.toContain(hex.slice(i, i + 6));
    }
  });
});

describe("pseudonyms in EXPLAIN plans", () => {
  const pseudonym = "cp_0123456789abcdef0123456789abcdef";
  const centred = (text: string, width: number) => {
    const left = Math.ceil((width - text.length) / 2);
    return " ".repeat(left) + text + " ".repeat(width - text.length - left);
  };
  const box = (width: number, rows: string[]) => ["┌" + "─".repeat(width) + "┐", ...rows.map((r) => "│" + centred(r, width) + "│"), "└" + "─".repeat(width) + "┘"];

  test("a literal wrapped over three lines of a box is redacted on all three, the box keeping its shape", () => {
    const literal = `'${pseudonym}'`;
    const left = box(13, ["Filters:", "pseudonym=", literal.slice(0, 13), literal.slice(13, 26), literal.slice(26), "3 rows"]);
    const right = box(12, ["PROJECTION", "#0", "", "", "", "3 rows"]);
    const plan = left.map((line, i) => line + right[i]).join("\n");
    expect(plan).toContain("9abcdef012345"); // the middle piece: neither head nor tail of the literal
    const redacted = redactPlanPseudonyms(plan);
    expect(redacted.split("\n")).toEqual(
      box(13, ["Filters:", "pseudonym=", "'<pseudonym>'", "", "", "3 rows"]).map((line, i) => line + right[i]),
    );
  });

  test("DuckDB's own plan of a pseudonym lookup keeps no piece of the pseudonym", async () => {
    const db = await openDatabase(":memory:");
    try {
      await db.connection.run("create table dim_customer as select 'cp_' || md5(cast(i as varchar)) as customer_pseudonym, i as customer_key from range(100) t(i)");
      await db.connection.run(`insert into dim_customer values ('${pseudonym}', 100)`);
      const rows = await query<{ explain_value: string }>(db.connection, `explain analyze select customer_key from dim_customer where customer_pseudonym = '${pseudonym}'`);
      const plan = rows.map((r) => r.explain_value).join("\n").split("\n").filter((l) => l.includes("│")).join("\n");
      expect(plan).toContain("789abcdef'"); // DuckDB wraps the literal: its tail is on a line of its own
      const redacted = redactPlanPseudonyms(plan);
      expect(redacted).toContain("<pseudonym>");
      expect(redacted).not.toMatch(/[0-9a-f]{6}/);
      // Every line keeps its width: the boxes still line up.
      expect(redacted.split("\n").map((l) => l.length)).toEqual(plan.split("\n").map((l) => l.length));
    } finally {
      db.close();
    }
  });
});
