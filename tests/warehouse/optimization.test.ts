import * as path from "node:path";
import { POLICY } from "../../lib/policy";
import { buildWarehouse } from "../../lib/warehouse/build";
import { openDatabase, query } from "../../lib/warehouse/db";
import { filesReadInPlan, measureOptimisations, redactPlanPseudonyms } from "../../lib/warehouse/optimization/measure";
import { keyGates, liveAgainstRecord, renderOptimisationReport } from "../../lib/warehouse/optimization/report";
import { decisionOf, describeResult, ruleSentence, verdictBand, verdictOf, type Described } from "../../lib/warehouse/optimization/verdict";
import { fakeProtector, referenceFixture, tempDir, testPseudonym, writeCleanFixture } from "./fixtures";

describe("verdicts follow the measurement and the policy", () => {
  const band = verdictBand();

  test("the threshold and its band come from lib/policy.ts", () => {
    expect(band.threshold).toBe(POLICY.optimisation.payOffSpeedUp);
    expect(band.upper).toBeCloseTo(POLICY.optimisation.payOffSpeedUp * (1 + POLICY.optimisation.verdictBandPercent / 100), 10);
    expect(band.lower).toBeCloseTo(POLICY.optimisation.payOffSpeedUp / (1 + POLICY.optimisation.verdictBandPercent / 100), 10);
    // With another policy, other bounds: nothing is typed twice.
    expect(verdictBand({ payOffSpeedUp: 2, verdictBandPercent: 50 })).toEqual({ threshold: 2, lower: 2 / 1.5, upper: 3 });
    expect(ruleSentence(band)).toContain(`at least ${POLICY.optimisation.payOffSpeedUp}× faster`);
  });

  test("a speed-up pays off at the band's top, does not under its bottom, and is too close to call between", () => {
    expect(verdictOf(band.upper, band)).toBe("pays off");
    expect(verdictOf(band.upper - 0.01, band)).toBe("too close to call");
    expect(verdictOf(band.threshold, band)).toBe("too close to call");
    expect(verdictOf(band.lower, band)).toBe("too close to call");
    expect(verdictOf(band.lower - 0.01, band)).toBe("does not pay off");
    expect(verdictOf(0.71, band)).toBe("does not pay off");
  });

  test("the decision follows the verdict: a built index that does not pay off is to remove, a candidate that pays off to add; too close keeps the current choice", () => {
    const speed = { purpose: "speed" as const };
    expect(decisionOf({ ...speed, built: true, verdict: "pays off" })).toBe("kept");
    expect(decisionOf({ ...speed, built: true, verdict: "too close to call" })).toBe("kept");
    expect(decisionOf({ ...speed, built: true, verdict: "does not pay off" })).toBe("remove it");
    expect(decisionOf({ ...speed, built: false, verdict: "pays off" })).toBe("add it");
    expect(decisionOf({ ...speed, built: false, verdict: "too close to call" })).toBe("left out");
    // The lake is an export layout: kept for the engines that read it, and said so.
    expect(decisionOf({ purpose: "export layout", built: true, verdict: "does not pay off" })).toBe("kept for other engines");
  });

  test("the prose is made from the numbers: a pruned partition read says how many files it opened, never that it opened them all", () => {
    const lake: Described = {
      optimisation: "hive_partitioning (one_month_by_category)",
      kind: "partitioning",
      purpose: "export layout",
      built: true,
      speedUp: 1.25,
      verdict: verdictOf(1.25, band),
      decision: "kept for other engines",
      with: { medianMs: 8.6, p25Ms: 8.1, p75Ms: 9.2, rows: 472 },
      without: { medianMs: 10.75, p25Ms: 10.1, p75Ms: 11.6, rows: 472 },
      files: { read: 1, total: 36 },
    };
    const text = describeResult(lake, band);
    expect(text).toContain("Measured: 10.8 ms without (quartiles 10.1–11.6), 8.60 ms with (8.10–9.20): 1.25×, 472 rows returned.");
    expect(text).toContain("the plan opened 1 of the 36 partition files");
    expect(text).not.toMatch(/every partition|all 36/);
    expect(text).toContain("does not claim they do");
    expect(describeResult({ ...lake, files: { read: 36, total: 36 } }, band)).toContain("opened all 36 partition files");
    // A built index measured at 0.71x is not called kept: it is to remove.
    const index: Described = { ...lake, optimisation: "idx", kind: "index", purpose: "speed", files: undefined, speedUp: 0.71, verdict: "does not pay off", decision: decisionOf({ built: true, verdict: "does not pay off", purpose: "speed" }) };
    expect(describeResult(index, band)).toContain("does not pay off (< 1.25×)");
    expect(describeResult(index, band)).toContain("take it out of lib/warehouse/indexes/");
  });

  test("the files a Parquet scan opened are read from its plan", () => {
    expect(filesReadInPlan("│    Scanning Files: 1/36   │\n│    Total Files Read: 1    │", 36)).toEqual({ read: 1, total: 36 });
    expect(filesReadInPlan("│    Total Files Read: 36   │", 36)).toEqual({ read: 36, total: 36 });
    expect(filesReadInPlan("│ SEQ_SCAN │", 36)).toBeUndefined();
  });

  test("the keys section names the gates that stand for the constraints, from the docs", () => {
    const gates = keyGates();
    expect(gates.map((g) => g.table)).toEqual(["fact_sales", "fact_inventory"]);
    expect(gates[0].gates).toContain("fact_sales.primary_key");
    expect(gates[0].gates.filter((g) => g.endsWith(".relationships"))).toHaveLength(9);
  });
});

