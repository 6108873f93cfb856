/**
 * Tables designed by measurement. Each link group of datasets has a design ladder, finest first
 * (model/designs.json: time grain, geography level, profile detail, dimensions dropped). The
 * release protects the group at each rung in turn (the same engine and audit as the release) and
 * keeps the finest rung where every table of the group stays within POLICY.publication: at most
 * 20 % of its non-empty cells and 5 % of its value suppressed. A rung whose primary suppressions
 * alone already exceed the cell share cannot meet it: it is recorded without the (costlier)
 * secondary suppression, and without extracting the tables left to test once one of its tables is
 * over (testOrder: the tables already extracted are tested first). Nor is a rung that no safe
 * pattern can bring within the targets: a lower
 * bound of every safe pattern's loss (secondary.ts `lossLowerBounds`, from the constraints every
 * safe pattern satisfies) already over the target decides the rung misses, so it is recorded with
 * that bound and the ladder moves on; the optimal method's rounds (most of the stage's time when a
 * large rung is protected and then not published) are spent only on rungs that may be published.
 * The bound never changes which rung is published: a rung it leaves out would have missed the
 * targets after protection too (the protected pattern is safe, so it loses at least the bound).
 * Rungs of at most SMALL_RUNG_CELLS non-empty cells are protected in full all the same: it costs
 * little and the README then gives their exact loss. If no rung meets the targets, the one that
 * misses by the least is kept (the rungs left out by the bound are then protected after all, to
 * compare them) and the README says by how much.
 *
 * Coarser rungs after the chosen one are not measured: they publish less by construction. Every
 * measured rung is reported (the release README, notebook 07), so a reader sees why no finer
 * design was published.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { POLICY } from "../policy";
import { buildCells, buildModel, protectRelease, ProtectionResult, TableInput, TableLoss } from "./confidentiality/index";
import { isPrimary } from "./confidentiality/cells";
import { lossOf } from "./confidentiality/loss";
import { companionRequirements, primarySuppression } from "./confidentiality/primary";
import { lossLowerBounds, UnprotectableDesignError } from "./confidentiality/secondary";
import { DesignGroup, DesignRung, OdDataset } from "./model/datasets";
import { designRows, ExtractRow, extractionKey, extractRows, toTableInput } from "./model/extract";

export interface RungMeasurement {
  group: string;
  rung: number;
  name: string;
  /** Per table: the loss measured after protection, or when skipped after primary suppression only (or the bound: `basis`). */
  tables: TableLoss[];
  /** Why the rung was not protected in full (primary suppressions alone over the target). */
  skipped: string | null;
  /** When skipped, `tables` hold primary suppression alone, or with `bound` the least loss of every safe pattern (design.ts header). */
  basis?: "bound";
  meets: boolean;
  /** max over tables of max(cells % / target, value % / target): below 1 the rung meets the targets. */
  miss: number;
}

export interface DesignedTable {
  ds: OdDataset;
  rung: DesignRung;
  drop: readonly string[];
  /** The extraction's rows of the design (dropped dimensions at their total). */
  rows: ExtractRow[];
  input: TableInput;
}

export interface DesignChoice {
  group: string;
  rung: number;
  name: string;
  meets: boolean;
  tables: DesignedTable[];
  /** The group's protection at this rung (the release reuses it), or null if it was not protected in full. */
  protection: ProtectionResult | null;
}

export interface DesignOutcome {
  choices: DesignChoice[];
  measurements: RungMeasurement[];
}

function missOf(tables: readonly TableLoss[]): number {
  const p = POLICY.publication;
  return Math.max(0, ...tables.map((t) => Math.max(t.suppressedPercent / p.maxSuppressedCellsPercent, t.suppressedValuePercent / p.maxSuppressedValuePercent)));
}

/** Per table, what primary suppression alone hides (a lower bound of the loss after protection). */
export function primaryLoss(tables: readonly TableInput[]): TableLoss[] {
  // The cells alone: primary suppression reads no relation (a rung it rules out is never modelled whole).
  const model = buildCells(tables);
  const status = primarySuppression(model).status;
  return model.tables.map((table, t) => {
    const ids = model.tableCells[t];
    const nonEmpty = ids.filter((id) => !model.cells[id].empty).length;
    const primary = ids.filter((id) => isPrimary(status[id])).length;
    return {
      table: table.name,
      cells: ids.length,
      nonEmptyCells: nonEmpty,
      suppressedCells: primary,
      primaryCells: primary,
      secondaryCells: 0,
      suppressedPercent: nonEmpty === 0 ? 0 : Math.round((1000 * primary) / nonEmpty) / 10,
      suppressedValuePercent: NaN,
    };
  });
}

