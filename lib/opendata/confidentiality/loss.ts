/**
 * What a suppression pattern costs the public, table by table: the share of non-empty cells it
 * hides and the share of the table's value (first measure, absolute) those cells held. One count
 * serves the loss of a pattern (`tableLoss`) and the lower bound of every safe pattern's loss
 * (secondary.ts `lossLowerBounds`, which raises the counts by what its solver proves), and one
 * rounding turns either into the percentages the design ladder compares with the targets.
 */
import { CellStatus, conceptOf, isPrimary } from "./cells";
import type { ReleaseModel } from "./model";

export interface TableLoss {
  table: string;
  cells: number;
  /** Cells with at least one contributor. */
  nonEmptyCells: number;
  suppressedCells: number;
  primaryCells: number;
  secondaryCells: number;
  /** Suppressed cells among the non-empty ones, %. */
  suppressedPercent: number;
  /** Sum of |value| (first measure) of the suppressed cells over that of all cells, %. */
  suppressedValuePercent: number;
}

/** A table's counts and sums under a pattern, before rounding. */
export interface TableCounts {
  table: string;
  cells: number;
  nonEmptyCells: number;
  /** Cells not published (empty ones included: a hidden empty cell is a flag like any other). */
  suppressedCells: number;
  primaryCells: number;
  /** Sum of |value| (first measure) over the table's cells. */
  totalValue: number;
  /** The same over the suppressed cells. */
  hiddenValue: number;
}

/** Counts of table `t` (an index of model.tables) under `status`. */
export function tableCounts(model: ReleaseModel, t: number, status: readonly CellStatus[]): TableCounts {
  const table = model.tables[t];
  const ids = model.tableCells[t];
  const value = conceptOf(table.measures[0]);
  const counts: TableCounts = { table: table.name, cells: ids.length, nonEmptyCells: 0, suppressedCells: 0, primaryCells: 0, totalValue: 0, hiddenValue: 0 };
  for (const id of ids) {
    const cell = model.cells[id];
    const v = Math.abs(cell.values[value] ?? 0);
    counts.totalValue += v;
    if (!cell.empty) counts.nonEmptyCells++;
    if (status[id] === "published") continue;
    counts.suppressedCells++;
    counts.hiddenValue += v;
    if (isPrimary(status[id])) counts.primaryCells++;
  }
  return counts;
}

/** The loss figures of one table's counts, percentages rounded to a tenth. */
export function lossOf(counts: TableCounts): TableLoss {
  const pct = (a: number, b: number) => (b === 0 ? 0 : Math.round((1000 * a) / b) / 10);
  return {
    table: counts.table,
    cells: counts.cells,
    nonEmptyCells: counts.nonEmptyCells,
    suppressedCells: counts.suppressedCells,
    primaryCells: counts.primaryCells,
    secondaryCells: counts.suppressedCells - counts.primaryCells,
    suppressedPercent: pct(counts.suppressedCells, counts.nonEmptyCells),
    suppressedValuePercent: pct(counts.hiddenValue, counts.totalValue),
  };
}

/** Loss of every published table of the model under `status`. */
export function tableLoss(model: ReleaseModel, status: readonly CellStatus[]): TableLoss[] {
  const out: TableLoss[] = [];
  model.tables.forEach((table, t) => {
    if (!table.hidden) out.push(lossOf(tableCounts(model, t, status)));
  });
  return out;
}
