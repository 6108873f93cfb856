/**
 * Primary suppression: every cell of the lattice (margins included: a total of 5 customers is
 * as sensitive as an interior cell of 5) through the frequency rule, then, when the table's value
 * is an amount, the dominance rule. Counts only get the frequency rule: a count of orders has no
 * "share" one unit could dominate that its contributor count does not already describe.
 */
import { POLICY, PopulationKind } from "../../policy";
import { CellStatus } from "./cells";
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

export function primarySuppression(lattice: Lattice, options: PrimaryOptions = {}): Pattern {
  const minContributors = options.minContributors ?? POLICY.statisticalConfidentiality.frequency.minContributors;
  const rule = options.dominance ?? POLICY.statisticalConfidentiality.dominance;
  const value = lattice.measures[0];
  const status: CellStatus[] = [];
  const reasons: (string | null)[] = [];
  for (const cell of lattice.cells) {
    let finding: { status: CellStatus; reason: string } | null = frequencyRule(cell.contributors, cell.population, minContributors);
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
