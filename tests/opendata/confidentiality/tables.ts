/**
 * Hand-built tables for the confidentiality tests: interior cells are given, every margin
 * ("All" of each dimension, and their combinations) is summed from them, as a GROUP BY CUBE would.
 * Contributors of a margin are the sum of its cells' (each unit contributes to one interior cell),
 * its top contribution the largest of its cells'.
 */
import type { CellInput, MeasureSpec, PopulationKind, TableInput } from "../../../lib/opendata/confidentiality";

export const ALL = "All";

export interface Leaf {
  value: number;
  contributors: number;
  /** Largest contributor's absolute contribution; defaults to value / contributors (no dominance). */
  top?: number;
  /** Other measures, e.g. { orders: 40 }. */
  extra?: Record<string, number>;
}

export const AMOUNT: MeasureSpec = { name: "net_amount", kind: "amount", sign: "nonNegative" };

export function cubeTable(
  name: string,
  population: PopulationKind,
  dims: { name: string; codes: string[] }[],
  leaf: (codes: string[]) => Leaf,
  measures: MeasureSpec[] = [AMOUNT],
): TableInput {
  const leaves: { codes: string[]; leaf: Leaf }[] = [];
  const walk = (prefix: string[]): void => {
    if (prefix.length === dims.length) {
      leaves.push({ codes: prefix, leaf: leaf(prefix) });
      return;
    }
    for (const code of dims[prefix.length].codes) walk([...prefix, code]);
  };
  walk([]);
  const cells = new Map<string, { dims: Record<string, string>; measures: Record<string, number>; contributors: number; top: number }>();
  for (const { codes, leaf: l } of leaves) {
    // Every subset of dimensions replaced by All: the cell and all its margins.
    for (let mask = 0; mask < 1 << dims.length; mask++) {
      const target = codes.map((c, i) => (mask & (1 << i) ? ALL : c));
      const key = target.join("|");
      if (!cells.has(key)) {
        cells.set(key, {
          dims: Object.fromEntries(dims.map((d, i) => [d.name, target[i]])),
          measures: Object.fromEntries(measures.map((m) => [m.name, 0])),
          contributors: 0,
          top: 0,
        });
      }
      const cell = cells.get(key)!;
      for (const m of measures) cell.measures[m.name] += m.name === measures[0].name ? l.value : (l.extra?.[m.name] ?? 0);
      cell.contributors += l.contributors;
      cell.top = Math.max(cell.top, l.top ?? (l.contributors > 0 ? l.value / l.contributors : 0));
    }
  }
  const list: CellInput[] = [...cells.values()].map((c) => ({ dims: c.dims, measures: c.measures, contributors: c.contributors, topContribution: c.top }));
  return { name, population, dimensions: dims.map((d) => ({ name: d.name, total: ALL })), measures, cells: list };
}

/** Deterministic PRNG (mulberry32) so generated tables are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rows x cols business table with margins, about `primaryRate` of interior cells under 3 units. */
export function randomGrid(rows: number, cols: number, seed: number, primaryRate = 0.05): TableInput {
  const rand = prng(seed);
  const rowCodes = Array.from({ length: rows }, (_, i) => `r${String(i).padStart(2, "0")}`);
  const colCodes = Array.from({ length: cols }, (_, j) => `c${String(j).padStart(2, "0")}`);
  const leaves = new Map<string, Leaf>();
  for (const r of rowCodes) {
    for (const c of colCodes) {
      const small = rand() < primaryRate;
      const contributors = small ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 20);
      const value = Math.round((50 + rand() * 5000) * 100) / 100;
      leaves.set(`${r}|${c}`, { value, contributors, top: value / contributors });
    }
  }
  return cubeTable(
    `grid_${rows}x${cols}_${seed}`,
    "business",
    [
      { name: "row", codes: rowCodes },
      { name: "col", codes: colCodes },
    ],
    ([r, c]) => leaves.get(`${r}|${c}`)!,
  );
}

export function cellOf(table: TableInput, dims: Record<string, string>): number {
  const i = table.cells.findIndex((c) => Object.entries(dims).every(([k, v]) => c.dims[k] === v) && Object.keys(c.dims).length === Object.keys(dims).length);
  if (i < 0) throw new Error(`no cell ${JSON.stringify(dims)} in ${table.name}`);
  return i;
}
