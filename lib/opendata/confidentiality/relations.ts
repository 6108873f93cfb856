/**
 * The additivity relations a reader can write down from a release: every published total equals
 * the sum of the cells under it ("parent = sum of children"), for every dimension, every level of
 * a hierarchy and every combination of the other dimensions, over all tables released together.
 * These equations are exactly what an intruder uses to recompute a suppressed value by
 * subtraction, so secondary suppression and the audit both work on them.
 *
 * Linked tables are merged into one lattice: a cell that appears in two tables (same identity,
 * see `cellKey`) is one unknown with one status, and the relations of both tables constrain it.
 * Cells are numbered in key order, not input order, so the same release gives the same pattern
 * whatever order the rows arrived in.
 */
import { BusinessUnits, CellInput, DimensionSpec, MeasureSpec, PopulationKind, TableInput, cellKey, compareText } from "./cells";

export interface LatticeCell {
  id: number;
  key: string;
  dims: Readonly<Record<string, string>>;
  measures: Readonly<Record<string, number>>;
  contributors: number;
  topContribution?: number;
  absoluteTotal?: number;
  topShare?: number;
  population: PopulationKind;
  businessUnits?: BusinessUnits;
  /** Dimensions at an aggregate level (0 = an interior cell); the largest over its tables. */
  aggregation: number;
  /** Tables the cell appears in, for error messages and per-table output. */
  tables: string[];
}

export interface Relation {
  id: number;
  table: string;
  dimension: string;
  parent: number;
  /** Child cells present in the table; an absent child is a published zero (no row = nothing). */
  children: readonly number[];
}

export interface Lattice {
  cells: readonly LatticeCell[];
  relations: readonly Relation[];
  /** Relation ids each cell takes part in (as parent or child). */
  relationsOf: readonly (readonly number[])[];
  measures: readonly MeasureSpec[];
  /** For each input table, in input order, the lattice id of each of its cells in input order. */
  tableCells: readonly (readonly number[])[];
}

/** Children codes of each aggregate code of one dimension, over the codes the table uses. */
function childrenByParent(dim: DimensionSpec, codes: ReadonlySet<string>): Map<string, string[]> {
  const all = new Set(codes);
  for (const [child, parent] of Object.entries(dim.parent ?? {})) {
    all.add(child);
    all.add(parent);
  }
  const byParent = new Map<string, string[]>();
  for (const code of [...all].sort(compareText)) {
    if (code === dim.total) continue;
    const parent = dim.parent?.[code] ?? dim.total;
    if (parent === undefined) continue;
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent)!.push(code);
  }
  return byParent;
}

function describe(table: TableInput, cell: CellInput, row: number): string {
  return `table "${table.name}", cell #${row} ${JSON.stringify(cell.dims)}`;
}

