/**
 * A jest reporter: at the end of the run, every test file that skipped tests, how many, why and
 * how to enable them (recorded by tests/helpers/skip.ts), as the last lines of the output. A file that
 * skipped tests without saying why is listed too, as such.
 *
 * The reasons travel from the test workers through a file named by WORKBOOK_SKIPS_FILE, which
 * this reporter creates before any worker starts (workers inherit the environment).
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

class SkipReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.file = path.join(os.tmpdir(), `workbook-jest-skips-${process.pid}.jsonl`);
    fs.writeFileSync(this.file, "");
    process.env.WORKBOOK_SKIPS_FILE = this.file;
  }

  onRunComplete(_contexts, results) {
    const records = fs
      .readFileSync(this.file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    fs.rmSync(this.file, { force: true });
    const lines = [];
    const files = [...results.testResults].sort((a, b) => a.testFilePath.localeCompare(b.testFilePath));
    for (const file of files) {
      const skipped = file.testResults.filter((t) => t.status === "pending" || t.status === "skipped").length;
      if (skipped === 0) continue;
      const rel = path.relative(this.rootDir, file.testFilePath).split(path.sep).join("/");
      const reasons = [...new Map(records.filter((r) => r.file === rel).map((r) => [`${r.why}|${r.enable}`, r])).values()];
      lines.push(`  ${rel}: ${skipped} test(s) skipped`);
      if (reasons.length === 0) lines.push("    why: not stated (skip through tests/helpers/skip.ts to say why and how to enable it)");
      for (const r of reasons) lines.push(`    why: ${r.why}`, `    to run them: ${r.enable}`);
    }
    if (lines.length === 0) return;
    const text = `\nSkipped (${results.numPendingTests} test(s) did not run):\n${lines.join("\n")}\n`;
    // Last, after jest's own summary (which its summary reporter prints after this one).
    process.once("exit", () => process.stderr.write(text));
  }
}

module.exports = SkipReporter;
