/**
 * `tsx lib/compliance/cli.ts [--strict] [--results outputs/test-results.json] [--check]`
 *
 * Regenerates the compliance reports: reports/regulatory-monitoring.md (+ .html),
 * reports/compliance-matrix.md, reports/README.md and the glossary the notebooks link
 * (reports/glossary.md, from lib/notebook/glossary.ts). A file is rewritten only when its bytes
 * change. With `--results`, every cited test must also have passed in that jest JSON file
 * (`npx jest --json --outputFile=outputs/test-results.json`). `--strict` exits 1 when the
 * matrix has a gap; `--check` writes nothing and exits 1 when a report is out of date.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { evaluateMatrix, MATRIX_REPORT, readJestResults, renderMatrix, summarise, type JestResults, type MatrixRow } from "./matrix";
import { MONITORING_HTML, MONITORING_REPORT, renderCheckedMonitoring } from "./monitoring";
import { REPORTS, REPORTS_INDEX, renderReportsIndex } from "./reportsIndex";
import { GLOSSARY_REPORT, renderGlossary } from "../notebook/glossary";

/** The nearest directory at or above `start` holding a package.json. */
export function projectRoot(start: string = __dirname): string {
  let dir = resolve(start);
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json found at or above ${start}`);
    dir = parent;
  }
  return dir;
}

export interface GeneratedReports {
  /** Path relative to the root -> content. */
  files: Map<string, string>;
  rows: MatrixRow[];
}

/**
 * Builds the three reports in memory. The matrix checks headings in the monitoring document:
 * it is given the new text, not the file on disk, so one run is enough.
 */
export function generateComplianceReports(root: string, results?: JestResults): GeneratedReports {
  const files = new Map<string, string>();
  files.set(REPORTS_INDEX, renderReportsIndex(root, REPORTS, [REPORTS_INDEX, MONITORING_REPORT, MONITORING_HTML, MATRIX_REPORT, GLOSSARY_REPORT]));
  files.set(GLOSSARY_REPORT, renderGlossary());
  const monitoring = renderCheckedMonitoring(root);
  files.set(MONITORING_REPORT, monitoring.markdown);
  files.set(MONITORING_HTML, monitoring.html);
  const rows = evaluateMatrix({ root, results, pending: files });
  files.set(MATRIX_REPORT, renderMatrix(rows));
  return { files, rows };
}

function main(argv: string[]): number {
  const program = new Command()
    .name("compliance")
    .description("Regenerate the regulatory monitoring document, the compliance matrix and the reports index")
    .option("--strict", "exit 1 when the compliance matrix has a gap")
    .option("--results <file>", "jest JSON results: cited tests must have passed")
    .option("--check", "write nothing; exit 1 when a report is out of date")
    .option("--root <dir>", "project root (default: the directory of package.json)")
    .parse(argv);
  const opts = program.opts<{ strict?: boolean; results?: string; check?: boolean; root?: string }>();
  const root = resolve(opts.root ?? projectRoot());
  const results = opts.results ? readJestResults(resolve(opts.results)) : undefined;
  const { files, rows } = generateComplianceReports(root, results);

  let outOfDate = 0;
  for (const [path, content] of files) {
    const full = join(root, path);
    const current = existsSync(full) ? readFileSync(full, "utf8") : null;
    const changed = current !== content;
    if (changed && opts.check) outOfDate++;
    if (changed && !opts.check) writeFileSync(full, content);
    console.log(`${path}${changed ? (opts.check ? "  (out of date)" : "  (updated)") : "  (unchanged)"}`);
  }
  const s = summarise(rows);
  console.log(`${s.total} requirements: ${s.evidence} with evidence${results ? " (tests passed)" : ""}, ${s.planned} planned, ${s.gaps} gaps`);
  for (const row of rows.filter((r) => r.status === "gap")) console.log(`  GAP ${row.requirement.id}: ${row.gaps.join("; ")}`);
  if (opts.check && outOfDate > 0) return 1;
  if (opts.strict && s.gaps > 0) return 1;
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
