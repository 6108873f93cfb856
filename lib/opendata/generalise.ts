/**
 * Generalisation of time, chosen by measuring: each dataset lists a ladder of time grains
 * (finest first); the release extracts the table at each grain and keeps the finest one whose
 * share of primary-suppressed detail cells (no dimension at a total) stays within
 * GENERALISATION.maxDetailPrimaryPercent. If no grain qualifies, the coarsest is kept: its
 * margins still publish, and the suppression table of the README says how much is hidden.
 * Tables protected together (a link group) share one grain, the coarsest any of them needs, so
 * that their shared margins are the same cells.
 */
import { POLICY } from "../policy";
import { dominanceRule, frequencyRule, TableInput } from "./confidentiality/index";
import type { OdDataset, TimeGrain } from "./model/datasets";

export const GENERALISATION = {
  // A release where more than about a third of the detail is primary-suppressed (secondary suppression then hides
  // about as much again) tells reusers more through its margins than through its cells: past that
  // point the next coarser grain is the better trade
  // (INSEE/Eurostat practice is to redesign the table rather than publish mostly flags).
  maxDetailPrimaryPercent: 30,
} as const;

export interface GrainMeasurement {
  dataset: string;
  grain: TimeGrain;
  cells: number;
  detailCells: number;
  detailPrimary: number;
  detailPrimaryPercent: number;
}

/** A detail cell: no dimension at its total or at an inner level of its hierarchy. */
export function isDetailCell(ds: OdDataset, table: TableInput, dims: Readonly<Record<string, string>>): boolean {
  return table.dimensions.every((d) => {
    const v = dims[d.name];
    if (d.total !== undefined && v === d.total) return false;
    if (d.parent && Object.values(d.parent).includes(v)) return false;
    return true;
  });
}

export function measureGrain(ds: OdDataset, grain: TimeGrain, table: TableInput): GrainMeasurement {
  const value = table.measures[0];
  let detailCells = 0;
  let detailPrimary = 0;
  for (const c of table.cells) {
    if (!isDetailCell(ds, table, c.dims)) continue;
    detailCells++;
    const population = c.population ?? table.population;
    const primary =
      frequencyRule(c.contributors, population) ??
      (value.kind === "amount" && c.contributors > 0 ? dominanceRule({ ...c, value: c.measures[value.name] }, POLICY.statisticalConfidentiality.dominance) : null);
    if (primary) detailPrimary++;
  }
  return {
    dataset: ds.dataset,
    grain,
    cells: table.cells.length,
    detailCells,
    detailPrimary,
    detailPrimaryPercent: detailCells === 0 ? 0 : Math.round((1000 * detailPrimary) / detailCells) / 10,
  };
}

/** The finest grain within the threshold, else the coarsest of the ladder. */
export function chooseGrain(ladder: readonly TimeGrain[], measured: readonly GrainMeasurement[]): TimeGrain {
  for (const grain of ladder) {
    const m = measured.find((x) => x.grain === grain);
    if (m && m.detailPrimaryPercent <= GENERALISATION.maxDetailPrimaryPercent) return grain;
  }
  return ladder[ladder.length - 1];
}
