/**
 * reports/README.md: the index of the generated reports, each with what it shows and what
 * generates it. A report whose file does not exist yet is listed as planned, with its issue,
 * and without a link (a link to a missing file is a broken link).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { issueLabel, type IssueKey } from "./issues";
import { markdownTable } from "./markdown";

export const REPORTS_INDEX = "reports/README.md";

export interface ReportEntry {
  /** File name under reports/. */
  file: string;
  title: string;
  shows: string;
  /** What writes it. */
  generator: string;
  /** The issue that will deliver it, while it does not exist. */
  issue?: IssueKey;
}

export const REPORTS: readonly ReportEntry[] = [
  { file: "data-dictionary.md", title: "Data dictionary", shows: "every table and column of the warehouse and the marts, from the models' docs", generator: "`npm start -- warehouse` (lib/marts/dictionary.ts)" },
  { file: "quality.md", title: "Data quality", shows: "completeness, validity and rejects of the cleansing stage, per entity and reason", generator: "`npm start -- cleanse` (lib/quality/qualityReport.ts)" },
  { file: "optimization.md", title: "Optimisation", shows: "each index and the partitioned lake, measured with and without", generator: "`npm run bench -- queries` (lib/warehouse/optimization/report.ts)" },
  { file: "disclosure-audit.md", title: "Disclosure audit", shows: "per published table: cells suppressed by each rule and the audited protection intervals", generator: "the Open Data release", issue: "anonymisationAssessment" },
  { file: "anonymisation-assessment.md", title: "Anonymisation assessment", shows: "each published table against singling out, linkability and inference (WP29 Opinion 05/2014)", generator: "the Open Data release", issue: "anonymisationAssessment" },
  { file: "red-team.md", title: "Red team", shows: "the release attacked from its published files (and the previous release) by an attacker written apart from the audit: findings per attack, how narrow, the gate's verdict", generator: "the Open Data release (lib/opendata/attack/)", issue: "anonymisationAssessment" },
  { file: "online-retail-release.md", title: "Online Retail release", shows: "the release the real UCI Online Retail export would give: what each table loses, the designs measured, the datasets that do not apply", generator: "`npm start -- --input <export> --profile online-retail release-report` (lib/cli/releaseReport.ts)", issue: "anonymisationAssessment" },
  { file: "register-of-processing.md", title: "Register of processing", shows: "the Art. 30 record of processing activities, from lib/privacy/processing.ts", generator: "the privacy stage", issue: "register" },
  { file: "dpia.md", title: "Data protection impact assessment", shows: "the Art. 35 assessment of the processing, from the same records as the register", generator: "the privacy stage", issue: "register" },
  { file: "security-zones.md", title: "Security zones", shows: "the trust zones (raw, core, marts, open data) and the roles that may read each", generator: "the privacy stage", issue: "register" },
  { file: "benchmarks.md", title: "Benchmarks", shows: "the whole pipeline's time and memory at scale", generator: "`npm run bench`", issue: "pipelineBenchmark" },
  { file: "regulatory-monitoring.md", title: "Regulatory monitoring", shows: "the GDPR, statistical-confidentiality and Open Data rules applied, with their sources and where the workbook applies them ([HTML copy](regulatory-monitoring.html))", generator: "`npx tsx lib/compliance/cli.ts` (lib/compliance/monitoring.ts)" },
  { file: "glossary.md", title: "Glossary", shows: "the terms the notebooks use, in plain words, with where the workbook applies each; every notebook links a term here at its first use", generator: "`npx tsx lib/compliance/cli.ts` (lib/notebook/glossary.ts)" },
  { file: "compliance-matrix.md", title: "Compliance matrix", shows: "one row per requirement: control, evidence (a passing test, a notebook or report section), or the planned issue", generator: "`npx tsx lib/compliance/cli.ts` (lib/compliance/matrix.ts)" },
];

/**
 * The index as markdown; `root` decides which reports exist, together with `alsoWritten`: the
 * reports generated in the same run (paths relative to the root), so a first run and a second
 * give the same bytes.
 */
export function renderReportsIndex(root: string, reports: readonly ReportEntry[] = REPORTS, alsoWritten: readonly string[] = []): string {
  const rows = reports.map((r) => {
    const exists = alsoWritten.includes(`reports/${r.file}`) || existsSync(join(root, "reports", r.file));
    const title = exists ? `[${r.title}](${r.file})` : r.title;
    const status = exists ? "generated" : r.issue ? `planned: ${issueLabel(r.issue)}` : "not generated yet: run its generator";
    return [title, r.shows, r.generator, status];
  });
  return [
    "# Reports",
    "",
    "The reports the workbook generates. They are committed, and a rerun on the same input gives the same bytes; do not edit them by hand, rerun their generator. This index is itself generated by [`lib/compliance/reportsIndex.ts`](../lib/compliance/reportsIndex.ts) (`npx tsx lib/compliance/cli.ts`); a report that does not exist yet is listed as planned, without a link.",
    "",
    markdownTable(["report", "what it shows", "generated by", "status"], rows),
    "Every relative link in these reports and in the project README is checked by `tests/compliance/links.test.ts`.",
    "",
  ].join("\n");
}