describe("the optimisation measurement", () => {
  let report: Awaited<ReturnType<typeof measureOptimisations>>;
  beforeAll(async () => {
    const clean = await writeCleanFixture(referenceFixture());
    const out = tempDir("wh-opt-");
    const built = await buildWarehouse({ cleanDir: clean, outDir: out, protector: fakeProtector() });
    report = await measureOptimisations({ corePath: built.corePath, lakeDir: path.join(out, "lake"), workDir: tempDir("measure-"), runs: 6 });
  }, 120_000);

  test("times every built index, every candidate and the lake, with and without", () => {
    const names = report.results.map((r) => r.optimisation);
    expect(names).toEqual(
      expect.arrayContaining(["idx_dim_customer_pseudonym", "idx_dim_product_product_id", "idx_fact_sales_customer_key", "hive_partitioning (one_month_by_category)", "fact_sales ordered by date"]),
    );
    expect(report.runs).toBe(6);
    for (const r of report.results) {
      expect(r.with.runs).toBe(6);
      expect(r.without.runs).toBe(6);
      expect(r.with.p25Ms).toBeLessThanOrEqual(r.with.medianMs);
      expect(r.with.medianMs).toBeLessThanOrEqual(r.with.p75Ms);
      expect(r.speedUp).toBeCloseTo(r.without.medianMs / r.with.medianMs, 1);
      expect(r.verdict).toBe(verdictOf(r.speedUp, report.band));
      expect(r.paysOff).toBe(r.verdict === "pays off");
      expect(r.decision).toBe(decisionOf(r));
      expect(r.prose).toBe(describeResult(r, report.band));
      // Same answer with and without: an optimisation must not change results.
      expect(r.with.rows).toBe(r.without.rows);
    }
    expect(report.results.find((r) => r.optimisation === "idx_dim_customer_pseudonym")?.built).toBe(true);
    expect(report.results.find((r) => r.optimisation === "idx_fact_sales_customer_key")?.built).toBe(false);
    const lake = report.results.find((r) => r.optimisation === "hive_partitioning (one_month_by_category)")!;
    expect(lake.purpose).toBe("export layout");
    expect(lake.files).toEqual({ read: 1, total: 6 });
    const order = report.results.find((r) => r.kind === "clustering")!;
    expect(order.rowGroups!.total).toBeGreaterThan(0);
  });

  test("the plans show the index used with it and not without it", () => {
    const lookup = report.results.find((r) => r.optimisation === "idx_dim_customer_pseudonym")!;
    expect(lookup.planWith).toMatch(/Index Scan/);
    expect(lookup.planWithout).not.toMatch(/Index Scan/);
  });

  test("the report shows the rule and its threshold, never carries a pseudonym, and records a failed key measurement", () => {
    const text = renderOptimisationReport(report, { rows: 11, seed: 1, machine: "test", keys: { failure: "exit 1: out of memory" } });
    expect(text).not.toMatch(/cp_[0-9a-f]{8}/);
    expect(text).toMatch(/<pseudonym>/);
    expect(text).toContain(`at least ${POLICY.optimisation.payOffSpeedUp}× faster`);
    expect(text).toMatch(/\| `idx_fact_sales_customer_key` \| no \(candidate\)/);
    expect(text).toContain("## Keys: gates, not constraints");
    expect(text).toContain("could not be measured in this run: exit 1: out of memory");
    expect(text).not.toContain("has to open every partition");
    for (const r of report.results) expect(text).toContain(r.prose);
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

describe("a live measurement beside the record", () => {
  test("each live result is set beside the recorded verdict and the build's decision at the recorded size", () => {
    const band = verdictBand();
    const result = (optimisation: string, speedUp: number, built: boolean) => {
      const verdict = verdictOf(speedUp, band);
      const timing = { medianMs: 1, minMs: 1, p25Ms: 1, p75Ms: 1, runs: 3, rows: 1 };
      return { optimisation, kind: "index" as const, purpose: "speed" as const, built, speedUp, verdict, decision: decisionOf({ built, verdict, purpose: "speed" }), paysOff: verdict === "pays off", with: timing, without: timing, query: "", why: "", cost: "", prose: "", planWith: "", planWithout: "" };
    };
    const live = { factSalesRows: 10, customers: 2, runs: 3, band, results: [result("idx_a", 0.71, true), result("idx_new", 1, false)] };
    const record = { context: { rows: 1_000_000, seed: 1, machine: "m" }, report: { ...live, results: [result("idx_a", 3.4, true)] } };
    expect(liveAgainstRecord(live, record)).toEqual([
      { optimisation: "idx_a", liveSpeedUp: 0.71, liveVerdict: "does not pay off (< 1.25×)", recordedSpeedUp: 3.4, recordedVerdict: "pays off (≥ 1.80×)", decision: "kept" },
      { optimisation: "idx_new", liveSpeedUp: 1, liveVerdict: "does not pay off (< 1.25×)" },
    ]);
    expect(liveAgainstRecord(live, undefined).every((r) => r.decision === undefined)).toBe(true);
  });
});
