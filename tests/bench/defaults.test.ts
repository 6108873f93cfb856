/**
 * `npm run bench -- defaults`: the README's two commands timed on the default data. What it reads
 * of their output (npm start's summary, jest's JSON report) and what the report says of them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startParts, testParts } from "../../lib/bench/defaults";
import { writeBenchReport } from "../../lib/bench/report";
import type { BenchResults, CommandRun } from "../../lib/bench/results";

const START_OUTPUT = [
  "split: reading data/raw/retail_export.csv.gz",
  "  split 3 files",
  "summary",
  "  split          4.2 s  115000 records: 97756 sale, 17244 stock, 0 rejected",
  "  cleanse        6.0 s  144524 rows kept, 2068 rejected",
  "  opendata      12.5 s  release v031db91b6137: 6 datasets",
  "  purge          0.1 s  8 staging files holding personal values deleted",
  "",
].join("\n");

describe("reading the commands' own reports", () => {
  test("npm start: seconds per stage from the closing summary only, not from progress lines before it", () => {
    expect(startParts(START_OUTPUT)).toEqual([
      { name: "split", seconds: 4.2 },
      { name: "cleanse", seconds: 6 },
      { name: "opendata", seconds: 12.5 },
      { name: "purge", seconds: 0.1 },
    ]);
    expect(startParts("no summary here\n  split 3.0 s")).toEqual([]);
  });

  test("npm test: counts, and the slowest files first with paths relative to the project", () => {
    const root = "/p";
    const parts = testParts(
      {
        numPassedTests: 10,
        numFailedTests: 1,
        numPendingTests: 2,
        testResults: [
          { name: "/p/tests/a.test.ts", startTime: 1000, endTime: 3500 },
          { name: "/p/tests/b/c.test.ts", startTime: 0, endTime: 60000 },
          { name: "/p/tests/d.test.ts", startTime: 0, endTime: 100 },
        ],
      },
      root,
      2,
    );
    expect(parts.tests).toEqual({ passed: 10, failed: 1, skipped: 2, files: 3 });
    expect(parts.parts).toEqual([
      { name: "tests/b/c.test.ts", seconds: 60 },
      { name: "tests/a.test.ts", seconds: 2.5 },
    ]);
  });
});

describe("the report's lines for the README's commands", () => {
  const run = (command: string, seconds: number, exitCode = 0): CommandRun => ({
    command,
    commit: "0123456789abcdef0123456789abcdef01234567",
    dirty: false,
    machine: "2 cores",
    loadAverage: 0.5,
    startedAt: "2026-01-01T00:00:00.000Z",
    seconds,
    exitCode,
    parts: [{ name: "tests/slow.test.ts", seconds: 100 }],
    ...(command === "npm test" ? { tests: { passed: 700, failed: 0, skipped: 3, files: 88 } } : {}),
  });
  const bench = (defaults: BenchResults["defaults"]): BenchResults => ({
    runs: {
      "1000000": {
        rows: 1_000_000, seed: 1, commit: "0123456789abcdef0123456789abcdef01234567", dirty: false, machine: "2 cores", loadAverage: 0, startedAt: "2026-01-01T00:00:00.000Z",
        floor: { seconds: 3, rows: 1_000_000, peakRssBytes: 2 ** 29, summary: "floor" },
        stages: [{ stage: "split", seconds: 9, rows: 1_000_000, peakRssBytes: 2 ** 30, summary: "split" }],
        pipelineSeconds: 9, ratio: 3, peakRssBytes: 2 ** 30,
      },
    },
    defaults,
  });
  const lines = async (results: BenchResults) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-defaults-"));
    try {
      const text = fs.readFileSync(await writeBenchReport(dir, results, path.join(dir, "benchmarks.json")), "utf8");
      return text.split("\n").filter((l) => l.startsWith("- `npm start`") || l.startsWith("- `npm test`"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test("met, missed and failed are told apart against 30 s and 4 minutes", async () => {
    const [start, tests] = await lines(bench({ start: run("npm start", 25), tests: run("npm test", 300) }));
    expect(start).toContain("25.0 s, met");
    expect(tests).toContain("300.0 s, **missed** by 60 s");
    expect(tests).toContain("700 tests passed, 0 failed, 3 skipped in 88 files");
    const [failedStart] = await lines(bench({ start: run("npm start", 5, 1) }));
    expect(failedStart).toContain("**failed** (exit 1)");
  });

  test("a command not timed yet says how to time it, rather than claiming anything", async () => {
    const [start, tests] = await lines(bench(undefined));
    expect(start).toContain("not timed yet");
    expect(tests).toContain("not timed yet");
  });
});
