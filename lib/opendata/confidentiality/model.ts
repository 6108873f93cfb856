/**
 * One model of everything an intruder can write down from a whole release, used by secondary
 * suppression (optimal.ts, heuristic.ts) and by the audit (audit.ts):
 *
 * - Cells. One per figure: cells of the same scope and codes are merged across tables (cells.ts,
 *   `cellKey`), so "the same figure in two tables" is one unknown with one status. A `grid` table
 *   is completed here with its empty combinations (published as 0), so that a row's existence
 *   says nothing.
 * - Relations, per measure concept: every published total equals the sum of the cells under it,
 *   for every dimension, every level of a hierarchy, every combination of the other dimensions,
 *   in every table (periods summing to the whole period are such a total); and every scope equals
 *   the sum of its parts, cell by cell, where a hidden table gives the part no table publishes.
 * - Knowledge besides the values (knowledge.ts): signs, integrality, the least value of a row
 *   that exists, orderings such as units >= orders, and which cells are empty.
 *
 * Cells are numbered in key order, not input order, so the same release gives the same pattern
 * whatever order the rows arrived in.
 */
import { BusinessUnits, CellInput, DimensionSpec, DimensionValues, MeasureSpec, PopulationKind, ScopeSpec, TableInput, cellKey, compareText, conceptOf, isInteger, scopeOf } from "./cells";

export interface ModelCell {
  id: number;
  key: string;
  scope: string;
  dims: DimensionValues;
  /** True value per measure concept. */
  values: Readonly<Record<string, number>>;
  contributors: number;
  topContribution?: number;
  absoluteTotal?: number;
  topShare?: number;
  /** The concept the dominance rule reads (the first measure of the cell's first table). */
  valueConcept: string;
  valueKind: "amount" | "count";
  population: PopulationKind;
  businessUnits?: BusinessUnits;
  /** Never published: appears in hidden tables only. */
  hidden: boolean;
  /** No contributor: an empty cell, published as 0 unless a rule needs it suppressed. */
  empty: boolean;
  /** Least value a row that exists reveals, per concept (nonEmpty tables). */
  existenceMin: Readonly<Record<string, number>>;
  /** Dimensions at an aggregate level (0 = an interior cell); the largest over its tables. */
  aggregation: number;
  /** Tables the cell appears in (published ones first, in name order). */
  tables: string[];
  /** Information lost by suppressing it (optimal.ts): its share of its tables' cells and value. */
  weight: number;
}

export interface Relation {
  id: number;
  kind: "margin" | "scope";
  /** The table (margin) or scope whose relation this is, for messages. */
  source: string;
  /** The dimension summed over (margin relations). */
  dimension: string;
  parent: number;
  children: readonly number[];
  /** The concepts this relation holds for. */
  concepts: readonly string[];
}

/** The cells a relation ties together: its total, then its parts. */
export function membersOf(relation: Relation): number[] {
  return [relation.parent, ...relation.children];
}

export interface Ordering {
  cell: number;
  larger: string;
  smaller: string;
}

export interface ConceptSpec {
  concept: string;
  kind: "amount" | "count";
  integer: boolean;
  /** A-priori bound on any cell's magnitude (knowledge.ts). */
  bound: number;
}

export interface ReleaseModel {
  cells: readonly ModelCell[];
  relations: readonly Relation[];
  orderings: readonly Ordering[];
  concepts: readonly ConceptSpec[];
  /** Relation ids each cell takes part in. */
  relationsOf: readonly (readonly number[])[];
  /** For each input table, the model id of each of its cells (grid-completed ones after the input's). */
  tableCells: readonly (readonly number[])[];
  /** The input tables, grid-completed. */
  tables: readonly TableInput[];
}

