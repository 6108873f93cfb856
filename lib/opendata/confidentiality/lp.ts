/**
 * The intruder's linear program for one connected group of unknown figures, as the defender
 * builds it (the audit and the secondary suppression share it; the independent attacker in
 * ../attack builds its own):
 *
 *   unknowns   x[j, c] for every concept c of every unknown cell j of the group (suppressed cells
 *              and hidden complements); published cells are constants;
 *   equalities for every relation (margin, scope) of the model and every concept it holds for:
 *              sum over its cells of (+1 parent / -1 child) x = 0, constants moved to the right;
 *   orderings  x[j, larger] - x[j, smaller] >= 0 (units >= orders);
 *   bounds     the a-priori interval of each figure (knowledge.ts).
 *
 * Solves. Only the objective changes between the solves of one group, so HiGHS's primal simplex
 * restarts from the last optimal basis (presolve off, so the basis survives): about 0.3 ms a
 * solve on a 40 x 50 table, against 5 ms from scratch. A solve that stops on numerical trouble is
 * retried from scratch (presolve and dual simplex, then interior point with crossover).
 *
 * Scaling. HiGHS's tolerances are absolute (1e-7) while a signed measure's a-priori bound reaches
 * 6e9 at ten million sale lines; with unknowns resting at such bounds the basic ones are
 * differences of huge numbers, and warm-started solves ended "unknown" or "infeasible" (all of
 * them at ten million lines, measured on the previous audit). So every bound and right-hand side
 * is divided by 2^k, k the least that brings the group's largest magnitude under 2^20: a power of
 * two is exact in binary, the duals do not change, and solutions are multiplied back.
 *
 * Duals and cuts. After min c'x (c = +e_t or -e_t) the row duals y give, for any other pattern of
 * suppressions, the bound the intruder would still reach (weak duality; Fischetti and Salazar,
 * "Solving the cell suppression problem on tabular data with linear constraints", Management
 * Science 47(7), 2001): with d = c - A'y the reduced cost of every figure, published ones
 * included, and each figure j's box [v - LB_j x_j, v + UB_j x_j] (x_j = 1 when suppressed),
 *   min c'x  >=  c'v - y'(Av - b) - sum_j (d_j+ LB_j + d_j- UB_j) x_j.
 * So "cell t keeps its protection level PL" implies sum_j coef_j x_j >= PL - slack: a linear cut
 * on the pattern, violated by the pattern just solved, valid for every pattern.
 */
import type { Highs } from "highs";
import { aPriori, FigureKnowledge } from "./knowledge";
import { membersOf, type ReleaseModel } from "./model";
import { loadSolver } from "./solver";

/** Amounts are exact to the millionth (DECIMAL(18,6) in the marts): constants are summed in these units. */
export const AMOUNT_UNITS = 1_000_000;

export interface Figure {
  cell: number;
  concept: string;
}

export interface RowEntry {
  cell: number;
  concept: string;
  coef: number;
}

export interface LpRow {
  /** All the figures of the equation, published ones included. */
  entries: readonly RowEntry[];
  /** `eq`: sum = 0; `ge`: sum >= 0. */
  sense: "eq" | "ge";
}

export interface Group {
  cells: readonly number[];
  relations: readonly number[];
  orderings: readonly number[];
}

/** Disjoint groups of unknown cells tied together by relations (orderings tie a cell to itself). */
export function unknownGroups(model: ReleaseModel, unknown: readonly boolean[]): Group[] {
  const parent = model.cells.map((c) => c.id);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const active: number[] = [];
  for (const r of model.relations) {
    const members = membersOf(r).filter((c) => unknown[c]);
    if (members.length === 0) continue;
    active.push(r.id);
    for (const m of members.slice(1)) parent[find(m)] = find(members[0]);
  }
  const groups = new Map<number, { cells: number[]; relations: number[]; orderings: number[] }>();
  for (const c of model.cells) {
    if (!unknown[c.id]) continue;
    const root = find(c.id);
    if (!groups.has(root)) groups.set(root, { cells: [], relations: [], orderings: [] });
    groups.get(root)!.cells.push(c.id);
  }
  for (const rid of active) {
    const r = model.relations[rid];
    const anchor = membersOf(r).find((c) => unknown[c])!;
    groups.get(find(anchor))!.relations.push(rid);
  }
  model.orderings.forEach((o, i) => {
    if (unknown[o.cell]) groups.get(find(o.cell))!.orderings.push(i);
  });
  return [...groups.values()].sort((a, b) => a.cells[0] - b.cells[0]);
}

/** The least k such that 2^-k brings `magnitude` under 2^20 (0 when it already is). */
export function boundScaleExponent(magnitude: number): number {
  return magnitude > 2 ** 20 ? Math.ceil(Math.log2(magnitude / 2 ** 20)) : 0;
}

/** How far an LP's solutions may stray from the true extremes, in the figures' units, once scaled by 2^-scaleExponent (GroupLp.solutionError). */
function solutionErrorAt(scaleExponent: number): number {
  return 1e-6 * 2 ** scaleExponent;
}

