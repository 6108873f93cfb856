/**
 * `npm test` says which suites were skipped, why, and how to enable them (tests/helpers/skip.ts
 * and the reporter tests/helpers/skipReporter.js), at the end of its output; a file that skips
 * without saying why is named as such. Checked by running jest, with the project's own
 * configuration, on a scratch project holding three test files.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../helpers/runScript";

test("the last lines of jest's output list each skipping file with its reason and how to run it, workers or not", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-skips-"));
  try {
    fs.mkdirSync(path.join(root, "tests", "helpers"), { recursive: true });
    fs.mkdirSync(path.join(root, "tests", "a"), { recursive: true });
    fs.copyFileSync(path.join(projectRoot, "jest.config.js"), path.join(root, "jest.config.js"));
    // jest.config.js names the reporter, the global setup and teardown of the shared fixtures, and the sequencer.
    for (const f of ["skip.ts", "skipReporter.js", "globalSetup.js", "globalTeardown.js", "sequencer.js", "testDurations.json"]) fs.copyFileSync(path.join(projectRoot, "tests", "helpers", f), path.join(root, "tests", "helpers", f));
    fs.writeFileSync(path.join(root, "package.json"), "{}");
    fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(root, "node_modules"), "dir");
    fs.writeFileSync(
      path.join(root, "tests", "a", "browser.test.ts"),
      `import { describeIf } from "../helpers/skip";
const describeInBrowser = describeIf(false, "/usr/bin/chromium not found", "sudo apt-get install -y chromium");
describeInBrowser("in a browser", () => { test("one", () => {}); test("two", () => {}); });
test("runs", () => expect(1).toBe(1));
`,
    );
    fs.writeFileSync(
      path.join(root, "tests", "a", "data.test.ts"),
      `import { testIf } from "../helpers/skip";
const testWithData = testIf(false, "../shared/datasets is absent", "put the shared datasets in ../shared/");
testWithData("reads the data", () => {});
`,
    );
    fs.writeFileSync(path.join(root, "tests", "a", "silent.test.ts"), `test.skip("quietly", () => {});\ntest("runs", () => {});\n`);
    for (const args of [[], ["--runInBand"]]) {
      const jest = spawnSync(process.execPath, [path.join(projectRoot, "node_modules", "jest", "bin", "jest.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "1" } });
      expect(jest.status).toBe(0);
      expect(jest.stderr.trimEnd().endsWith(
        [
          "Skipped (4 test(s) did not run):",
          "  tests/a/browser.test.ts: 2 test(s) skipped",
          "    why: /usr/bin/chromium not found",
          "    to run them: sudo apt-get install -y chromium",
          "  tests/a/data.test.ts: 1 test(s) skipped",
          "    why: ../shared/datasets is absent",
          "    to run them: put the shared datasets in ../shared/",
          "  tests/a/silent.test.ts: 1 test(s) skipped",
          "    why: not stated (skip through tests/helpers/skip.ts to say why and how to enable it)",
        ].join("\n"),
      )).toBe(true);
      // The last lines, after jest's own summary, where they cannot be missed.
      expect(jest.stderr.indexOf("Skipped (4")).toBeGreaterThan(jest.stderr.indexOf("Tests:"));
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
