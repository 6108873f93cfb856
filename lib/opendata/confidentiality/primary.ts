/**
 * Primary suppression: every cell of the model (margins included: a total of 5 customers is as
 * sensitive as an interior cell of 5; hidden cells too: a complement no table shows is held to
 * the rules of the population it describes) through the frequency rule, then, when the cell's
 * value is an amount, the dominance rule. Counts only get the frequency rule: a count of orders
 * has no "share" one unit could dominate that its contributor count does not already describe.
 *
 * And one rule on the shape of a table: a confidential total with a single non-empty child.
 * In a grid table the other children are published as 0, so the reader learns that every member
 * of the total's small group falls in that child (everyone of gender X in a country is aged
 * 45-54) without reading any value. Such a relation needs one more of its empty children flagged,
 * so that two children could hold the group: a "companion" requirement for secondary suppression.
 */
import { POLICY, PopulationKind } from "../../policy";
import { BusinessUnits, CellStatus, isPrimary } from "./cells";
import { dominanceRule } from "./dominance";
import { frequencyRule } from "./frequency";
import type { ReleaseCells, ReleaseModel } from "./model";

export interface PrimaryOptions {
  minContributors?: Readonly<Record<PopulationKind, number>>;
  dominance?: { n: number; kPercent: number };
}

export interface Pattern {
  status: CellStatus[];
  /** Internal only: the rule behind each primary status (for the internal audit report). */
  reasons: (string | null)[];
}

/** A relation whose confidential total has one non-empty child: one of `candidates` must be flagged too. */
export interface CompanionRequirement {
  relation: number;
  parent: number;
  child: number;
  /** The empty children of the relation, in id order. */
  candidates: readonly number[];
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

export function primarySuppression(model: Pick<ReleaseCells, "cells">, options: PrimaryOptions = {}): Pattern {
  const minContributors = options.minContributors ?? POLICY.statisticalConfidentiality.frequency.minContributors;
  const rule = options.dominance ?? POLICY.statisticalConfidentiality.dominance;
  const status: CellStatus[] = [];
  const reasons: (string | null)[] = [];
  for (const cell of model.cells) {
    let finding: { status: CellStatus; reason: string } | null = frequencyRule(cell.contributors, cell.population, minContributors);
    if (!finding && cell.businessUnits) finding = businessUnitsRule(cell.businessUnits, minContributors, rule);
    if (!finding && cell.valueKind === "amount" && cell.contributors > 0) {
      try {
        finding = dominanceRule({ ...cell, value: cell.values[cell.valueConcept] }, rule);
      } catch (e) {
        throw new Error(`tables ${cell.tables.join(", ")}, cell ${cell.key}, measure "${cell.valueConcept}": ${(e as Error).message}`);
      }
    }
    status.push(finding ? finding.status : "published");
    reasons.push(finding ? finding.reason : null);
  }
  return { status, reasons };
}

/** The single-child relations of confidential totals (see the header). */
export function companionRequirements(model: ReleaseModel, status: readonly CellStatus[]): CompanionRequirement[] {
  const out: CompanionRequirement[] = [];
  for (const r of model.relations) {
    if (r.kind !== "margin" || r.children.length < 2) continue;
    const parent = model.cells[r.parent];
    if (parent.empty || parent.hidden || !isPrimary(status[r.parent])) continue;
    const nonEmpty = r.children.filter((c) => !model.cells[c].empty);
    if (nonEmpty.length !== 1) continue;
    const candidates = r.children.filter((c) => model.cells[c].empty && !model.cells[c].hidden);
    if (candidates.length === 0) continue;
    out.push({ relation: r.id, parent: r.parent, child: nonEmpty[0], candidates });
  }
  return out;
}
