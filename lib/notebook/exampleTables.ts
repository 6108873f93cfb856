/**
 * Small tables for teaching statistical confidentiality (notebook 07 and its solutions): a few
 * interior cells given by hand, every margin summed from them as the release's GROUP BY CUBE
 * does, in the confidentiality engine's input shape (lib/opendata/confidentiality, TableInput).
 *
 * Written once here so that the notebook and its solutions build the same table, and a reader
 * sees in a cell only what changes between examples (the values, the contributors).
 */
import type { CellInput, MeasureSpec, PopulationKind, TableInput } from "../opendata/confidentiality/index";

export const TOTAL = "All";

/** One interior cell: its value (first measure), distinct contributors, and optionally more. */
export interface ExampleLeaf {
  value: number;
  contributors: number;
  /** The largest contributor's absolute contribution; default value / contributors (no dominance). */
  top?: number;
  /** Values of the other measures, by name. */
  extra?: Readonly<Record<string, number>>;
}

export const NET_AMOUNT: MeasureSpec = { name: "net_amount", kind: "amount", sign: "nonNegative" };

/**
 * A table with every margin: each dimension gets the total code `All`, and each combination of
 * totals is a cell. A margin's value is the sum of its interior cells; its contributors the sum
 * of theirs (each unit contributes to one interior cell); its top contribution the largest of
 * theirs.
 */
export function cubeTable(
  name: string,
  population: PopulationKind,
  dims: readonly { name: string; codes: readonly string[] }[],
  leaf: (codes: string[]) => ExampleLeaf,
  measures: readonly MeasureSpec[] = [NET_AMOUNT],
): TableInput {
  if (dims.length === 0) throw new Error(`cubeTable ${name}: at least one dimension is needed`);
  if (measures.length === 0) throw new Error(`cubeTable ${name}: at least one measure is needed`);
  const combos: string[][] = [[]];
  for (const d of dims) {
    if (d.codes.includes(TOTAL)) throw new Error(`cubeTable ${name}: dimension ${d.name} lists the total code ${TOTAL} among its codes`);
    const next: string[][] = [];
    for (const prefix of combos) for (const code of d.codes) next.push([...prefix, code]);
    combos.splice(0, combos.length, ...next);
  }
  const cells = new Map<string, { dims: Record<string, string>; measures: Record<string, number>; contributors: number; top: number }>();
  for (const codes of combos) {
    const l = leaf(codes);
    // The cell itself and every margin above it: each subset of dimensions replaced by All.
    for (let mask = 0; mask < 1 << dims.length; mask++) {
      const target = codes.map((c, i) => (mask & (1 << i) ? TOTAL : c));
      const key = target.join("\u0001");
      let cell = cells.get(key);
      if (!cell) {
        cell = { dims: Object.fromEntries(dims.map((d, i) => [d.name, target[i]])), measures: Object.fromEntries(measures.map((m) => [m.name, 0])), contributors: 0, top: 0 };
        cells.set(key, cell);
      }
      measures.forEach((m, i) => (cell!.measures[m.name] += i === 0 ? l.value : (l.extra?.[m.name] ?? 0)));
      cell.contributors += l.contributors;
      cell.top = Math.max(cell.top, l.top ?? (l.contributors > 0 ? Math.abs(l.value) / l.contributors : 0));
    }
  }
  const list: CellInput[] = [...cells.values()].map((c) => ({ dims: c.dims, measures: c.measures, contributors: c.contributors, topContribution: c.top, absoluteTotal: Math.abs(c.measures[measures[0].name]) }));
  return { name, population, dimensions: dims.map((d) => ({ name: d.name, total: TOTAL })), measures: [...measures], cells: list };
}

/** The index of the cell with exactly these codes (every dimension given), for patterns chosen by hand. */
export function cellIndex(table: TableInput, dims: Readonly<Record<string, string>>): number {
  const i = table.cells.findIndex((c) => table.dimensions.every((d) => c.dims[d.name] === dims[d.name]));
  if (i < 0) throw new Error(`no cell ${JSON.stringify(dims)} in ${table.name}`);
  return i;
}