/** A table of a group at one rung, from the rows of its extraction (the rung's dropped dimensions at their total). */
export function designTable(ds: OdDataset, rung: DesignRung, extracted: ExtractRow[]): DesignedTable {
  const drop = rung.drop[ds.dataset] ?? [];
  const rows = designRows(ds, extracted, drop);
  return { ds, rung, drop, rows, input: toTableInput(ds, rows, drop) };
}

/** Rungs with at most this many non-empty cells (all tables of the group) are protected in full even when the bound shows they miss. */
export const SMALL_RUNG_CELLS = 1000;

/** Per table, the least loss of every safe pattern (secondary.ts `lossLowerBounds`), rounded as every loss is. */
async function boundLoss(tables: readonly TableInput[]): Promise<TableLoss[]> {
  const model = buildModel(tables);
  const pattern = primarySuppression(model);
  return (await lossLowerBounds(model, pattern, companionRequirements(model, pattern.status))).map(lossOf);
}

export async function chooseDesigns(
  conn: DuckDBConnection,
  datasets: readonly OdDataset[],
  groups: readonly DesignGroup[],
  buckets: number,
  log: (m: string) => void,
): Promise<DesignOutcome> {
  const byName = new Map(datasets.map((d) => [d.dataset, d]));
  const cache = new Map<string, ExtractRow[]>();
  const extract = async (ds: OdDataset, rung: DesignRung): Promise<ExtractRow[]> => {
    // Keyed by what the query reads, not by the whole rung: a rung that changes only what a
    // table does not depend on (the time grain, for the customers table) reuses its cells.
    const key = extractionKey(ds, rung.params);
    let rows = cache.get(key);
    if (!rows) cache.set(key, (rows = await extractRows(conn, ds, rung.params, buckets)));
    return rows;
  };
  const designedTable = async (name: string, rung: DesignRung): Promise<DesignedTable> => {
    const ds = byName.get(name)!;
    return designTable(ds, rung, await extract(ds, rung));
  };
  const designed = async (g: DesignGroup, rung: DesignRung): Promise<DesignedTable[]> => {
    const out: DesignedTable[] = [];
    for (const name of g.datasets) out.push(await designedTable(name, rung));
    return out;
  };
  /**
   * The order in which a rung's tables are tested against the target by primary suppression, one
   * at a time, the rung ruled out by the first over it: the tables already extracted first, then
   * those the most rungs of the ladder share (a query that reads fewer of the ladder's parameters,
   * such as the customers table, which has no time grain), then the group's order. A rung ruled out
   * by a table already at hand costs no extraction of the others (at 1 M rows, two sales queries of
   * one to three seconds each per rung). Primary suppression judges each cell on its own figures,
   * and a figure two tables share is the same figure in both (buildCells stops when its values or
   * contributors differ), so a table's primary loss is the same tested alone as with its group
   * (tests/opendata/design.test.ts checks it at every rung of every ladder); a rung that passes
   * table by table is tested once more as a group all the same. Built once per group: how many
   * different extractions of each table its ladder holds does not depend on the rung.
   */
  const testOrderOf = (g: DesignGroup): ((rung: DesignRung) => string[]) => {
    const extractions = new Map(g.datasets.map((name) => [name, new Set(g.rungs.map((r) => extractionKey(byName.get(name)!, r.params))).size]));
    return (rung) => {
      const rank = new Map(g.datasets.map((name, i) => [name, [cache.has(extractionKey(byName.get(name)!, rung.params)) ? 0 : 1, extractions.get(name)!, i]]));
      return [...g.datasets].sort((a, b) => {
        const [x, y] = [rank.get(a)!, rank.get(b)!];
        return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
      });
    };
  };

  const choices: DesignChoice[] = [];
  const measurements: RungMeasurement[] = [];
  const target = POLICY.publication.maxSuppressedCellsPercent;
  for (const g of [...groups].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))) {
    const testOrder = testOrderOf(g);
    const measured: { index: number; tables: DesignedTable[]; miss: number; protection: ProtectionResult }[] = [];
    // Rungs the bound left out: protected after all only if no rung meets the targets.
    const bounded: { index: number; at: number }[] = [];
    let chosen: DesignChoice | null = null;
    // Protects a rung in full and records it at `at` in the measurements (or at their end).
    const protect = async (index: number, tables: DesignedTable[], at?: number): Promise<{ meets: boolean; result: ProtectionResult } | null> => {
      const rung = g.rungs[index];
      const record = (m: RungMeasurement) => (at === undefined ? measurements.push(m) : (measurements[at] = m));
      let result: ProtectionResult;
      try {
        result = await protectRelease(tables.map((t) => t.input), { log: (m) => log(`opendata: design ${g.group} / ${rung.name}: ${m}`) });
      } catch (err) {
        // A design whose figures suppression cannot protect is measured as such; the ladder goes on.
        if (!(err instanceof UnprotectableDesignError)) throw err;
        const skipped = `suppression cannot protect it: ${err.message.replace(/^secondary suppression \(heuristic\): /, "")}`;
        const loss = primaryLoss(tables.map((t) => t.input));
        record({ group: g.group, rung: index, name: rung.name, tables: loss, skipped, meets: false, miss: missOf(loss.map((t) => ({ ...t, suppressedValuePercent: 0 }))) });
        log(`opendata: design ${g.group} / ${rung.name}: skipped, ${skipped}`);
        return null;
      }
      const miss = missOf(result.loss);
      const meets = miss <= 1;
      record({ group: g.group, rung: index, name: rung.name, tables: result.loss, skipped: null, meets, miss });
      log(`opendata: design ${g.group} / ${rung.name}: ${result.loss.map((l) => `${l.table} ${l.suppressedPercent.toFixed(1)} % cells, ${l.suppressedValuePercent.toFixed(1)} % value`).join("; ")}${meets ? " (meets the targets)" : ""}`);
      measured.push({ index, tables, miss, protection: result });
      return { meets, result };
    };
    // A rung whose primary suppressions alone put a table over the target: recorded, not protected.
    const ruledOut = (index: number, primary: TableLoss[], over: TableLoss) => {
      const skipped = `${over.table}: primary suppression alone hides ${over.suppressedPercent.toFixed(1)} % of its non-empty cells (target ${target} %)`;
      measurements.push({ group: g.group, rung: index, name: g.rungs[index].name, tables: primary, skipped, meets: false, miss: missOf(primary.map((t) => ({ ...t, suppressedValuePercent: 0 }))) });
      log(`opendata: design ${g.group} / ${g.rungs[index].name}: skipped, ${skipped}`);
    };
    for (let index = 0; index < g.rungs.length; index++) {
      const rung = g.rungs[index];
      const single = g.rungs.length === 1;
      if (!single) {
        // What primary suppression alone hides, table by table (testOrder), until one is over the target.
        const tested = new Map<string, TableLoss>();
        let over: TableLoss | undefined;
        for (const name of testOrder(rung)) {
          const [loss] = primaryLoss([(await designedTable(name, rung)).input]);
          tested.set(name, loss);
          if (loss.suppressedPercent > target) {
            over = loss;
            break;
          }
        }
        if (over) {
          // Recorded with the tables tested, in the group's order: the others were not extracted.
          ruledOut(index, g.datasets.filter((name) => tested.has(name)).map((name) => tested.get(name)!), over);
          continue;
        }
      }
      const tables = await designed(g, rung);
      const primary = single ? null : primaryLoss(tables.map((t) => t.input));
      const overTogether = primary?.find((t) => t.suppressedPercent > target);
      if (overTogether) {
        // Never reached while a table's primary loss is the same alone and in its group (testOrder); kept as the rule itself.
        ruledOut(index, primary!, overTogether);
        continue;
      }
      if (!single && primary!.reduce((n, t) => n + t.nonEmptyCells, 0) > SMALL_RUNG_CELLS) {
        const bound = await boundLoss(tables.map((t) => t.input));
        const miss = missOf(bound);
        if (miss > 1) {
          const worst = bound.find((t) => missOf([t]) === miss)!;
          const skipped = `${worst.table}: every safe pattern hides at least ${worst.suppressedPercent.toFixed(1)} % of its non-empty cells and ${worst.suppressedValuePercent.toFixed(1)} % of its value (targets ${target} % and ${POLICY.publication.maxSuppressedValuePercent} %)`;
          bounded.push({ index, at: measurements.length });
          measurements.push({ group: g.group, rung: index, name: rung.name, tables: bound, skipped, basis: "bound", meets: false, miss });
          log(`opendata: design ${g.group} / ${rung.name}: skipped, ${skipped}`);
          continue;
        }
      }
      const outcome = await protect(index, tables);
      if (outcome && (outcome.meets || single)) {
        chosen = { group: g.group, rung: index, name: rung.name, meets: outcome.meets, tables, protection: outcome.result };
        break;
      }
    }
    if (!chosen) {
      // No rung meets the targets: the one that misses by the least is kept, among every rung
      // that could be protected, so the rungs the bound left out are protected now.
      for (const b of bounded) await protect(b.index, await designed(g, g.rungs[b.index]), b.at);
      measured.sort((a, b) => a.index - b.index);
      const best = measured.length > 0 ? measured.reduce((a, b) => (b.miss < a.miss ? b : a)) : null;
      const index = best ? best.index : g.rungs.length - 1;
      chosen = { group: g.group, rung: index, name: g.rungs[index].name, meets: false, tables: best ? best.tables : await designed(g, g.rungs[index]), protection: best ? best.protection : null };
    }
    choices.push(chosen);
  }
  return { choices, measurements };
}
