/**
 * From the timings of an optimisation to its verdict, the build's decision and the sentences that
 * say both: one place, used by reports/optimization.md and notebook 05, so that a figure and the
 * word next to it cannot disagree. The threshold and its band are policy (lib/policy.ts,
 * `optimisation`).
 */
import { POLICY, type DeepReadonly, type OptimisationPolicy } from "../../policy";

export type Verdict = "pays off" | "does not pay off" | "too close to call";

/** Why an optimisation exists: for the warehouse's own speed, or as the layout of an export read by other engines. */
export type Purpose = "speed" | "export layout";

export interface VerdictBand {
  /** payOffSpeedUp of the policy. */
  threshold: number;
  /** Below it: does not pay off. */
  lower: number;
  /** At or above it: pays off. */
  upper: number;
}

export function verdictBand(policy: DeepReadonly<OptimisationPolicy> = POLICY.optimisation): VerdictBand {
  const factor = 1 + policy.verdictBandPercent / 100;
  return { threshold: policy.payOffSpeedUp, lower: policy.payOffSpeedUp / factor, upper: policy.payOffSpeedUp * factor };
}

/** The verdict of a speed-up (median without / median with) against the band. */
export function verdictOf(speedUp: number, band: VerdictBand = verdictBand()): Verdict {
  if (speedUp >= band.upper) return "pays off";
  if (speedUp < band.lower) return "does not pay off";
  return "too close to call";
}

/** What the build does with an optimisation, given its verdict. */
export type Decision =
  /** Built, and the measurement says it pays off (or cannot say it does not). */
  | "kept"
  /** Built, but it clearly does not pay off: take it out of the build. */
  | "remove it"
  /** A candidate that clearly pays off: put it in the build. */
  | "add it"
  /** A candidate that does not pay off (or not clearly): left out. */
  | "left out"
  /** An export layout: kept for the engines that read it, whatever its speed here. */
  | "kept for other engines";

export function decisionOf(r: { built: boolean; verdict: Verdict; purpose: Purpose }): Decision {
  if (r.purpose === "export layout") return "kept for other engines";
  if (r.built) return r.verdict === "does not pay off" ? "remove it" : "kept";
  return r.verdict === "pays off" ? "add it" : "left out";
}

/** The fields of a measured optimisation that the prose reads. */
export interface Described {
  optimisation: string;
  kind: "index" | "partitioning" | "clustering";
  purpose: Purpose;
  built: boolean;
  speedUp: number;
  verdict: Verdict;
  decision: Decision;
  with: { medianMs: number; p25Ms: number; p75Ms: number; rows: number };
  without: { medianMs: number; p25Ms: number; p75Ms: number; rows: number };
  /** Partitioning: the files the filtered query opened, of all files (from its plan). */
  files?: { read: number; total: number };
  /** Clustering: the row groups the filter cannot skip, as stored and clustered, of all. */
  rowGroups?: { readAsStored: number; readClustered: number; total: number };
}

export const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

const times = (x: number) => `${x.toFixed(2)}×`;

/** "pays off (≥ 1.80×)", "does not pay off (< 1.25×)", "too close to call (1.25×–1.80×)". */
export function verdictLabel(verdict: Verdict, band: VerdictBand = verdictBand()): string {
  if (verdict === "pays off") return `pays off (≥ ${times(band.upper)})`;
  if (verdict === "does not pay off") return `does not pay off (< ${times(band.lower)})`;
  return `too close to call (${times(band.lower)} to ${times(band.upper)})`;
}

