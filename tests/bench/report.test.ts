import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { growthExponent, keysBound, nLogNExponent, writeBenchReport } from "../../lib/bench/report";
import type { BenchResults, BenchRun } from "../../lib/bench/results";

const SIZES = [1_000_000, 2_000_000, 5_000_000, 10_000_000];

/** A run whose stages take the given seconds at its size, with a floor of N / 400,000 s. */
function run(rows: number, stageSeconds: Record<string, number>, keys?: { plain: number; keyed: number }): BenchRun {
  const stages = Object.entries(stageSeconds).map(([stage, seconds]) => ({ stage, seconds, rows, peakRssBytes: 2 ** 30, summary: stage }));
  const pipelineSeconds = stages.reduce((t, s) => t + s.seconds, 0);
  const floor = { seconds: rows / 400_000, rows, peakRssBytes: 2 ** 29, summary: "floor" };
  return {
    rows,
    seed: 1,
    commit: "0123456789abcdef0123456789abcdef01234567",
    dirty: false,
    machine: "2 cores (test CPU), 24 GiB, Node v20",
    loadAverage: 0,
    startedAt: "2026-01-01T00:00:00.000Z",
    floor,
    stages,
    ...(keys
      ? { keys: { seconds: keys.plain + keys.keyed, rows: rows * 0.97, peakRssBytes: 2 ** 30, summary: "keys", foreignKeys: 9, plainSeconds: keys.plain, plainCpuSeconds: keys.plain * 1.5, keyedSeconds: keys.keyed, keyedCpuSeconds: keys.keyed } }
      : {}),
    pipelineSeconds,
    ratio: pipelineSeconds / floor.seconds,
    peakRssBytes: 2 ** 30,
  };
}

describe("the benchmark report's growth test", () => {
  test("linear time has k = 1 and N log N has exactly the reference exponent, whatever the constant", () => {
    const linear = SIZES.map((n) => run(n, { split: n / 80_000 }));
    expect(growthExponent(linear, (r) => r.stages[0].seconds)).toBeCloseTo(1, 10);
    const nLogN = SIZES.map((n) => run(n, { split: (3e-7 * n * Math.log(n)) }));
    expect(growthExponent(nLogN, (r) => r.stages[0].seconds)).toBeCloseTo(nLogNExponent(SIZES)!, 10);
    // Between 1 M and 10 M rows, N log N grows as N^1.067: a threshold of 1.15 would let a stage
    // 20 % slower than N log N at 10 M pass.
    expect(nLogNExponent([1_000_000, 10_000_000])).toBeCloseTo(1 + Math.log10(Math.log(1e7) / Math.log(1e6)), 10);
    expect(nLogNExponent(SIZES)).toBeGreaterThan(1.06);
    expect(nLogNExponent(SIZES)).toBeLessThan(1.07);
  });

  test("the fit uses every size: one slow middle size moves k, which a two-point ratio would miss", () => {
    const runs = SIZES.map((n) => run(n, { split: n === 5_000_000 ? (n / 80_000) * 2 : n / 80_000 }));
    expect(growthExponent(runs, (r) => r.stages[0].seconds)).not.toBeCloseTo(1, 2);
    expect(growthExponent([runs[0]], (r) => r.stages[0].seconds)).toBeUndefined();
  });

  test("a stage growing faster than N log N is named as missing the target, one as fast as N log N is not", async () => {
    const runs = SIZES.map((n) => run(n, { split: n / 80_000, warehouse: 1e-6 * n ** 1.2 }, { plain: n / 1e6, keyed: n / 1e5 }));
    const results: BenchResults = { runs: Object.fromEntries(runs.map((r) => [String(r.rows), r])) };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-report-"));
    try {
      const report = fs.readFileSync(await writeBenchReport(dir, results, path.join(dir, "benchmarks.json")), "utf8");
      const growth = report.split("\n").find((l) => l.startsWith("- cost no worse than N log N"))!;
      expect(growth).toContain("split 1.00");
      expect(growth).toContain("**missed** by warehouse (k = 1.20)");
      expect(growth).not.toMatch(/missed by .*split/);
      expect(growth).toContain("fact_sales with its enforced keys, measured alone on the same rows, grows with k = 1.00");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the benchmark report's key cost", () => {
  test("keys alone, in floors, and the verdict on the ratio target follow the measurement", async () => {
    // Floor 25 s at 10 M rows; keys alone 100 - 10 = 90 s = 3.6 floors: with the floor, over 3.
    const heavy = run(10_000_000, { split: 100, warehouse: 300 }, { plain: 10, keyed: 100 });
    expect(keysBound(heavy)).toEqual({ seconds: 90, floors: 3.6 });
    // Keys alone 0.5 floors: with the floor, 1.5, within the target.
    const light = run(10_000_000, { split: 100, warehouse: 300 }, { plain: 10, keyed: 22.5 });
    expect(keysBound(light)!.floors).toBeCloseTo(0.5, 10);
    expect(keysBound(run(10_000_000, { split: 1 }))).toBeUndefined();

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-report-"));
    try {
      const write = async (r: BenchRun) =>
        fs.readFileSync(await writeBenchReport(dir, { runs: { [String(r.rows)]: r } }, path.join(dir, "benchmarks.json")), "utf8");
      const heavyReport = await write(heavy);
      expect(heavyReport).toContain("| 10,000,000 | 25.0 | 9,700,000 | 10.0 | 100.0 | 90.0 | 3.60 | 1.00 |");
      expect(heavyReport).toContain("**The ratio target cannot be met on this engine while issue 3's keys are enforced**");
      expect(heavyReport).toContain("Out of reach while issue 3's keys are enforced: DuckDB enforcing fact_sales' keys alone costs 3.60 floors");
      const lightReport = await write(light);
      expect(lightReport).not.toContain("cannot be met");
      expect(lightReport).toContain("Enforcing fact_sales' keys costs 0.50 floors of it");
      // A run without the measurement (older runs) has no such section.
      expect(await write(run(10_000_000, { split: 1 }))).not.toContain("## The least the pipeline must pay");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
