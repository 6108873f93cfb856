/**
 * Dominance rule (n = 1, k = 85 %) (primary suppression): when one unit makes up more than 85 %
 * of a cell, publishing the cell publishes that unit's figure to within 15 %, and the second
 * largest contributor can estimate the first even more closely (INSEE, loi 51-711).
 *
 * Boundary: "no single unit above 85 %": a share of exactly 85 % is published, anything
 * strictly above is suppressed. The comparison is `100 * top > k * total` in scaled arithmetic,
 * so 85 out of 100 is not pushed over by 0.85's binary rounding.
 *
 * Negative contributions (returns, credit notes): the rule is applied to ABSOLUTE contributions,
 * share = max_i |c_i| / sum_i |c_i|. Reasons:
 * - on the signed net value the share is meaningless: a cell of +1000 sales and -990 returns has
 *   a net of 10, and "share of the net" would be 100 / 10 = 1000 % for any unit of 100;
 * - the positive part (largest sale / sum of sales) ignores a unit whose large returns dominate
 *   the cell, yet those returns are as much that unit's commercial information (Directive (EU)
 *   2016/943) as its sales;
 * - absolute values keep the share in [0, 1], treat both signs alike, and reduce to the usual
 *   rule when all contributions are positive.
 * Known limit: offsetting contributions can make a unit dominant in the net without being dominant
 * in absolute terms (+100, -90, +5); the frequency rule and the protection interval of the
 * audit remain the guard there.
 */
import { POLICY } from "../../policy";

export interface DominanceInput {
  /** Absolute contribution of the largest unit. */
  topContribution?: number;
  /** Sum of absolute contributions; defaults to |value| (exact when all contributions share a sign). */
  absoluteTotal?: number;
  /** The share directly, already computed on absolute contributions, in [0, 1]. */
  topShare?: number;
  value: number;
}

export interface DominanceFinding {
  status: "primary_dominance";
  reason: string;
}

export function dominanceRule(
  cell: DominanceInput,
  rule: { n: number; kPercent: number } = POLICY.statisticalConfidentiality.dominance,
): DominanceFinding | null {
  if (rule.n !== 1) throw new Error(`dominance rule (n=${rule.n}): only n = 1 is implemented; the cell carries its single largest contribution`);
  let top: number;
  let total: number;
  if (cell.topContribution !== undefined) {
    top = Math.abs(cell.topContribution);
    total = cell.absoluteTotal ?? Math.abs(cell.value);
    if (top > total * (1 + 1e-9) + 1e-9) {
      throw new Error(`dominance rule: largest contribution ${top} exceeds the cell's absolute total ${total}; expected absoluteTotal >= topContribution`);
    }
  } else if (cell.topShare !== undefined) {
    if (!(cell.topShare >= 0 && cell.topShare <= 1)) throw new Error(`dominance rule: topShare ${cell.topShare}; expected a share in [0, 1]`);
    top = cell.topShare;
    total = 1;
  } else {
    throw new Error("dominance rule: the cell has neither topContribution nor topShare; an amount cell needs one to be checked");
  }
  if (total === 0) return null;
  if (100 * top > rule.kPercent * total) {
    // The reason states the threshold, not the share: the share is itself confidential.
    return {
      status: "primary_dominance",
      reason: `dominance rule (${rule.n}, ${rule.kPercent} %): one contributor holds more than ${rule.kPercent} % of the cell (INSEE, loi 51-711)`,
    };
  }
  return null;
}
