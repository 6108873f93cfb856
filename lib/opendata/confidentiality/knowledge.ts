/**
 * What an intruder knows about each figure besides the published values, and what protection a
 * confidential figure needs given that knowledge. The defender assumes the intruder knows more
 * than it can prove from the files, so that every sound inference is covered:
 *
 * - The sign of every figure. Counts are never negative; a net amount is not negative for a real
 *   product category, and only the catch-all of unknown products can hold more returns than sales.
 *   Rather than guess which figures a reader would take as non-negative, every cell's interval is
 *   closed at zero on the side of its true sign: [0, M] when v >= 0, [-M, 0] when v < 0.
 * - A bound M on any magnitude: twice the largest aggregate of the release for that measure
 *   (model.ts). Every true value is inside, the same bound holds for every cell (so it says
 *   nothing of any one), and being at least 2|v| it never decides a cell's protection by itself.
 * - The least value of a row that exists (`minIfNonEmpty`, in `nonEmpty` tables): an order row
 *   that exists has at least one order.
 * - Which cells are empty, where the file shows it: a `grid` table publishes its empty cells as 0
 *   (constants in every equation), so a total with a single non-empty child shows that child is
 *   the whole total (primary.ts adds the rule that prevents it).
 * - Integrality: an intruder rounds the bounds of whole-number figures inward, so the protection
 *   targets of integer measures are whole numbers too.
 * - Orderings the cells satisfy (units >= orders), as constraints of the audit's LP.
 *
 * Protection of a confidential figure of true value v, with p the protection interval (10 %):
 *   the intruder's interval [L, U] must reach down to v - p|v| and up to v + p|v| (rounded
 *   outward to whole numbers for integer measures), each capped at what the intruder knew before
 *   the release (a count of 1 in a row that exists: L can never go below 1, only U must reach 2);
 *   v = 0 (an empty cell flagged by the companion rule, a zero net): the interval must hold at
 *   least one unit (an order, a euro) besides the known bound. A secondary cell whose net happens to
 *   be 0 is exempt (audit.ts): its value is no one's secret, and when every figure beside it is known
 *   not to be negative and their total is 0, no suppression could hide it.
 */
import type { ModelCell, ReleaseModel } from "./model";
import { conceptSpec } from "./model";

export interface FigureKnowledge {
  value: number;
  lower: number;
  upper: number;
  integer: boolean;
}

/** The interval an intruder knows a figure to lie in before reading any equation. */
export function aPriori(model: ReleaseModel, cell: ModelCell, concept: string): FigureKnowledge {
  const spec = conceptSpec(model, concept);
  const value = cell.values[concept];
  const M = spec.bound;
  let lower = value < 0 ? -M : 0;
  const upper = value < 0 ? 0 : M;
  const least = cell.existenceMin[concept];
  if (least !== undefined && value >= least) lower = Math.max(lower, least);
  return { value, lower, upper, integer: spec.integer };
}

export interface ProtectionTarget {
  /** The intruder's lower bound must be at most this… */
  lowTarget: number;
  /** …and its upper bound at least this. */
  highTarget: number;
}

const EPS = 1e-9;

export function protectionTarget(k: FigureKnowledge, protectionIntervalPercent: number): ProtectionTarget {
  const { value: v, lower, upper, integer } = k;
  if (v === 0) {
    // Not a point: room for at least one unit (an order, a euro) above the known lower bound.
    return { lowTarget: lower, highTarget: Math.min(upper, lower + 1) };
  }
  const margin = (protectionIntervalPercent / 100) * Math.abs(v);
  let low = v - margin;
  let high = v + margin;
  if (integer) {
    low = Math.floor(low + EPS);
    high = Math.ceil(high - EPS);
  }
  return { lowTarget: Math.max(low, lower), highTarget: Math.min(high, upper) };
}

/**
 * The side(s) of a derived interval [L, U] that fall short of the target. `solutionError`: how far
 * the LP's solutions may stray from the true extremes in the figure's own units (`GroupLp.solutionError`).
 * It is absolute, not relative to the group's largest number: a tolerance of 1e-7 of the largest
 * a-priori bound (hundreds of millions at a million sale lines) hid every exposure narrower than
 * about 60 units, and a one-customer cell derived exactly by a margin passed the audit.
 */
export function shortfall(k: FigureKnowledge, target: ProtectionTarget, low: number, high: number, solutionError = 0): "lower" | "upper" | "both" | null {
  const tolerance = Math.max(solutionError, 1e-7 * Math.max(Math.abs(k.value), 1));
  const lowShort = low > target.lowTarget + tolerance;
  const highShort = high < target.highTarget - tolerance;
  return lowShort && highShort ? "both" : lowShort ? "lower" : highShort ? "upper" : null;
}