function checkTable(table: TableInput, measures: readonly MeasureSpec[]): void {
  if (table.measures.length === 0) throw new Error(`table "${table.name}": no measures; expected at least the value measure`);
  const same =
    table.measures.length === measures.length &&
    table.measures.every((m, i) => m.name === measures[i].name && m.kind === measures[i].kind && m.sign === measures[i].sign);
  if (!same) {
    throw new Error(
      `table "${table.name}": measures ${JSON.stringify(table.measures)} differ from the first linked table's ` +
        `${JSON.stringify(measures)}; linked tables must publish the same measures (same name, kind and sign)`,
    );
  }
  table.cells.forEach((cell, row) => {
    for (const d of table.dimensions) {
      if (typeof cell.dims[d.name] !== "string") throw new Error(`${describe(table, cell, row)}: dimension "${d.name}" missing; expected a code`);
    }
    for (const m of table.measures) {
      const v = cell.measures[m.name];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${describe(table, cell, row)}: measure "${m.name}" is ${v}; expected a finite number`);
      if (m.sign === "nonNegative" && v < 0) throw new Error(`${describe(table, cell, row)}: measure "${m.name}" is ${v}; declared nonNegative`);
    }
    if (!Number.isInteger(cell.contributors) || cell.contributors < 0) {
      throw new Error(`${describe(table, cell, row)}: contributors is ${cell.contributors}; expected a non-negative integer`);
    }
  });
}

function nearlyEqual(a: number, b: number, scale: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, scale);
}

export function buildLattice(tables: readonly TableInput[]): Lattice {
  if (tables.length === 0) throw new Error("no table to protect");
  const measures = tables[0].measures;
  for (const t of tables) checkTable(t, measures);

  // Pass 1: one lattice cell per identity, checking that shared cells agree.
  const byKey = new Map<string, Omit<LatticeCell, "id">>();
  const tableKeys: string[][] = [];
  for (const table of tables) {
    const aggregateCodes = table.dimensions.map((d) => {
      const codes = new Set(table.cells.map((c) => c.dims[d.name]));
      return new Set(childrenByParent(d, codes).keys());
    });
    const seen = new Set<string>();
    const keys: string[] = [];
    table.cells.forEach((cell, row) => {
      const key = cellKey(cell.dims, table.dimensions);
      if (seen.has(key)) throw new Error(`${describe(table, cell, row)}: duplicate cell ${key}; expected one row per combination`);
      seen.add(key);
      keys.push(key);
      const aggregation = table.dimensions.filter((d, i) => aggregateCodes[i].has(cell.dims[d.name])).length;
      const existing = byKey.get(key);
      if (!existing) {
        byKey.set(key, {
          key,
          dims: cell.dims,
          measures: cell.measures,
          contributors: cell.contributors,
          topContribution: cell.topContribution,
          absoluteTotal: cell.absoluteTotal,
          topShare: cell.topShare,
          population: cell.population ?? table.population,
          businessUnits: cell.businessUnits,
          aggregation,
          tables: [table.name],
        });
        return;
      }
      for (const m of measures) {
        const a = existing.measures[m.name];
        const b = cell.measures[m.name];
        if (!nearlyEqual(a, b, Math.abs(a))) {
          throw new Error(`${describe(table, cell, row)}: ${m.name} = ${b} but table "${existing.tables[0]}" publishes ${a} for the same cell ${key}`);
        }
      }
      if (existing.contributors !== cell.contributors) {
        throw new Error(`${describe(table, cell, row)}: ${cell.contributors} contributors but table "${existing.tables[0]}" has ${existing.contributors} for ${key}`);
      }
      existing.aggregation = Math.max(existing.aggregation, aggregation);
      existing.tables.push(table.name);
    });
    tableKeys.push(keys);
  }
  const cells: LatticeCell[] = [...byKey.values()].sort((a, b) => compareText(a.key, b.key)).map((c, id) => ({ id, ...c }));
  const idOf = new Map(cells.map((c) => [c.key, c.id]));

  // Pass 2: the relations of each table, deduplicated across tables.
  const relations: Relation[] = [];
  const signatures = new Set<string>();
  for (const table of tables) {
    const present = new Map<string, CellInput>();
    for (const cell of table.cells) present.set(cellKey(cell.dims, table.dimensions), cell);
    for (const dim of table.dimensions) {
      const codes = new Set(table.cells.map((c) => c.dims[dim.name]));
      const byParent = childrenByParent(dim, codes);
      for (const parentCell of table.cells) {
        const childCodes = byParent.get(parentCell.dims[dim.name]);
        if (!childCodes) continue;
        const children: number[] = [];
        for (const code of childCodes) {
          const childKey = cellKey({ ...parentCell.dims, [dim.name]: code }, table.dimensions);
          if (present.has(childKey)) children.push(idOf.get(childKey)!);
        }
        const parent = idOf.get(cellKey(parentCell.dims, table.dimensions))!;
        for (const m of measures) {
          const total = cells[parent].measures[m.name];
          let sum = 0;
          let scale = Math.abs(total);
          for (const c of children) {
            sum += cells[c].measures[m.name];
            scale += Math.abs(cells[c].measures[m.name]);
          }
          if (!nearlyEqual(total, sum, scale)) {
            throw new Error(
              `table "${table.name}", dimension "${dim.name}": ${m.name} of ${cells[parent].key} is ${total} but its ` +
                `${children.length} children sum to ${sum}; a published total must equal the sum of its cells`,
            );
          }
        }
        children.sort((a, b) => a - b);
        const signature = `${parent}=${children.join("+")}`;
        if (signatures.has(signature)) continue;
        signatures.add(signature);
        relations.push({ id: -1, table: table.name, dimension: dim.name, parent, children });
      }
    }
  }
  relations.sort((a, b) => compareText(a.dimension, b.dimension) || a.parent - b.parent || compareText(a.table, b.table));
  relations.forEach((r, i) => (r.id = i));

  const relationsOf: number[][] = cells.map(() => []);
  for (const r of relations) {
    relationsOf[r.parent].push(r.id);
    for (const c of r.children) relationsOf[c].push(r.id);
  }
  return { cells, relations, relationsOf, measures, tableCells: tableKeys.map((keys) => keys.map((k) => idOf.get(k)!)) };
}
