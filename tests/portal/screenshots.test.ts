/**
 * The portal's committed screenshots picture the committed current release. Their pixels are not
 * compared (they depend on the browser build and fonts: .ci/nondeterministic.txt), so the browser
 * test writes, beside them, the release and page each one shows (reports/portal-screenshots.json),
 * and this test holds that record to outputs/opendata/current.json. Without it the screenshots the
 * README links stayed those of release v8d959d96af8f (nine cells in ten confidential in one
 * table) through eight later releases, while every test passed.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { OPENDATA_DIR, releaseUnderTest, REPORTS_DIR, ROOT, SCREENSHOTS_RECORD, type ScreenshotsRecord } from "./site";

const REFRESH = "refresh them: PORTAL_SCREENSHOTS=1 npx jest tests/portal/browser.test.ts (needs Debian's chromium), then commit reports/portal-*.png with reports/portal-screenshots.json";

function record(): ScreenshotsRecord {
  const file = path.join(REPORTS_DIR, SCREENSHOTS_RECORD);
  if (!existsSync(file)) throw new Error(`reports/${SCREENSHOTS_RECORD} is missing: ${REFRESH}`);
  return JSON.parse(readFileSync(file, "utf8")) as ScreenshotsRecord;
}

test("the committed screenshots show the current release", () => {
  const current = path.basename(releaseUnderTest());
  const shown = record().release;
  if (shown !== current) throw new Error(`the portal screenshots show release ${shown}, ${path.relative(ROOT, OPENDATA_DIR)}/current.json names ${current}: ${REFRESH}`);
});

test("every screenshot the README links is recorded, and is a PNG", () => {
  const linked = [...new Set([...readFileSync(path.join(ROOT, "README.md"), "utf8").matchAll(/\(reports\/(portal-[\w-]+\.png)\)/g)].map((m) => m[1]))].sort();
  expect(linked.length).toBeGreaterThan(0);
  const recorded = record().screenshots;
  expect(Object.keys(recorded).sort()).toEqual(linked);
  for (const name of linked) {
    expect(recorded[name]).toMatch(/\.html$/);
    expect(readFileSync(path.join(REPORTS_DIR, name)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  }
});
