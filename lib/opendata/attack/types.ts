/**
 * What the attacker reads, what it writes down and what it concludes: the types shared by the
 * attack's modules and exported to its callers (the release stage, notebook 07, the tests).
 */
import type { PopulationKind } from "../../policy";

/** A dimension as `disclosureControl.dimensions[]` declares it. */
export interface DeclaredDimension {
  field: string;
  /** The code of the total row; absent or null when the table has no total on this dimension. */
  total?: string | null;
  codes: string[];
  /** code -> parent code; a code not listed sits directly under the total. */
  parents?: Record<string, string>;
}

export interface DeclaredMeasure {
  field: string;
  concept?: string;
  additive?: boolean;
  /** 0: never negative. null: no declared bound (the attacker may still infer a sign). */
  lowerBound?: number | null;
  integer?: boolean;
}

export interface DeclaredDerived {
  field: string;
  kind: string;
  numerator?: string;
  denominator?: string;
  factor?: number;
  /** Not in the contract: a ratio published capped at this value (e.g. a fill rate at 1). */
  cap?: number;
  of?: string;
  /** A quantile's probability (0.5 for a median): two quantiles of one distribution differ. */
  probability?: number;
}

export interface DisclosureControl {
  flag?: { field?: string; confidential?: string };
  scope?: string;
  rows?: "grid" | "nonEmpty";
  period?: { start: string; end: string };
  dimensions: DeclaredDimension[];
  measures: DeclaredMeasure[];
  derived?: DeclaredDerived[];
  /** Not in the contract: whom the cells describe, when a release says so. */
  population?: PopulationKind;
}

export interface ScopeDeclaration {
  id: string;
  parts: string[];
}

/** An inclusive range of days, ISO dates. */
export interface PeriodRange {
  start: string;
  end: string;
}

/** One published CSV, read as the intruder reads it. */
export interface PublishedTable {
  release: "current" | "previous";
  /** The resource's `name` in datapackage.json. */
  dataset: string;
  /** The CSV's path inside the release directory. */
  file: string;
  control: DisclosureControl;
  scope: string;
  rowsMode: "grid" | "nonEmpty";
  period: PeriodRange;
  /** Index of the period dimension in `control.dimensions`, or -1. */
  periodDimension: number;
  /** The published `status` column, when an older release carries one. */
  hasStatus: boolean;
  rows: PublishedRow[];
  /** Half the last published decimal of each measure and derived field (0 for integers). */
  halfUnit: Record<string, number>;
}

export interface PublishedRow {
  /** Codes in the order of `control.dimensions`. */
  codes: string[];
  /** The CSV line (1 = header). */
  line: number;
  confidential: boolean;
  status?: string;
  /** Measure and derived values; null when empty. */
  values: Record<string, number | null>;
}

/** A figure as two tables would both name it (see release-format.md, "the same figure"). */
export interface FigureIdentity {
  scope: string;
  concept: string;
  period: PeriodRange;
  /** Dimension codes other than the period, totals left out. */
  dims: Record<string, string>;
}

/** The attacks a finding can be credited to (the strongest step that produced its interval). */
export type AttackKind =
  | "same-figure"
  | "previous-release"
  | "differencing"
  | "scope-complement"
  | "single-child"
  | "ratio"
  | "bounds"
  | "linear-programme"
  | "revision"
  | "attribute"
  | "none";

export interface Interval {
  lower: number;
  upper: number;
}

interface FindingBase extends Interval {
  attack: AttackKind;
  /** Short human-readable derivation: names relations and tables, never a value. */
  derivation: string;
  /** The kinds of knowledge that took part (margin, scope, sign, integrality, ratio...). */
  uses: string[];
  /** False when a solve failed and the interval is only the propagated (outer) one. */
  exact: boolean;
}

/** A confidential cell of the current release. */
export interface CellFinding extends FindingBase {
  kind: "cell";
  dataset: string;
  key: Record<string, string>;
  measure: string;
  concept: string;
  integer: boolean;
  figure: FigureIdentity;
}

