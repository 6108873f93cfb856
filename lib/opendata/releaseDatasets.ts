/**
 * The datasets of one release, as release.ts prepares them and as its README and reports
 * (publish/readme.ts, reports.ts) describe them. The types live apart from release.ts, which
 * writes those documents, so that the documents do not import the module that calls them.
 */
import type { TableInput } from "./confidentiality/index";
import type { DesignParams, OdDataset } from "./model/datasets";
import type { ExtractRow } from "./model/extract";

/** One dataset as the release publishes it. */
export interface Prepared {
  /** The dataset as designed (dropped dimensions removed). */
  ds: OdDataset;
  group: string;
  design: string;
  /** The rung's parameters (time grain, geography level...). */
  params: DesignParams;
  meetsTargets: boolean;
  /** The extraction's rows of the design (for derived values and the reconciliation). */
  rows: ExtractRow[];
  input: TableInput;
}

export interface DatasetSummary {
  dataset: string;
  design: string;
  /** Whether the design met POLICY.publication. */
  meetsTargets: boolean;
  rows: number;
  published: number;
  primary: number;
  secondary: number;
  /** Suppressed among non-empty cells, %. */
  suppressedPercent: number;
  suppressedValuePercent: number;
}

export interface NotApplicable {
  dataset: string;
  reason: string;
  /** The export feeds it, but no design of its group could be protected: withheld rather than published exposed (release.ts). */
  withheld?: true;
}

/**
 * The release's sections on the datasets it does not publish: those the export cannot feed, and
 * those withheld because no design of theirs could be protected. Each begins with a blank line;
 * nothing when there are none.
 */
export function notApplicableSection(list: readonly NotApplicable[], level: string, name: (dataset: string) => string): string {
  const section = (title: string, items: readonly NotApplicable[]) =>
    items.length === 0 ? "" : `\n${level} ${title}\n\n${items.map((n) => `- ${name(n.dataset)}: ${n.reason}.`).join("\n")}\n`;
  return section("Not applicable to this export", list.filter((n) => !n.withheld)) + section("Withheld: no design can be protected", list.filter((n) => n.withheld));
}
