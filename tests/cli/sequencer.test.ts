/**
 * tests/helpers/sequencer.js: without jest's cache of this machine's last run (a fresh clone, CI),
 * test files go to the workers longest first by the committed durations, a file without any
 * duration (a new one) before them; with the cache, the cache's durations decide. And the
 * committed durations name only test files that exist.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../helpers/runScript";

const LongestFirst = require("../helpers/sequencer");
const durations = JSON.parse(fs.readFileSync(path.join(projectRoot, "tests", "helpers", "testDurations.json"), "utf8")) as { seconds: Record<string, number> };

function order(files: string[], cache?: Record<string, [number, number]>): string[] {
  // jest's test context, as much of it as the sequencer reads: no cache file (config.cache false), every file the same size.
  const context = { config: { cache: false }, hasteFS: { getSize: () => 100 } };
  const sequencer = new LongestFirst({});
  const tests = files.map((f) => ({ path: path.join(projectRoot, f), context }));
  if (cache) sequencer._cache.set(context, Object.fromEntries(Object.entries(cache).map(([f, v]) => [path.join(projectRoot, f), v])));
  return sequencer.sort(tests).map((t: { path: string }) => path.relative(projectRoot, t.path).split(path.sep).join("/"));
}

test("without jest's cache: the committed durations, longest first, a file without one first of all", () => {
  const known = ["tests/raw/contract.test.ts", "tests/cli/readme.test.ts", "tests/cli/transactionRelease.test.ts"];
  expect(known.every((f) => durations.seconds[f] !== undefined)).toBe(true);
  const byDuration = [...known].sort((a, b) => durations.seconds[b] - durations.seconds[a]);
  expect(order([...known, "tests/new.test.ts"])).toEqual(["tests/new.test.ts", ...byDuration]);
  // A short file that runs pipelines in child processes is not put last by its size (40 lines).
  expect(durations.seconds["tests/cli/transactionRelease.test.ts"]).toBeGreaterThan(durations.seconds["tests/raw/contract.test.ts"]);
});

test("with jest's cache of this machine's last run: its durations decide", () => {
  // SUCCESS is 1 in jest's cache; durations in milliseconds.
  const cache: Record<string, [number, number]> = { "tests/raw/contract.test.ts": [1, 500_000], "tests/cli/readme.test.ts": [1, 1_000] };
  expect(order(["tests/cli/readme.test.ts", "tests/raw/contract.test.ts"], cache)).toEqual(["tests/raw/contract.test.ts", "tests/cli/readme.test.ts"]);
});

test("the committed durations name test files that exist", () => {
  const missing = Object.keys(durations.seconds).filter((f) => !fs.existsSync(path.join(projectRoot, f)));
  expect(missing).toEqual([]);
});
