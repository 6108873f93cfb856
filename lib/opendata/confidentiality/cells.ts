/**
 * The data model of what the Open Data release publishes, as the confidentiality engine sees it:
 * tables of cells, each cell identified by its dimension codes, carrying its measures and what the
 * primary rules need to know about its contributors. Margins ("All" levels, hierarchy parents) are
 * cells too: they are what makes a suppressed value recomputable.
 *
 * One suppression hides the whole row: a row publishes several measures (net amount, orders,
 * units) that share the row's contributors, so a row confidential for one of them is confidential
 * for all, and the audit checks every measure against the one pattern.
 *
 * Whole release. Every table of a release is protected in one model (model.ts), because an
 * intruder reads them together:
 * - `scope` names the population a table's figures cover (identified customers, shipments,
 *   suppliers...). Two cells of the same scope with the same codes (dimensions at their total left
 *   out) and the same measure `concept` are the same figure, whichever table publishes it.
 * - Scopes nest (`ScopeSpec`): a scope is the sum of its parts (identified customers = persons +
 *   businesses). A part that no table publishes is given as a `hidden` table: its cells are never
 *   published, always unknown to the intruder, and held to the primary rules of the population they
 *   describe (the complement "business customers per area" is a cell in its own right).
 * - `rows` says what the file reveals by a row's existence: in a `grid` table every combination of
 *   the dimension codes is a row, empty ones included (published as 0), so a flagged row may be
 *   anything; in a `nonEmpty` table a row exists only when it has a contributor, so its counts are
 *   at least `minIfNonEmpty`.
 */
import type { PopulationKind } from "../../policy";

export type { PopulationKind };

/**
 * Internal only: the published files carry the flag alone (a bare `c`, as Eurostat publishes),
 * never which rule made a cell confidential.
 */
export type CellStatus = "published" | "primary_frequency" | "primary_dominance" | "secondary";

export type DimensionValues = Readonly<Record<string, string>>;

export interface DimensionSpec {
  name: string;
  /** The code of the published total level ("All"), if the table publishes one. */
  total?: string;
  /**
   * Hierarchical totals: child code -> parent code (e.g. région -> country). A code with no entry
   * hangs directly under `total`. Every level present in the table is one relation
   * "parent = sum of its children", repeated for every combination of the other dimensions.
   */
  parent?: Readonly<Record<string, string>>;
}

export interface MeasureSpec {
  name: string;
  /** The figure the column holds, to match it across tables; defaults to `name`. */
  concept?: string;
  /**
   * `amount`: a magnitude (net amount, stock): the dominance rule applies to it.
   * `count`: a frequency (orders, units, shipments): only the frequency rule applies.
   */
  kind: "amount" | "count";
  /**
   * `nonNegative`: never negative (counts, stock). `signed`: can be negative (net amounts with
   * returns). Either way the intruder is assumed to know each figure's sign (knowledge.ts).
   */
  sign: "nonNegative" | "signed";
  /** Whole numbers: the intruder rounds the bounds it derives inward. Default: `kind === "count"`. */
  integer?: boolean;
  /** In a `nonEmpty` table, the least value of a row that exists (1 order, 1 shipment). */
  minIfNonEmpty?: number;
}

export interface CellInput {
  dims: DimensionValues;
  /** One true value per measure of the table (same names as `TableInput.measures`). */
  measures: Readonly<Record<string, number>>;
  /** Distinct contributing units (customers, suppliers, carriers) of the cell; 0 = an empty cell. */
  contributors: number;
  /**
   * Dominance inputs for the table's value measure (its first measure) when that is an amount:
   * the absolute contribution of the largest unit, and the sum of absolute contributions
   * (defaults to |value|, exact when all contributions share a sign). Or `topShare` in [0, 1].
   */
  topContribution?: number;
  absoluteTotal?: number;
  topShare?: number;
  /** Overrides the table's population kind for this cell (the business customers of a table of customers). */
  population?: PopulationKind;
  /**
   * A second class of units whose commercial information the cell also carries, held to the
   * business rules whatever the cell's population: the carriers behind a cell of shipments.
   */
  businessUnits?: BusinessUnits;
}