/** The solution error of a group's LP (GroupLp.solutionError) without building it. */
export function groupSolutionError(release: ReleaseModel, group: Group): number {
  return solutionErrorAt(boundScaleExponent(groupLayout(release, group).magnitude));
}

/**
 * A group's LP as numbers, before any solver sees it: its figures (every concept of every unknown
 * cell) with their a-priori knowledge, its rows (relations, then orderings), the published
 * constants of each row, and the largest magnitude among bounds and constants.
 */
function groupLayout(release: ReleaseModel, group: Group): { figures: Figure[]; knowledge: FigureKnowledge[]; index: Map<string, number>; rows: LpRow[]; rhs: number[]; magnitude: number } {
  const figures: Figure[] = [];
  const knowledge: FigureKnowledge[] = [];
  const index = new Map<string, number>();
  const rows: LpRow[] = [];
  for (const cell of group.cells) {
    for (const concept of Object.keys(release.cells[cell].values).sort()) {
      index.set(`${cell}:${concept}`, figures.length);
      figures.push({ cell, concept });
      knowledge.push(aPriori(release, release.cells[cell], concept));
    }
  }
  for (const rid of group.relations) {
    const r = release.relations[rid];
    for (const concept of r.concepts) {
      const entries: RowEntry[] = [{ cell: r.parent, concept, coef: 1 }, ...r.children.map((c) => ({ cell: c, concept, coef: -1 }))];
      rows.push({ entries, sense: "eq" });
    }
  }
  for (const oi of group.orderings) {
    const o = release.orderings[oi];
    rows.push({ entries: [{ cell: o.cell, concept: o.larger, coef: 1 }, { cell: o.cell, concept: o.smaller, coef: -1 }], sense: "ge" });
  }
  // Right-hand sides: the published constants of each row, summed exactly in the measure's
  // smallest unit (millionths for amounts, which the marts keep exact as DECIMAL(18,6); units
  // for counts): a sum of cents in binary floating point (-31716.80999999997) left HiGHS with
  // status "unknown" at a million rows, and rounding sub-cent amounts to cents made the true
  // figures themselves infeasible (every side "exposed").
  const rhs = rows.map((row) => {
    let cents = 0;
    let unit = 1;
    for (const e of row.entries) {
      if (index.has(`${e.cell}:${e.concept}`)) continue;
      unit = release.concepts.find((c) => c.concept === e.concept)!.kind === "amount" ? AMOUNT_UNITS : 1;
      cents -= e.coef * Math.round(release.cells[e.cell].values[e.concept] * unit);
    }
    return cents / unit;
  });
  let magnitude = 1;
  for (const k of knowledge) magnitude = Math.max(magnitude, Math.abs(k.lower), Math.abs(k.upper));
  for (const b of rhs) magnitude = Math.max(magnitude, Math.abs(b));
  return { figures, knowledge, index, rows, rhs, magnitude };
}

export interface Extreme {
  /** The optimum of the figure (unscaled); ±Infinity when unbounded. */
  value: number;
  /** Row duals of the solve (null when unbounded). */
  duals: Float64Array | null;
}

/**
 * One group's LP, built once and re-solved with different objectives. Call `dispose()`.
 */
export class GroupLp {
  readonly figures: Figure[];
  readonly knowledge: FigureKnowledge[];
  readonly rows: LpRow[];
  readonly scaleExponent: number;
  /** Largest magnitude of the LP's numbers, unscaled: the error of its solutions grows with it. */
  readonly magnitude: number;
  /**
   * How far a solution may stray from the true optimum, in the figures' own units: HiGHS holds
   * its (absolute, 1e-7) feasibility tolerance on the scaled problem, so the error in the
   * original units is that tolerance times 2^scaleExponent; ten times it, for safety.
   */
  get solutionError(): number {
    return solutionErrorAt(this.scaleExponent);
  }
  solves = 0;
  private readonly index: Map<string, number>;
  private readonly model: ReturnType<Highs["createModel"]>;
  private readonly scale: number;
  private readonly warmStart: Record<string, string | number | boolean>;

  static async create(model: ReleaseModel, group: Group): Promise<GroupLp> {
    return new GroupLp(await loadSolver(), model, group);
  }

