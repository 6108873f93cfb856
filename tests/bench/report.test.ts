import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { growthExponent, keysBound, nLogNExponent, writeBenchReport } from "../../lib/bench/report";
import { measureKeysSafely } from "../../lib/bench/run";
import type { BenchResults, BenchRun } from "../../lib/bench/results";
import { STAGE_LEVERS } from "../../lib/bench/levers";
import { spawnSync } from "node:child_process";
import { projectRoot } from "../helpers/runScript";
import { testIf } from "../helpers/skip";

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
      expect(growth).toContain("fact_sales with its keys enforced (which the build does not do), measured alone on the same rows, grows with k = 1.00");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the benchmark report's key cost", () => {
  test("what the facts' keys would cost, and what the dimensions' kept keys cost, follow the measurement", async () => {
    // Floor 25 s at 10 M rows; keys alone 100 - 10 = 90 s = 3.6 floors.
    const heavy = run(10_000_000, { split: 100, warehouse: 300 }, { plain: 10, keyed: 100 });
    expect(keysBound(heavy)).toEqual({ seconds: 90, floors: 3.6 });
    expect(keysBound(run(10_000_000, { split: 1 }))).toBeUndefined();
    heavy.keys!.tables = [
      { table: "fact_sales", rows: 9_700_000, constraints: "primary key and 9 foreign keys", enforcedByBuild: false, plainSeconds: 10, plainCpuSeconds: 15, keyedSeconds: 100, keyedCpuSeconds: 100 },
      { table: "dim_customer", rows: 870_000, constraints: "primary key", enforcedByBuild: true, plainSeconds: 2, plainCpuSeconds: 3, keyedSeconds: 2.5, keyedCpuSeconds: 3.5 },
      { table: "dim_date", rows: 1_462, constraints: "primary key", enforcedByBuild: true, plainSeconds: 0.01, plainCpuSeconds: 0.01, keyedSeconds: 0.03, keyedCpuSeconds: 0.03 },
    ];

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-report-"));
    try {
      const write = async (...rs: BenchRun[]) =>
        fs.readFileSync(await writeBenchReport(dir, { runs: Object.fromEntries(rs.map((r) => [String(r.rows), r])) }, path.join(dir, "benchmarks.json")), "utf8");
      const report = await write(heavy);
      expect(report).toContain("## What enforced keys would cost");
      expect(report).toContain("| 10,000,000 | 25.0 | 9,700,000 | 10.0 | 100.0 | 90.0 | 3.60 | 1.00 |");
      expect(report).toContain("| dim_customer | 870,000 | primary key | yes | 2.00 | 2.50 | 0.50 | 3.00 | 3.50 |");
      expect(report).toContain("| fact_sales | 9,700,000 | primary key and 9 foreign keys | no: gates |");
      expect(report).toContain("enforcing fact_sales' primary key and 9 foreign keys would cost 90.0 s, 3.60 floors; the build does not pay it. The dimensions' primary keys it keeps cost 0.52 s together (0.02 floors).");
      // A run without the measurement (older runs) has no such section.
      expect(await write(run(10_000_000, { split: 1 }))).not.toContain("## What enforced keys would cost");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a failed measurement is recorded in the report, and the keys job's failure does not stop the run", async () => {
    expect(await measureKeysSafely(() => Promise.reject(new Error("exit 1: Out of Memory Error: could not allocate block")))).toEqual({ keysFailure: "exit 1: Out of Memory Error: could not allocate block" });
    expect(await measureKeysSafely(async () => ({ seconds: 1, rows: 0, summary: "", peakRssBytes: 1, cpuSeconds: 1 }))).toEqual({ keysFailure: "the keys job returned no measurement" });
    const keyCost = { rows: 5, foreignKeys: 9, plainSeconds: 1, plainCpuSeconds: 1, keyedSeconds: 2, keyedCpuSeconds: 2 };
    expect(await measureKeysSafely(async () => ({ seconds: 3, rows: 5, summary: "s", peakRssBytes: 1, cpuSeconds: 3, keyCost }))).toEqual({ keys: { seconds: 3, summary: "s", peakRssBytes: 1, cpuSeconds: 3, ...keyCost } });

    const failed: BenchRun = { ...run(1_000_000, { split: 1, warehouse: 2 }), keysFailure: "killed by SIGKILL; its last message: loading" };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-report-"));
    try {
      const report = fs.readFileSync(await writeBenchReport(dir, { runs: { "1000000": failed } }, path.join(dir, "benchmarks.json")), "utf8");
      expect(report).toContain("At 1,000,000 rows the measurement failed (recorded, the run went on): killed by SIGKILL; its last message: loading");
      expect(report).toContain("pipeline / floor: ");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the benchmark report's targets (issue 24)", () => {
  test("15 floors at 1 M rows, 10 at 10 M, and what stands between the 10 M ratio and the long-run goal of 5", async () => {
    // Floors: 2.5 s at 1 M, 25 s at 10 M.
    const small = run(1_000_000, { split: 10, opendata: 30 }); // 40 s = 16 floors: missed
    const large = run(10_000_000, { split: 50, warehouse: 60, opendata: 140 }); // 250 s = 10 floors: met; 5 floors = 125 s
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-report-"));
    try {
      const report = fs.readFileSync(await writeBenchReport(dir, { runs: { "1000000": small, "10000000": large } }, path.join(dir, "benchmarks.json")), "utf8");
      expect(report).toContain("- pipeline / floor <= 10 at 10,000,000 rows: 10.00, met.");
      expect(report).toContain("- pipeline / floor <= 15 at 1,000,000 rows: 16.00, **missed** by 1.07x; the stages holding it back: opendata 30.0 s (12.0 floors), split 10.0 s (4.0 floors).");
      expect(report).toContain(
        "- long-run goal, pipeline / floor <= 5 at 10,000,000 rows: 10.00, 125 s (5.0 floors) away: the pipeline may take 125 s. The stage standing between is opendata, 140.0 s, 5.6 floors on its own; it alone exceeds the goal, so reaching it takes that stage under 125 s whatever the others do.",
      );
      const alone = fs.readFileSync(await writeBenchReport(dir, { runs: { "2000": run(2_000, { split: 1 }) } }, path.join(dir, "benchmarks.json")), "utf8");
      expect(alone).toContain("- pipeline / floor: 200.00 at 2,000 rows, a size without a target (the targets: 15 floors at 1,000,000 rows, 10 floors at 10,000,000 rows)");
      expect(alone).not.toContain("long-run goal");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("what was tried on each stage, longest first, with its commits, and the protect step's time per encryption from the run's own message", async () => {
    const big = run(5_000_000, { split: 80, warehouse: 300, marts: 40 });
    big.stages[1].steps = [{ label: "1000000 customers pseudonymised, 8000000 fields encrypted", seconds: 160 }, { label: "dim_customer 1100000 rows", seconds: 70 }];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-report-"));
    try {
      const report = fs.readFileSync(await writeBenchReport(dir, { runs: { "5000000": big } }, path.join(dir, "benchmarks.json")), "utf8");
      const section = report.slice(report.indexOf("## What was tried"), report.indexOf("## Time against N"));
      const headings = section.split("\n").filter((l) => l.startsWith("### "));
      expect(headings).toEqual([
        "### warehouse: 300.0 s, 24.0 floors, 71 % of the pipeline",
        "### split: 80.0 s, 6.4 floors, 19 % of the pipeline",
        "### marts: 40.0 s, 3.2 floors, 10 % of the pipeline",
      ]);
      // Every attempt the data names is printed with its commit, under its stage.
      for (const levers of STAGE_LEVERS.filter((l) => ["warehouse", "split", "marts"].includes(l.stage))) {
        const part = section.slice(section.indexOf(`### ${levers.stage}:`));
        for (const t of levers.tried) expect(part).toContain(`- tried (\`${t.commit}\`): ${t.what}.`);
        expect(part).toContain(`- next: ${levers.next}`);
      }
      expect(section).toContain("- this run: the protect step took 160.0 s (53 % of the stage) for 8,000,000 fields of 1,000,000 customers, 20.0 µs of wall time per field with every core at work; one encryption per customer row would do about 8.0 times fewer operations.");
      // A run of the code that encrypts one record per customer row says so, per record.
      big.stages[1].steps = [{ label: "1000000 customers pseudonymised, 1100000 personal records encrypted", seconds: 55 }];
      const records = fs.readFileSync(await writeBenchReport(dir, { runs: { "5000000": big } }, path.join(dir, "benchmarks.json")), "utf8");
      expect(records).toContain("- this run: the protect step took 55.0 s (18 % of the stage) for 1,100,000 personal records of 1,000,000 customers, 50.0 µs of wall time per record with every core at work.\n");
      // Without the protect step's message, no such line.
      big.stages[1].steps = [];
      const older = fs.readFileSync(await writeBenchReport(dir, { runs: { "5000000": big } }, path.join(dir, "benchmarks.json")), "utf8");
      expect(older).not.toContain("- this run: the protect step");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const inGit = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: projectRoot, encoding: "utf8" }).stdout.trim() === "true";
  testIf(inGit, "not a git checkout (the project was copied without its history)", "git clone the repository")("every commit the attempts name is in this repository's history", () => {
    for (const levers of STAGE_LEVERS) {
      for (const t of levers.tried) {
        // An ancestor of HEAD, not only an object of the local store: an amended commit stays in
        // a local clone's objects but is in no clone made from the published history.
        const found = spawnSync("git", ["merge-base", "--is-ancestor", t.commit, "HEAD"], { cwd: projectRoot });
        expect({ stage: levers.stage, commit: t.commit, found: found.status === 0 }).toEqual({ stage: levers.stage, commit: t.commit, found: true });
      }
    }
  });
});
