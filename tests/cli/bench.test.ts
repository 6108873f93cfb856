import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STAGE_ORDER } from "../../lib/cli/pipeline";
import { runScript } from "../helpers/runScript";
import { SMALL_EXPORT_ROWS } from "../helpers/smallExport";

const bench = (...args: string[]) => runScript("lib/bench/main.ts", ...args);

describe("the pipeline benchmark (npm run bench)", () => {
  // It checks that the benchmark works end to end on a small export, not how fast it is
  // (SMALL_EXPORT_ROWS: tests/helpers/smallExport.ts says why not fewer rows).
  test("a small run prints every stage, ends with the ratio pipeline / floor and writes the report", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-test-"));
    const reports = path.join(dir, "reports");
    const result = bench("--rows", String(SMALL_EXPORT_ROWS), "--reports-dir", reports, "--work-dir", path.join(dir, "work"));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);

    const lines = result.stdout.trim().split("\n");
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^pipeline \/ floor: \d+\.\d\d$/);
    for (const step of ["floor", ...STAGE_ORDER]) {
      expect(lines.some((l) => new RegExp(`^${step}\\s+\\d+\\.\\d s\\s+[\\d,]+ rows/s\\s+peak \\d+\\.\\d\\d GiB   cpu \\d+\\.\\d s$`).test(l))).toBe(true);
    }

    const recorded = JSON.parse(fs.readFileSync(path.join(reports, "benchmarks.json"), "utf8"));
    const run = recorded.runs[String(SMALL_EXPORT_ROWS)];
    expect(run.stages.map((s: { stage: string }) => s.stage)).toEqual(STAGE_ORDER);
    expect(run.floor.rows).toBeGreaterThan(0);
    expect(run.peakRssBytes).toBeGreaterThanOrEqual(Math.max(...run.stages.map((s: { peakRssBytes: number }) => s.peakRssBytes)));
    expect(Number(last.split(": ")[1])).toBeCloseTo(run.pipelineSeconds / run.floor.seconds, 2);

    // What fact_sales' keys would cost if DuckDB enforced them, measured on the run's own fact rows: the loads hold
    // every sale line the warehouse published.
    const warehouse = JSON.parse(fs.readFileSync(path.join(dir, "work", String(SMALL_EXPORT_ROWS), "warehouse", "gates.json"), "utf8"));
    expect(warehouse.passed).toBe(true);
    expect(run.keys.rows).toBeGreaterThan(0);
    expect(run.stages.find((s: { stage: string }) => s.stage === "warehouse").summary).toMatch(new RegExp(`^${run.keys.rows} sales lines,`));
    expect(run.keys.foreignKeys).toBe(9);
    expect(run.keys.plainSeconds).toBeGreaterThan(0);
    expect(run.keys.keyedSeconds).toBeGreaterThan(0);
    expect(lines.some((l) => /^keys\s+\d+\.\d s without, \d+\.\d s with fact_sales' keys \([\d,]+ rows\): -?\d+\.\d s, -?\d+\.\d\d floors$/.test(l))).toBe(true);

    // Every stage says where its time went, in steps that add up to no more than the stage (steps
    // under 0.05 s are dropped: the purge of a tiny run has none).
    for (const st of run.stages as { seconds: number; steps: { label: string; seconds: number }[] }[]) {
      if (st.seconds >= 1) expect(st.steps.length).toBeGreaterThan(0);
      expect(st.steps.reduce((t, x) => t + x.seconds, 0)).toBeLessThanOrEqual(st.seconds + 0.1 * st.steps.length);
      for (const x of st.steps) expect(x.label).not.toMatch(/(^|\s)\/\S/); // no absolute path of this machine (a design's "sales / month" is none)
    }

    const report = fs.readFileSync(path.join(reports, "benchmarks.md"), "utf8");
    expect(report).toContain("## Where the time goes");
    expect(report).toContain("## What enforced keys would cost");
    expect(report).toContain(`| ${SMALL_EXPORT_ROWS.toLocaleString("en-US")} | ${run.floor.seconds.toFixed(1)} | ${run.keys.rows.toLocaleString("en-US")} | ${run.keys.plainSeconds.toFixed(1)} | ${run.keys.keyedSeconds.toFixed(1)} |`);
    expect(report).toContain("- notebooks: not timed yet");
    for (const step of ["**floor**", ...STAGE_ORDER, "**pipeline**"]) expect(report).toContain(`| ${step} |`);
    expect(report).toContain(`pipeline / floor: ${last.split(": ")[1]}`);
    for (const chart of ["figures/benchmarks-stages.svg", "figures/benchmarks-scale.svg"]) {
      expect(report).toContain(`](${chart})`);
      expect(fs.readFileSync(path.join(reports, chart), "utf8")).toMatch(/^<svg/);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  test("the queries subcommand keeps its own --rows", () => {
    const result = bench("queries", "--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/--rows <n>\s+rows of the generated export \(default: "1000000"\)/);
  });
});