  private constructor(
    private readonly highs: Highs,
    private readonly release: ReleaseModel,
    readonly group: Group,
  ) {
    const layout = groupLayout(release, group);
    this.figures = layout.figures;
    this.knowledge = layout.knowledge;
    this.rows = layout.rows;
    this.index = layout.index;
    const { rhs, magnitude } = layout;
    this.magnitude = magnitude;
    this.scaleExponent = boundScaleExponent(magnitude);
    this.scale = 2 ** -this.scaleExponent;

    const starts: number[] = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const rowLower: number[] = [];
    const rowUpper: number[] = [];
    this.rows.forEach((row, i) => {
      for (const e of row.entries) {
        const col = this.index.get(`${e.cell}:${e.concept}`);
        if (col === undefined) continue;
        indices.push(col);
        values.push(e.coef);
      }
      starts.push(indices.length);
      rowLower.push(rhs[i] * this.scale);
      rowUpper.push(row.sense === "eq" ? rhs[i] * this.scale : highs.infinity);
    });
    this.model = highs.createModel({
      numCols: this.figures.length,
      numRows: this.rows.length,
      colCost: new Float64Array(this.figures.length),
      colLower: Float64Array.from(this.knowledge, (k) => k.lower * this.scale),
      colUpper: Float64Array.from(this.knowledge, (k) => k.upper * this.scale),
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      matrix: { format: "csr", numRows: this.rows.length, numCols: this.figures.length, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    });
    this.warmStart = { output_flag: false, presolve: "off", solver: "simplex", simplex_strategy: 4 };
    this.model.options.set(this.warmStart);
  }

  column(cell: number, concept: string): number | undefined {
    return this.index.get(`${cell}:${concept}`);
  }

  /** The figures' true values (unscaled), in column order. */
  trueValues(): Float64Array {
    return Float64Array.from(this.knowledge, (k) => k.value);
  }

  private run(): number {
    const { optimal, unbounded } = this.highs.constants.modelStatus;
    this.model.run();
    this.solves++;
    let status: number = this.model.getModelStatus();
    if (status !== optimal && status !== unbounded) {
      const fallbacks: Record<string, string | number>[] = [
        { presolve: "on", solver: "choose", simplex_strategy: 1 },
        { presolve: "on", solver: "ipm", run_crossover: "on" },
      ];
      for (const fallback of fallbacks) {
        this.model.clearSolver();
        this.model.options.set(fallback);
        this.model.run();
        this.solves++;
        status = this.model.getModelStatus();
        if (status === optimal || status === unbounded) break;
      }
      this.model.options.set(this.warmStart);
    }
    return status;
  }

  /**
   * Minimises sum(weights[col] * x[col]) (sense 1) or maximises it (-1); returns the solution
   * (unscaled) or null when HiGHS could not solve it.
   */
  solveWeighted(weights: ReadonlyMap<number, number>, sense: 1 | -1): Float64Array | null {
    for (const [col, w] of weights) this.model.changeColCost(col, sense * w);
    const status = this.run();
    // Read the solution before the costs change back: a change of cost discards it.
    const solution = status === this.highs.constants.modelStatus.optimal ? Float64Array.from(this.model.getSolution().colValue, (x) => x / this.scale) : null;
    for (const col of weights.keys()) this.model.changeColCost(col, 0);
    return solution;
  }

  /**
   * The exact minimum (sense 1) or maximum (-1) of one figure, with the row duals of the
   * minimisation of (sense x figure); null when HiGHS cannot solve it.
   */
  extreme(col: number, sense: 1 | -1): Extreme | null {
    this.model.changeColCost(col, sense);
    const status = this.run();
    const { optimal, unbounded } = this.highs.constants.modelStatus;
    let result: Extreme | null = null;
    if (status === unbounded) result = { value: sense === 1 ? -Infinity : Infinity, duals: null };
    else if (status === optimal) {
      // Read before the cost changes back: a change of cost discards the solution.
      result = { value: (sense * this.model.getObjectiveValue()) / this.scale, duals: Float64Array.from(this.model.getSolution().rowDual) };
    }
    this.model.changeColCost(col, 0);
    return result;
  }

  /**
   * The cut of an extreme (see the header): for min (sense x figure t) with duals y, the
   * coefficient of every cell on the rows and the slack term, so that the extreme under any
   * pattern x satisfies  sense * extreme(x) >= sense * v_t - slack - sum_j coef_j x_j.
   */
  cut(target: number, sense: 1 | -1, duals: Float64Array): { coefficients: Map<number, number>; slack: number } {
    const reduced = new Map<string, number>();
    const key = (e: { cell: number; concept: string }) => `${e.cell}:${e.concept}`;
    const t = this.figures[target];
    reduced.set(key(t), sense);
    let slack = 0;
    this.rows.forEach((row, i) => {
      const y = duals[i];
      if (y === 0) return;
      let activity = 0;
      for (const e of row.entries) {
        reduced.set(key(e), (reduced.get(key(e)) ?? 0) - y * e.coef);
        activity += e.coef * this.release.cells[e.cell].values[e.concept];
      }
      if (row.sense === "ge") slack += y * activity;
    });
    const coefficients = new Map<number, number>();
    for (const [k, d] of reduced) {
      if (Math.abs(d) < 1e-12) continue;
      const [cellText, concept] = [k.slice(0, k.indexOf(":")), k.slice(k.indexOf(":") + 1)];
      const cell = Number(cellText);
      const box = aPriori(this.release, this.release.cells[cell], concept);
      const room = d > 0 ? box.value - box.lower : box.upper - box.value;
      const c = Math.abs(d) * room;
      if (c > 0) coefficients.set(cell, (coefficients.get(cell) ?? 0) + c);
    }
    return { coefficients, slack: Math.max(0, slack) };
  }

  dispose(): void {
    this.model.dispose();
  }
}
