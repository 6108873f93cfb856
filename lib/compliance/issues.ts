/**
 * The work still in progress, as data: each capability the monitoring document and the
 * compliance matrix mark "planned" names one of these issues instead of citing evidence that
 * does not exist yet. When an issue is delivered, its requirements get real evidence in
 * requirements.ts and the issue leaves this list.
 *
 * `number` is the tracker's issue number; it is left unset until the lead assigns one, and the
 * reports then show the title alone.
 */
export interface PlannedIssue {
  title: string;
  number?: number;
}

export const PLANNED_ISSUES = {
  opendataRelease: {
    title: "Open Data model and release: aggregated tables extracted from the marts, protected and reconciled",
    number: 4,
  },
  opendataFormats: {
    title: "Open Data publication formats: injection-safe CSV, Parquet, Data Package v2, CSVW, DCAT-AP",
    number: 4,
  },
  anonymisationAssessment: {
    title: "Anonymisation assessment (WP29 three tests, risk analysis) and disclosure audit report",
    number: 4,
  },
  rights: {
    title: "Data-subject rights: access, rectification, erasure, ledgers and retention job",
    number: 5,
  },
  register: {
    title: "Register of processing (Art. 30), DPIA (Art. 35) and security zones",
    number: 5,
  },
  portal: {
    title: "Static Open Data portal",
    number: 7,
  },
  pipelineBenchmark: {
    title: "Benchmark of the whole pipeline at scale",
    number: 6,
  },
} as const satisfies Record<string, PlannedIssue>;

export type IssueKey = keyof typeof PLANNED_ISSUES;

/** How a report names a planned issue: `issue #N (title)` once numbered, else its title. */
export function issueLabel(key: IssueKey): string {
  const issue: PlannedIssue = PLANNED_ISSUES[key];
  return issue.number !== undefined ? `issue #${issue.number} (${issue.title})` : `issue "${issue.title}"`;
}
