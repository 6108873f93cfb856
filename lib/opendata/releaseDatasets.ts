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
}