export interface BusinessUnits {
  /** What the units are, for the internal reason text ("carriers"). */
  label: string;
  /** Distinct known units in the cell (an unknown unit is not counted: it could be any of them). */
  contributors: number;
  /** The largest unit's contribution (a count or an absolute amount)… */
  topContribution: number;
  /** …and the cell's total of the same quantity. */
  total: number;
}

export interface TableInput {
  name: string;
  /** The population the figures cover; tables of one scope share their figures. Default: the table's name. */
  scope?: string;
  /** Whom the cells describe: decides the frequency threshold (POLICY.statisticalConfidentiality). */
  population: PopulationKind;
  /** What a row's existence reveals (see the header); default `grid`. */
  rows?: "grid" | "nonEmpty";
  /** Modelled, never published: a part of a scope that no table shows (a complement). */
  hidden?: boolean;
  dimensions: readonly DimensionSpec[];
  /**
   * The measures of each row. The first is the cell's value: the dominance rule reads it when it
   * is an amount, and information loss is counted on it.
   */
  measures: readonly MeasureSpec[];
  cells: readonly CellInput[];
  /**
   * Pairs of concepts [larger, smaller] that every cell of the table satisfies by construction and
   * an intruder knows (units sold >= orders when no line is a return). Applied to the cells where
   * the true values satisfy it.
   */
  orderings?: readonly (readonly [string, string])[];
}

/** Scopes that are the sum of their parts: `identified customers = persons + businesses`. */
export interface ScopeSpec {
  scope: string;
  parts: readonly string[];
}

/** A cell as it may leave the engine: suppressed measures are null, never zero, and flagged. */
export interface PublishedCell {
  dims: DimensionValues;
  measures: Readonly<Record<string, number | null>>;
  /** Internal: the release publishes `flag` only. */
  status: CellStatus;
  /** POLICY.statisticalConfidentiality.confidentialFlag when suppressed, else null. */
  flag: string | null;
}

export function isSuppressed(status: CellStatus): boolean {
  return status !== "published";
}

export function isPrimary(status: CellStatus): boolean {
  return status === "primary_frequency" || status === "primary_dominance";
}

export function conceptOf(m: MeasureSpec): string {
  return m.concept ?? m.name;
}

export function isInteger(m: MeasureSpec): boolean {
  return m.integer ?? m.kind === "count";
}

export function scopeOf(t: TableInput): string {
  return t.scope ?? t.name;
}

/**
 * The identity of a figure across the release: its scope and its dimension codes, leaving out
 * dimensions at their total. "2024 x région 84, all categories" in a period x région x category
 * table and "2024 x région 84, all channels" in a period x channel x région table are the same
 * number if both cover the same scope.
 */
export function cellKey(scope: string, dims: DimensionValues, dimensions: readonly DimensionSpec[], replaced?: string, code?: string): string {
  const parts: string[] = [];
  for (const d of byName(dimensions)) {
    // `replaced`/`code`: the key of the cell that differs from `dims` on that one dimension (a child of a margin).
    const v = d.name === replaced ? code : dims[d.name];
    if (v === undefined) continue;
    if (d.total !== undefined && v === d.total) continue;
    parts.push(`${d.name}=${v}`);
  }
  return `${scope}:${parts.length === 0 ? "(total)" : parts.join("|")}`;
}

/** A table's dimensions in name order, sorted once per table rather than once per key (cellKey runs for every cell and child). */
const sortedDimensions = new WeakMap<readonly DimensionSpec[], readonly DimensionSpec[]>();
function byName(dimensions: readonly DimensionSpec[]): readonly DimensionSpec[] {
  let sorted = sortedDimensions.get(dimensions);
  if (!sorted) sortedDimensions.set(dimensions, (sorted = [...dimensions].sort((a, b) => compareText(a.name, b.name))));
  return sorted;
}

/** Code-point order, independent of the machine's locale, so patterns are reproducible. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