/** A figure that no table shows but the release implies (a part of a scope per cell). */
export interface ComplementFinding extends FindingBase {
  kind: "complement";
  figure: FigureIdentity;
  concept: string;
  integer: boolean;
  /** The scope relation that implies it, e.g. "customers.identified = customers.persons + customers.businesses". */
  relation: string;
}

/** A figure published in both releases with different values: the change, exactly. */
export interface RevisionFinding extends FindingBase {
  kind: "revision";
  dataset: string;
  key: Record<string, string>;
  measure: string;
  concept: string;
  figure: FigureIdentity;
}

/** A confidential total whose children are all known empty but one: its whole group has that child's code. */
export interface AttributeFinding {
  kind: "attribute";
  attack: "single-child";
  dataset: string;
  /** The total's row. */
  key: Record<string, string>;
  dimension: string;
  childCode: string;
  derivation: string;
}

export type Finding = CellFinding | ComplementFinding | RevisionFinding;

export interface AttackFindings {
  version: string;
  previousVersion?: string;
  datasets: string[];
  cells: CellFinding[];
  complements: ComplementFinding[];
  revisions: RevisionFinding[];
  attributes: AttributeFinding[];
  /** False when the release contradicts its own declarations (the model had no solution). */
  consistent: boolean;
  /** Knowledge the attacker dropped or could not read, and why. */
  warnings: string[];
  knowledge: Record<string, number>;
  stats: { variables: number; unknowns: number; constraints: number; components: number; lpSolves: number; millis: number };
}

/**
 * What the judge asks the caller, who knows the true data:
 * - `cell`: a row of a current table (`dataset` is the resource name, `key` its dimension codes
 *   as published); also asked for a confidential total with a single child (its group);
 * - `complement`: a figure no table shows: a part of a declared scope (`figure.scope`), its
 *   codes with totals left out, over `figure.period` (`figure.concept` is the first concept
 *   asked about; answer for every concept);
 * - `revision`: the change of a current row's figures since the previous release.
 */
export type OracleQuery =
  | { kind: "cell"; dataset: string; key: Record<string, string> }
  | { kind: "complement"; figure: FigureIdentity }
  | { kind: "revision"; dataset: string; key: Record<string, string>; figure: FigureIdentity };

export interface OracleAnswer {
  /** True value per measure field (cells; revisions: the change) or per concept (complements). */
  values: Record<string, number>;
  /** Distinct contributors (customers, businesses) of the cell, or those whose figures changed. */
  contributors: number;
  /** Largest contributor's share of the cell's value (of the change, for a revision), 0..1. */
  largestShare: number;
  /** Whom the cell describes: sets the frequency threshold its group is held to. */
  population: PopulationKind;
}

export type TruthOracle = (query: OracleQuery) => OracleAnswer | undefined;

export type FailureRule =
  | "recovered"
  | "complement-frequency"
  | "complement-dominance"
  | "revision-frequency"
  | "revision-dominance"
  | "attribute-of-small-group"
  | "oracle-silent"
  | "inconsistent-release";

export interface AttackFailure {
  rule: FailureRule;
  findingKind: "cell" | "complement" | "revision" | "attribute" | "release";
  attack: AttackKind;
  /** dataset[key].measure, or scope[dims].concept: names only. */
  subject: string;
  derivation: string;
  /** (upper - lower) / max(|lower|, |upper|); null when unbounded. */
  relativeWidth: number | null;
  /** Internal only (may hold true values): never written to reports/ or a release. */
  message: string;
}

export interface AttackVerdict {
  passed: boolean;
  version: string;
  previousVersion?: string;
  protectionIntervalPercent: number;
  perAttack: { attack: AttackKind; findings: number; narrowEnough: number; failures: number }[];
  counts: { cells: number; complements: number; revisions: number; attributes: number; oracleCalls: number; misled: number };
  /** Relative widths of every finding (cells and complements), by attack: quantiles only. */
  widths: { attack: AttackKind; count: number; unbounded: number; min: number | null; median: number | null }[];
  failures: AttackFailure[];
  /** Findings whose true value lay outside the derived interval (an intruder misled by an inferred fact). */
  misled: string[];
  warnings: string[];
}
