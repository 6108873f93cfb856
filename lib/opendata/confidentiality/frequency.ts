/**
 * Frequency rule (primary suppression): a cell built from too few units lets a member of it, or
 * anyone who knows the others, isolate one unit's figure. Thresholds come from POLICY: 11 units
 * for cells describing natural persons (DGFiP practice), 3 for businesses (INSEE, loi 51-711).
 *
 * Boundary: a cell with exactly the minimum is published ("at least 11 units"); one fewer is
 * suppressed. A cell with no contributor at all is an empty cell: it describes nobody, so there is
 * no one to protect, and it is published (as its zero), as tau-ARGUS treats empty cells.
 */
import { POLICY, PopulationKind } from "../../policy";

export interface FrequencyFinding {
  status: "primary_frequency";
  reason: string;
}

export function frequencyRule(
  contributors: number,
  population: PopulationKind,
  minContributors: Readonly<Record<PopulationKind, number>> = POLICY.statisticalConfidentiality.frequency.minContributors,
): FrequencyFinding | null {
  const minimum = minContributors[population];
  if (contributors === 0 || contributors >= minimum) return null;
  const source = population === "person" ? "DGFiP practice for natural persons" : "INSEE, loi 51-711 statistical secrecy";
  return {
    status: "primary_frequency",
    // The reason states the threshold, not the cell's count: the count is itself confidential.
    reason: `frequency rule: fewer than ${minimum} contributors (${population}s, ${source})`,
  };
}
