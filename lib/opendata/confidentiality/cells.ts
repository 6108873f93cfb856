/**
 * The data model of a table to publish: a set of cells, each identified by its dimension
 * values, carrying its measures and what the confidentiality rules need to know about its
 * contributors. Margins ("All" levels, hierarchy parents) are cells too: they are published and
 * they are what makes a suppressed value recomputable, so the engine sees them as cells tied to
 * their children by additivity relations (see relations.ts).
 *
 * One suppression hides the whole row. A table publishes several measures per cell (net amount,
 * orders, units, customers); they share the cell's contributors, so a cell that fails a rule for
 * one of them is confidential for all of them, and a secondary suppression made to protect one
 * measure must hide the others too, otherwise the published count or amount of the same row
 * feeds the same additivity relations and re-opens what the suppression closed. The audit
 * therefore checks every measure against the one common pattern.
 */
import type { PopulationKind } from "../../policy";

export type { PopulationKind };

export type CellStatus = "published" | "primary_frequency" | "primary_dominance" | "secondary";

export type DimensionValues = Readonly<Record<string, string>>;

export interface DimensionSpec {
  name: string;
  /** The code of the published total level ("All"), if the table publishes one. */
  total?: string;
  /**
   * Hierarchical totals: child code -> parent code (e.g. département -> région). A code with no
   * entry hangs directly under `total`. Every level present in the table is one relation
   * "parent = sum of its children", repeated for every combination of the other dimensions.
   */
  parent?: Readonly<Record<string, string>>;
}

export interface MeasureSpec {
  name: string;
  /**
   * `amount`: a magnitude (net amount, freight): the dominance rule applies to it.
   * `count`: a frequency (orders, units, customers): only the frequency rule applies.
   */
  kind: "amount" | "count";
  /**
   * `nonNegative`: an intruder knows every cell is >= 0 (counts, gross amounts).
   * `signed`: the measure can be negative (net amounts with returns); see audit.ts for the bound.
   */
  sign: "nonNegative" | "signed";
}

export interface CellInput {
  dims: DimensionValues;
  /** One true value per measure of the table (same names as `TableInput.measures`). */
  measures: Readonly<Record<string, number>>;
  /** Distinct contributing units (customers, suppliers, carriers) of the cell. */
  contributors: number;
  /**
   * Dominance inputs for the table's value measure (its first measure) when that is an amount:
   * the absolute contribution of the largest unit, and the sum of absolute contributions
   * (defaults to |value|, exact when all contributions share a sign). Or `topShare` in [0, 1]
   * already computed on absolute contributions.
   */
  topContribution?: number;
  absoluteTotal?: number;
  topShare?: number;
  /** Overrides the table's population kind for this cell. */
  population?: PopulationKind;
  /**
   * A second class of units whose commercial information the cell also carries, held to the
   * business rules whatever the cell's population: the carriers behind a cell of shipments to
   * persons. The cell is confidential unless it has at least the business threshold of these
   * units and none of them holds more than the dominance share of `total`.
   */
  businessUnits?: BusinessUnits;
}

export interface BusinessUnits {
  /** What the units are, for the reason text ("carriers"). */
  label: string;
  /** Distinct known units in the cell (an unknown unit is not counted: it could be any of them). */
  contributors: number;
  /** The largest unit's share of the cell, as its contribution (a count or an absolute amount)… */
  topContribution: number;
  /** …and the cell's total of the same quantity. */
  total: number;
}

export interface TableInput {
  name: string;
  /** Whom the cells describe: decides the frequency threshold (POLICY.statisticalConfidentiality). */
  population: PopulationKind;
  dimensions: readonly DimensionSpec[];
  /**
   * The measures of each row. The first is the cell's value: the dominance rule reads it when it
   * is an amount, and secondary suppression prefers to hide cells where it is small (least
   * information lost).
   */
  measures: readonly MeasureSpec[];
  cells: readonly CellInput[];
}

/** A cell as it may leave the engine: suppressed measures are null, never zero, and flagged. */
export interface PublishedCell {
  dims: DimensionValues;
  measures: Readonly<Record<string, number | null>>;
  status: CellStatus;
  /** Why the cell is suppressed (rule, threshold, source); null when published. */
  reason: string | null;
  /** POLICY.statisticalConfidentiality.confidentialFlag when suppressed, else null. */
  flag: string | null;
}

export function isSuppressed(status: CellStatus): boolean {
  return status !== "published";
}

export function isPrimary(status: CellStatus): boolean {
  return status === "primary_frequency" || status === "primary_dominance";
}

/**
 * The identity of a cell across linked tables: its dimension values, leaving out dimensions at
 * their total level. "January x région 84, all categories" in a month x region x category table
 * and "January x région 84, all channels" in a month x region x channel table are the same
 * number, and must be the same unknown for the audit and get the same status in both tables.
 */
export function cellKey(dims: DimensionValues, dimensions: readonly DimensionSpec[]): string {
  const parts: string[] = [];
  for (const d of [...dimensions].sort((a, b) => compareText(a.name, b.name))) {
    const v = dims[d.name];
    if (v === undefined) continue;
    if (d.total !== undefined && v === d.total) continue;
    parts.push(`${d.name}=${v}`);
  }
  return parts.length === 0 ? "(grand total)" : parts.join("|");
}

/** Code-point order, independent of the machine's locale, so patterns are reproducible. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
