/**
 * The order in which jest hands test files to its two workers: the longest first, so that no
 * long file starts last while the other worker has nothing left to do (the suite's wall time is
 * then about half its files' time, not that plus the last long file's).
 *
 * Jest does this by itself from the durations of the machine's previous run (its cache), and
 * without them by file size, which puts short files that run whole pipelines in child processes
 * (tests/cli/transactionRelease.test.ts: 40 lines, 35 s) at the end. On a fresh clone, as in CI,
 * there is no cache: this sequencer falls back on the durations of a committed run,
 * testDurations.json, and runs files that have neither (a new test file) first, as jest does.
 * Measured on a fresh 2-core machine, jest's cache emptied before each `npm test` (code of
 * 523c599 and this sequencer): in jest's order by size 325 s and 327 s (two runs), where
 * transactionRelease.test.ts started at 290 s and ran alone for its last 19 to 21 s; longest first
 * 293 s (one run).
 *
 * Regenerate the durations from a run: `npx jest --json --outputFile=/tmp/jest.json`, then
 * `node tests/helpers/sequencer.js /tmp/jest.json`.
 */
const fs = require("node:fs");
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const ROOT = path.resolve(__dirname, "..", "..");
const DURATIONS = path.join(__dirname, "testDurations.json");

/** A test file's path as testDurations.json keys it: relative to the project, with '/'. */
const keyOf = (file) => path.relative(ROOT, file).split(path.sep).join("/");

class LongestFirst extends Sequencer {
  #committed = JSON.parse(fs.readFileSync(DURATIONS, "utf8")).seconds;

  /** Milliseconds: this machine's last run (jest's cache), else the committed run's, else unknown (undefined). */
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const seconds = this.#committed[keyOf(test.path)];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}

module.exports = LongestFirst;

if (require.main === module) {
  // node tests/helpers/sequencer.js <jest --json output>: rewrites testDurations.json from that run.
  const run = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const seconds = Object.fromEntries(
    run.testResults.map((f) => [keyOf(f.name), Math.round((f.endTime - f.startTime) / 100) / 10]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const previous = fs.existsSync(DURATIONS) ? JSON.parse(fs.readFileSync(DURATIONS, "utf8")) : {};
  fs.writeFileSync(DURATIONS, JSON.stringify({ ...previous, seconds }, null, 2) + "\n");
  console.log(`wrote ${Object.keys(seconds).length} durations to ${keyOf(DURATIONS)}`);
}
