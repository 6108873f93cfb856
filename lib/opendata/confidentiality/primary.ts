/**
 * Primary suppression: every cell of the lattice (margins included: a total of 5 customers is
 * as sensitive as an interior cell of 5) through the frequency rule, then, when the table's value
 * is an amount, the dominance rule. Counts only get the frequency rule: a count of orders has no
 * "share" one unit could dominate that its contributor count does not already describe.
 */
import { POLICY, PopulationKind } from "../../policy";
import { BusinessUnits, CellStatus } from "./cells";
import { dominanceRule } from "./dominance";
import { frequencyRule } from "./frequency";
import { Lattice } from "./relations";

export interface PrimaryOptions {
  minContributors?: Readonly<Record<PopulationKind, number>>;
  dominance?: { n: number; kPercent: number };
}

export interface Pattern {
  status: CellStatus[];
  reasons: (string | null)[];
}

/**
 * The business rules applied to the second class of units of a cell (cells.ts, `businessUnits`):
 * frequency (a cell of one or two carriers is that carrier's figure) and dominance (one carrier
 * above the threshold share is that carrier's figure to within the rest).
 */
export function businessUnitsRule(
  units: BusinessUnits,
  minContributors: Readonly<Record<PopulationKind, number>>,
  rule: { n: number; kPercent: number },
): { status: CellStatus; reason: string } | null {
  if (units.total === 0) return null;
  const minimum = minContributors.business;
  if (units.contributors < minimum) {
    return {
      status: "primary_frequency",
      reason: `frequency rule: fewer than ${minimum} ${units.label} (businesses, INSEE, loi 51-711; Directive (EU) 2016/943)`,
    };
  }
  const dominance = dominanceRule({ topContribution: units.topContribution, absoluteTotal: units.total, value: units.total }, rule);
  return dominance ? { status: dominance.status, reason: dominance.reason.replace("one contributor", `one of the ${units.label}`) } : null;
}

export function primarySuppression(lattice: Lattice, options: PrimaryOptions = {}): Pattern {
  const minContributors = options.minContributors ?? POLICY.statisticalConfidentiality.frequency.minContributors;
  const rule = options.dominance ?? POLICY.statisticalConfidentiality.dominance;
  const value = lattice.measures[0];
  const status: CellStatus[] = [];
  const reasons: (string | null)[] = [];
  for (const cell of lattice.cells) {
    let finding: { status: CellStatus; reason: string } | null = frequencyRule(cell.contributors, cell.population, minContributors);
    if (!finding && cell.businessUnits) finding = businessUnitsRule(cell.businessUnits, minContributors, rule);
    if (!finding && value.kind === "amount" && cell.contributors > 0) {
      try {
        finding = dominanceRule({ ...cell, value: cell.measures[value.name] }, rule);
      } catch (e) {
        throw new Error(`tables ${cell.tables.join(", ")}, cell ${cell.key}, measure "${value.name}": ${(e as Error).message}`);
      }
    }
    status.push(finding ? finding.status : "published");
    reasons.push(finding ? finding.reason : null);
  }
  return { status, reasons };
}