/** The rule, in one paragraph, from the policy's numbers. */
export function ruleSentence(band: VerdictBand = verdictBand(), policy: DeepReadonly<OptimisationPolicy> = POLICY.optimisation): string {
  return (
    `An index, partitioning or physical order made for speed is kept only if it *pays off*: its query runs at least ${band.threshold}× faster with it ` +
    `(median without / median with; \`optimisation.payOffSpeedUp\` in [\`lib/policy.ts\`](../lib/policy.ts), with the reason for the number). ` +
    `A measurement within ${policy.verdictBandPercent} % of that threshold (${times(band.lower)} to ${times(band.upper)}, \`optimisation.verdictBandPercent\`) is too close to call: ` +
    `a rerun could flip it, so the build keeps its current choice; at ${times(band.upper)} or more an optimisation pays off, under ${times(band.lower)} it does not. ` +
    "The Hive-partitioned lake is not a speed optimisation of the warehouse but the layout of its export for engines that read files (Spark, Trino, a browser): it is kept for them, and measured so that what it does to a DuckDB query is known, not claimed."
  );
}

/** The sentences that report one measurement: the figures, the verdict, what the build does, and why (from the plan's facts). */
export function describeResult(r: Described, band: VerdictBand = verdictBand()): string {
  const measured =
    `Measured: ${ms(r.without.medianMs)} ms without (quartiles ${ms(r.without.p25Ms)}–${ms(r.without.p75Ms)}), ${ms(r.with.medianMs)} ms with (${ms(r.with.p25Ms)}–${ms(r.with.p75Ms)}): ` +
    `${times(r.speedUp)}, ${r.with.rows.toLocaleString("en-US")} rows returned. Verdict: ${verdictLabel(r.verdict, band)}.`;
  const facts: string[] = [];
  if (r.files) {
    facts.push(
      r.files.read < r.files.total
        ? `Pruning worked: the plan opened ${r.files.read} of the ${r.files.total} partition files.`
        : `No pruning: the plan opened all ${r.files.total} partition files.`,
    );
    if (r.verdict !== "pays off") {
      facts.push(
        r.files.read < r.files.total
          ? "Yet the single flat file, written in date order like the lake, lets DuckDB skip the other months too, by the minimum and maximum of each of its row groups (zone maps): skipping whole files saves little more at this size."
          : `Opening ${r.files.total} files instead of one is the layout's overhead on a query that reads everything.`,
      );
    }
  }
  if (r.rowGroups) {
    facts.push(
      `The month's filter must read ${r.rowGroups.readAsStored} of the ${r.rowGroups.total} row groups of fact_sales as the build stores it (the others' date ranges exclude the month), ${r.rowGroups.readClustered} once it is sorted by date: ` +
        (r.rowGroups.readAsStored <= r.rowGroups.readClustered + 1
          ? "the build already stores the lines in near date order, so its zone maps already prune."
          : "sorting by date would let the zone maps skip more of it."),
    );
  }
  const decision: Record<Decision, string> = {
    kept: r.verdict === "pays off" ? "Built by every warehouse load." : "Built by every warehouse load: the measurement is too close to the threshold to take it out.",
    "remove it": "Built by the warehouse load, but it does not pay off: take it out of lib/warehouse/indexes/ (it becomes a measured candidate).",
    "add it": "Not built, yet it pays off at this size: move it from lib/warehouse/optimization/candidates/ into the build.",
    "left out":
      r.kind === "clustering"
        ? "Not done by the build: DuckDB has no table partitions, and ordering fact_sales by date would cost a sort on every load for no measured gain."
        : r.verdict === "does not pay off"
          ? "Left out of the build (lib/warehouse/optimization/candidates/): DuckDB's vectorised scan with zone maps is already as fast, and an index would cost load time and memory."
          : "Left out of the build: the measurement is too close to the threshold to add it.",
    "kept for other engines":
      r.verdict === "pays off"
        ? "The lake keeps its partitions: they pay off in DuckDB too."
        : "The lake keeps its partitions for the engines that read files (Spark and Trino prune on the folder names without opening the files); in DuckDB, at this size, they do not pay off, and this report does not claim they do.",
  };
  return [measured, ...facts, decision[r.decision]].join(" ");
}