/** Children codes of each aggregate code of one dimension, over the codes the table uses. */
export function childrenByParent(dim: DimensionSpec, codes: ReadonlySet<string>): Map<string, string[]> {
  const all = new Set(codes);
  for (const [child, parent] of Object.entries(dim.parent ?? {})) {
    if (codes.has(child) || codes.has(parent)) {
      all.add(child);
      all.add(parent);
    }
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

function checkTable(table: TableInput): void {
  if (table.measures.length === 0) throw new Error(`table "${table.name}": no measures; expected at least the value measure`);
  const seen = new Set<string>();
  for (const m of table.measures) {
    if (seen.has(conceptOf(m))) throw new Error(`table "${table.name}": two measures hold concept "${conceptOf(m)}"`);
    seen.add(conceptOf(m));
  }
  table.cells.forEach((cell, row) => {
    for (const d of table.dimensions) {
      if (typeof cell.dims[d.name] !== "string") throw new Error(`${describe(table, cell, row)}: dimension "${d.name}" missing; expected a code`);
    }
    for (const m of table.measures) {
      const v = cell.measures[m.name];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${describe(table, cell, row)}: measure "${m.name}" is ${v}; expected a finite number`);
      if (m.sign === "nonNegative" && v < 0) throw new Error(`${describe(table, cell, row)}: measure "${m.name}" is ${v}; declared nonNegative`);
      if (isInteger(m) && !Number.isInteger(v)) throw new Error(`${describe(table, cell, row)}: measure "${m.name}" is ${v}; declared integer`);
    }
    if (!Number.isInteger(cell.contributors) || cell.contributors < 0) {
      throw new Error(`${describe(table, cell, row)}: contributors is ${cell.contributors}; expected a non-negative integer`);
    }
  });
}

/**
 * A grid table with every combination of its dimension codes: the missing ones are empty cells
 * (no contributor, every measure 0), appended after the input's cells in code order.
 */
export function completeGrid(table: TableInput): TableInput {
  if ((table.rows ?? "grid") !== "grid") return table;
  const codes = table.dimensions.map((d) => [...new Set(table.cells.map((c) => c.dims[d.name]))].sort(compareText));
  const present = new Set(table.cells.map((c) => JSON.stringify(table.dimensions.map((d) => c.dims[d.name]))));
  const added: CellInput[] = [];
  const walk = (prefix: string[]): void => {
    if (prefix.length === codes.length) {
      if (present.has(JSON.stringify(prefix))) return;
      added.push({
        dims: Object.fromEntries(table.dimensions.map((d, i) => [d.name, prefix[i]])),
        measures: Object.fromEntries(table.measures.map((m) => [m.name, 0])),
        contributors: 0,
        ...(table.measures[0].kind === "amount" ? { topContribution: 0, absoluteTotal: 0 } : {}),
      });
      return;
    }
    for (const code of codes[prefix.length]) walk([...prefix, code]);
  };
  walk([]);
  return added.length === 0 ? table : { ...table, cells: [...table.cells, ...added] };
}

function nearlyEqual(a: number, b: number, scale: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, scale);
}

type Draft = Omit<ModelCell, "id" | "values" | "existenceMin"> & { values: Record<string, number>; existenceMin: Record<string, number> };

/** The cells of a release (pass 1 of buildModel): what primary suppression reads. */
export interface ReleaseCells {
  cells: readonly ModelCell[];
  tableCells: readonly (readonly number[])[];
  tables: readonly TableInput[];
}

/**
 * The cells of a release alone, without its relations, orderings and a-priori bounds: enough for
 * primary suppression (the design ladder's first test of a rung, lib/opendata/design.ts), which
 * reads no relation. The same cells, ids and tables as buildModel's (their `weight` left at 0).
 */
export function buildCells(inputTables: readonly TableInput[]): ReleaseCells {
  const { cells, tableCells, tables } = cellsPass(inputTables);
  return { cells, tableCells, tables };
}

/** Pass 1 of buildModel: the tables checked and grid-completed, the concepts, one cell per identity. */
function cellsPass(inputTables: readonly TableInput[]) {
  if (inputTables.length === 0) throw new Error("no table to protect");
  for (const t of inputTables) checkTable(t);
  const tables = inputTables.map(completeGrid);
  const names = new Set<string>();
  for (const t of tables) {
    if (names.has(t.name)) throw new Error(`two tables are named "${t.name}"`);
    names.add(t.name);
  }

  // Concepts: one kind and integrality across tables.
  const conceptSpecs = new Map<string, { kind: "amount" | "count"; integer: boolean; owner: string }>();
  for (const t of tables) {
    for (const m of t.measures) {
      const c = conceptOf(m);
      const known = conceptSpecs.get(c);
      // A concept is one kind of number: whole or not. (Whether the dominance rule reads it is the
      // table's business: units received are an amount to suppliers' shares, a count to stock.)
      if (!known) conceptSpecs.set(c, { kind: m.kind, integer: isInteger(m), owner: t.name });
      else if (known.integer !== isInteger(m)) {
        throw new Error(`table "${t.name}": measure "${m.name}" (concept ${c}) is ${isInteger(m) ? "" : "not "}whole numbers but table "${known.owner}" declares the same concept ${known.integer ? "" : "not "}whole numbers`);
      } else if (m.kind === "amount") known.kind = "amount";
    }
  }

  // Pass 1: one cell per identity; shared cells must agree.
  const byKey = new Map<string, Draft>();
  const tableKeys: string[][] = [];
  // Published tables first, so a cell's `dims` and value concept come from a table readers see.
  const order = tables.map((t, i) => i).sort((a, b) => Number(tables[a].hidden ?? false) - Number(tables[b].hidden ?? false) || compareText(tables[a].name, tables[b].name));
  const keysOf: string[][] = tables.map(() => []);
  for (const ti of order) {
    const table = tables[ti];
    const scope = scopeOf(table);
    const aggregateCodes = table.dimensions.map((d) => new Set(childrenByParent(d, new Set(table.cells.map((c) => c.dims[d.name]))).keys()));
    const seen = new Set<string>();
    const keys: string[] = [];
    table.cells.forEach((cell, row) => {
      const key = cellKey(scope, cell.dims, table.dimensions);
      if (seen.has(key)) throw new Error(`${describe(table, cell, row)}: duplicate cell ${key}; expected one row per combination`);
      seen.add(key);
      keys.push(key);
      const aggregation = table.dimensions.filter((d, i) => aggregateCodes[i].has(cell.dims[d.name])).length;
      const existence: Record<string, number> = {};
      if (table.rows === "nonEmpty" && cell.contributors > 0) {
        for (const m of table.measures) if (m.minIfNonEmpty !== undefined) existence[conceptOf(m)] = m.minIfNonEmpty;
      }
      const values: Record<string, number> = {};
      for (const m of table.measures) values[conceptOf(m)] = cell.measures[m.name];
      const existing = byKey.get(key);
      if (!existing) {
        byKey.set(key, {
          key,
          scope,
          dims: cell.dims,
          values,
          contributors: cell.contributors,
          topContribution: cell.topContribution,
          absoluteTotal: cell.absoluteTotal,
          topShare: cell.topShare,
          valueConcept: conceptOf(table.measures[0]),
          valueKind: table.measures[0].kind,
          population: cell.population ?? table.population,
          businessUnits: cell.businessUnits,
          hidden: table.hidden ?? false,
          empty: cell.contributors === 0,
          existenceMin: existence,
          aggregation,
          tables: [table.name],
          weight: 0,
        });
        return;
      }
      for (const [concept, b] of Object.entries(values)) {
        const a = existing.values[concept];
        if (a === undefined) existing.values[concept] = b;
        else if (!nearlyEqual(a, b, Math.abs(a))) {
          throw new Error(`${describe(table, cell, row)}: ${concept} = ${b} but table "${existing.tables[0]}" has ${a} for the same figure ${key}`);
        }
      }
      if (existing.contributors !== cell.contributors) {
        throw new Error(`${describe(table, cell, row)}: ${cell.contributors} contributors but table "${existing.tables[0]}" has ${existing.contributors} for ${key}`);
      }
      for (const [c, min] of Object.entries(existence)) existing.existenceMin[c] = Math.max(existing.existenceMin[c] ?? 0, min);
      existing.aggregation = Math.max(existing.aggregation, aggregation);
      existing.hidden = existing.hidden && (table.hidden ?? false);
      existing.tables.push(table.name);
    });
    keysOf[ti] = keys;
  }
  for (let ti = 0; ti < tables.length; ti++) tableKeys.push(keysOf[ti]);
  const cells: ModelCell[] = [...byKey.values()].sort((a, b) => compareText(a.key, b.key)).map((c, id) => ({ id, ...c }));
  const idOf = new Map(cells.map((c) => [c.key, c.id]));
  const tableCells = tableKeys.map((keys) => keys.map((k) => idOf.get(k)!));
  return { tables, conceptSpecs, cells, idOf, tableCells };
}

export function buildModel(inputTables: readonly TableInput[], scopes: readonly ScopeSpec[] = []): ReleaseModel {
  const { tables, conceptSpecs, cells, idOf, tableCells } = cellsPass(inputTables);

  // Pass 2: the relations, deduplicated.
  const relations: Relation[] = [];
  const signatures = new Map<string, Relation>();
  const addRelation = (r: Omit<Relation, "id">, check: () => string | null): void => {
    const children = [...r.children].sort((a, b) => a - b);
    const signature = `${r.parent}=${children.join("+")}`;
    const known = signatures.get(signature);
    if (known) {
      // The same equation from another table: it holds for that table's concepts too.
      (known as { concepts: readonly string[] }).concepts = [...new Set([...known.concepts, ...r.concepts])].sort(compareText);
      return;
    }
    const problem = check();
    if (problem) throw new Error(problem);
    const relation = { ...r, id: -1, children, concepts: [...r.concepts].sort(compareText) };
    signatures.set(signature, relation);
    relations.push(relation);
  };
  const sumCheck = (parent: number, children: readonly number[], concepts: readonly string[], what: string) => (): string | null => {
    for (const concept of concepts) {
      const total = cells[parent].values[concept];
      let sum = 0;
      let scale = Math.abs(total);
      for (const c of children) {
        sum += cells[c].values[concept];
        scale += Math.abs(cells[c].values[concept]);
      }
      if (!nearlyEqual(total, sum, scale)) {
        return `${what}: ${concept} of ${cells[parent].key} is ${total} but its ${children.length} parts sum to ${sum}; a published total must equal the sum of its cells`;
      }
    }
    return null;
  };
  for (const table of tables) {
    const scope = scopeOf(table);
    const concepts = table.measures.map(conceptOf);
    const keys = table.cells.map((c) => cellKey(scope, c.dims, table.dimensions));
    const present = new Set(keys);
    for (const dim of table.dimensions) {
      const byParent = childrenByParent(dim, new Set(table.cells.map((c) => c.dims[dim.name])));
      table.cells.forEach((parentCell, row) => {
        const childCodes = byParent.get(parentCell.dims[dim.name]);
        if (!childCodes) return;
        const children: number[] = [];
        for (const code of childCodes) {
          const childKey = cellKey(scope, parentCell.dims, table.dimensions, dim.name, code);
          if (present.has(childKey)) children.push(idOf.get(childKey)!);
        }
        if (children.length === 0) return;
        const parent = idOf.get(keys[row])!;
        addRelation({ kind: "margin", source: table.name, dimension: dim.name, parent, children, concepts }, sumCheck(parent, children, concepts, `table "${table.name}", dimension "${dim.name}"`));
      });
    }
  }
  for (const spec of scopes) {
    const prefix = `${spec.scope}:`;
    for (const whole of cells) {
      if (!whole.key.startsWith(prefix)) continue;
      const rest = whole.key.slice(prefix.length);
      const parts = spec.parts.map((p) => idOf.get(`${p}:${rest}`));
      if (parts.some((p) => p === undefined)) continue;
      const children = parts as number[];
      const concepts = Object.keys(whole.values).filter((c) => children.every((p) => cells[p].values[c] !== undefined)).sort(compareText);
      if (concepts.length === 0) continue;
      addRelation({ kind: "scope", source: spec.scope, dimension: "scope", parent: whole.id, children, concepts }, sumCheck(whole.id, children, concepts, `scope "${spec.scope}" = ${spec.parts.join(" + ")}`));
    }
  }
  relations.sort((a, b) => compareText(a.kind, b.kind) || compareText(a.dimension, b.dimension) || a.parent - b.parent || compareText(a.source, b.source) || compareText(a.children.join(","), b.children.join(",")));
  relations.forEach((r, i) => (r.id = i));
  const relationsOf: number[][] = cells.map(() => []);
  for (const r of relations) {
    relationsOf[r.parent].push(r.id);
    for (const c of r.children) relationsOf[c].push(r.id);
  }

  // Orderings the cells satisfy (units >= orders), as declared by their tables.
  const orderingSet = new Set<string>();
  const orderings: Ordering[] = [];
  tables.forEach((table, ti) => {
    for (const [larger, smaller] of table.orderings ?? []) {
      for (const id of tableCells[ti]) {
        const cell = cells[id];
        const a = cell.values[larger];
        const b = cell.values[smaller];
        if (a === undefined || b === undefined || a < b) continue;
        const sig = `${cell.id}:${larger}>=${smaller}`;
        if (orderingSet.has(sig)) continue;
        orderingSet.add(sig);
        orderings.push({ cell: cell.id, larger, smaller });
      }
    }
  });
  orderings.sort((a, b) => a.cell - b.cell || compareText(a.larger, b.larger) || compareText(a.smaller, b.smaller));

  // A-priori bound per concept: twice the largest magnitude any cell of the release has (see knowledge.ts).
  const concepts: ConceptSpec[] = [...conceptSpecs.entries()].sort(([a], [b]) => compareText(a, b)).map(([concept, spec]) => {
    let largest = 0;
    for (const c of cells) {
      const v = c.values[concept];
      if (v === undefined) continue;
      largest = Math.max(largest, Math.abs(v), c.valueConcept === concept && c.absoluteTotal !== undefined ? c.absoluteTotal : 0);
    }
    return { concept, kind: spec.kind, integer: spec.integer, bound: 2 * Math.max(largest, 1) };
  });

  // Information loss: a suppressed cell costs its share of its table's non-empty cells plus its
  // share of the table's value (first measure, absolute), in every published table it appears in.
  tables.forEach((table, ti) => {
    if (table.hidden) return;
    const ids = tableCells[ti];
    const value = conceptOf(table.measures[0]);
    const nonEmpty = ids.filter((id) => !cells[id].empty);
    const totalValue = nonEmpty.reduce((s, id) => s + Math.abs(cells[id].values[value]), 0);
    for (const id of nonEmpty) {
      cells[id].weight += 1 / nonEmpty.length + (totalValue > 0 ? Math.abs(cells[id].values[value]) / totalValue : 0);
    }
  });

  return {
    cells,
    relations,
    orderings,
    concepts,
    relationsOf,
    tableCells,
    tables,
  };
}

export function conceptSpec(model: ReleaseModel, concept: string): ConceptSpec {
  const spec = model.concepts.find((c) => c.concept === concept);
  if (!spec) throw new Error(`no measure concept "${concept}" in the release`);
  return spec;
}

/** Cells of the model that are an input table's measures (for tests and messages). */
export function measureOfTable(table: TableInput, concept: string): MeasureSpec | undefined {
  return table.measures.find((m) => conceptOf(m) === concept);
}
