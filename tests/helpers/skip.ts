/**
 * Suites and tests that cannot run on this machine (no Chromium, no shared dataset) are skipped
 * through these helpers, which record why and how to enable them: the skip reporter
 * (tests/helpers/skipReporter.js) prints them at the end of `npm test`, where they cannot be
 * missed, and a test never returns early and counts as passed instead.
 *
 *   const describeWithChromium = describeIf(existsSync(CHROMIUM), `${CHROMIUM} not found`, "sudo apt-get install -y chromium");
 *   describeWithChromium("the portal in a browser", () => { ... });
 *
 * Name the alias `describe...` or `test...`: the compliance matrix reads titles under such names.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface SkipRecord {
  file: string;
  why: string;
  enable: string;
}

/** The calling test file, relative to the project (jest sets expect's state per file). */
function currentTestFile(): string {
  const file = expect.getState().testPath ?? "unknown";
  return path.relative(path.resolve(__dirname, "../.."), file).split(path.sep).join("/");
}

/** Records a skip for the reporter (a line of JSON in the file it names; nothing outside jest). */
export function recordSkip(why: string, enable: string): void {
  const target = process.env.WORKBOOK_SKIPS_FILE;
  const record: SkipRecord = { file: currentTestFile(), why, enable };
  if (target) fs.appendFileSync(target, JSON.stringify(record) + "\n");
}

/** `describe` when `condition` holds, else `describe.skip` with its reason recorded. */
export function describeIf(condition: unknown, why: string, enable: string): jest.Describe {
  if (condition) return describe;
  recordSkip(why, enable);
  return describe.skip;
}

/** `test` when `condition` holds, else `test.skip` with its reason recorded. */
export function testIf(condition: unknown, why: string, enable: string): jest.It {
  if (condition) return test;
  recordSkip(why, enable);
  return test.skip;
}
