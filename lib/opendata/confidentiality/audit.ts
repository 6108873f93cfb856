/**
 * The disclosure audit: for every suppressed cell, the exact range of values an intruder can
 * still assign to it from everything released, computed by linear programming (the "attacker
 * LP" of tau-ARGUS / sdcTable's interval audit). The release fails if any suppressed cell can be
 * narrowed to within its protection interval (POLICY: 10 %).
 *
 * Formulation, per measure and per connected group of suppressed cells:
 *   unknowns   x_c for each suppressed cell c (published cells are constants);
 *   equalities for each additivity relation "parent = sum of children" of all linked tables that
 *              contains at least one suppressed cell:
 *                sum over suppressed members of (+1 parent / -1 child) x_c
 *                  = - (published parent) + sum (published children);
 *   bounds     what an intruder knows without the release:
 *              - `nonNegative` measures: 0 <= x_c (no upper bound);
 *              - `signed` measures (net amounts with returns): -M <= x_c <= M, with M twice the
 *                largest absolute aggregate of the release (the cells' absolute contributions
 *                where given, else |value|). Every true value is inside, the same bound holds
 *                for every cell (so it reveals nothing about any one of them), and being at least
 *                2|v| it can never by itself decide a cell's protection (that would need < 1.1|v|);
 *   objective  min x_e and max x_e for each suppressed cell e: 2 LP solves per cell.
 * Groups of suppressed cells that share no relation are independent LPs; each is built once from
 * CPLEX LP text and re-solved by changing only the objective, so HiGHS's primal simplex
 * warm-starts from the previous basis (presolve off so the basis survives).
 *
 * Exact intervals or proofs. Up to EXACT_INTERVALS_MAX_CELLS unknowns, every cell gets its exact
 * [min, max] (2 solves per cell). Beyond, 2 solves per cell do not scale (a million-row release
 * had one group of ~4,000 unknowns: 24,000 warm-started solves, 20 minutes, and a numerical
 * failure at the end), so the audit proves instead of measuring: every feasible point of the LP
 * is a set of values the intruder cannot rule out, so the smallest and largest value seen for a
 * cell across all solutions found are an inner bound of its exact interval. Batch solves push many
 * cells at once: minimise the sum of the cells whose lower side is not proven yet (each divided by
 * its |value|), then maximise the sum of those whose upper side is not, and repeat while a batch
 * still proves at least a fifth of what is left. Measured at a million rows on the final audit of
 * the sales tables (3,479 unknowns per measure): 5 to 20 batch solves prove every cell, against
 * 7,000 solves for exact intervals. A cell still short after the batches gets its own exact min
 * or max solve, whose solution also serves as evidence for the cells after it (and whose duals
 * say where to suppress next when it is exposed). The decision is the same as with exact
 * intervals (a cell is exposed iff its exact min or max falls short); the interval reported for a
 * proven cell is a lower bound of its protection (`exact: false`).
 * A solve that fails even after the fallbacks leaves that side unproven: the cell counts as
 * exposed (never as protected), and the next round suppresses around it.
 *
 * Protection required of a cell of true value v, with p = 10 %:
 *   v != 0: lower <= v - p|v|  and  upper >= v + p|v|   (for v > 0: lower <= 0.9 v, upper >= 1.1 v;
 *           for v < 0 the same band around v, mirrored);
 *   v = 0:  the interval must not be a single point, i.e. upper - lower > 0: a suppressed zero
 *           that can be recomputed tells the reader "no activity", which the suppression hid.
 * A tolerance of 1e-7 relative absorbs the solver's floating-point error.
 *
 * Scaling. HiGHS's tolerances are absolute (1e-7), and a signed measure's a-priori bound grows
 * with the release: 3.5e7 for the default export's customer table, 5.6e8 for the sales tables at a
 * million sale lines, 6.2e9 at ten million, for cells of a few thousand. With nonbasic unknowns
 * resting at the bound, the basic ones are differences of numbers that large, whose rounding
 * exceeds the tolerance. Measured on the largest LP of each (net amounts, warm-started min and max
 * of its first cells): 68 of 400 solves of the default customer table, 106 of 120 at a million
 * lines and 120 of 120 at ten million ended "unknown" or "infeasible" (the true values satisfy the
 * LP by construction), and at ten million even fresh solves with HiGHS's defaults failed (58 of
 * 60); each failure fell back to solves from scratch, 10 to 20 times dearer, and the ten-million
 * release's audit had not finished after 87 minutes. So each LP is solved with its bounds and
 * right-hand sides scaled by 2^-k (HiGHS's `user_bound_scale`: a power of two, exact in binary,
 * undone on the solution), k the least that brings its largest magnitude under 2^20 (k = 0 below).
 * With it every one of those solves ends optimal, the extremes agree with fresh unscaled solves
 * within 2.3e-6 at a million lines, and the sales audit at ten million lines takes 111 s. The
 * tolerance of the protection test scales with the LP: 1e-7 x max(2^k, |v|).
 */
import { POLICY } from "../../policy";
import { CellStatus, isPrimary, isSuppressed } from "./cells";
import { Lattice } from "./relations";
import { loadSolver } from "./solver";

export interface CellInterval {
  cell: number;
  key: string;
  dims: Readonly<Record<string, string>>;
  measure: string;
  status: CellStatus;
  /** The true value: internal to the audit, never to be published. */
  value: number;
  lower: number;
  upper: number;
  /** Whether this cell must keep its protection interval (primary, or secondary by policy). */
  required: boolean;
  exposed: boolean;
  /** Which side of the protection interval is violated, if any. */
  violated: "lower" | "upper" | "both" | "point" | null;
  /** Relations active (non-zero dual) in the failing solve: where another suppression helps. */
  bindingRelations: readonly number[];
  /** true: [lower, upper] is the exact interval; false: an inner bound proven by feasible points. */
  exact: boolean;
}

export interface AuditReport {
  passed: boolean;
  protectionIntervalPercent: number;
  intervals: readonly CellInterval[];
  exposed: readonly CellInterval[];
  /** Independent LPs (groups of suppressed cells sharing relations) x measures. */
  models: number;
  solves: number;
  /** Cell x measure intervals computed exactly, and proven by feasible points (see the header). */
  exactCells: number;
  provenCells: number;
  millis: number;
}

export interface AuditOptions {
  protectionIntervalPercent?: number;
  protectSecondaryCells?: boolean;
  /**
   * `auditKey(cell, measure)` of cells already proven protected under a pattern that suppressed
   * a subset of today's cells: they are not solved again and are left out of `intervals`.
   * Suppressing more cells only adds unknowns to the intruder's LP (a relaxation), so a proven
   * interval can only widen. For the search rounds; the release's own audit is always complete.
   */
  provenSafe?: ReadonlySet<string>;
  /** Groups of more unknowns are proven rather than measured; default EXACT_INTERVALS_MAX_CELLS. */
  exactIntervalsMaxCells?: number;
}

/** Groups of up to this many unknowns get exact intervals; larger ones are proven (see header). */
export const EXACT_INTERVALS_MAX_CELLS = 1000;

export function auditKey(cell: number, measure: string): string {
  return `${cell}:${measure}`;
}

/** Disjoint groups of suppressed cells tied together by relations, each with its relations. */
function suppressedComponents(lattice: Lattice, suppressed: readonly boolean[]): { cells: number[]; relations: number[] }[] {
  const parent = lattice.cells.map((c) => c.id);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const active: number[] = [];
  for (const r of lattice.relations) {
    const members = [r.parent, ...r.children].filter((c) => suppressed[c]);
    if (members.length === 0) continue;
    active.push(r.id);
    for (const m of members.slice(1)) parent[find(m)] = find(members[0]);
  }
  const groups = new Map<number, { cells: number[]; relations: number[] }>();
  for (const c of lattice.cells) {
    if (!suppressed[c.id]) continue;
    const root = find(c.id);
    if (!groups.has(root)) groups.set(root, { cells: [], relations: [] });
    groups.get(root)!.cells.push(c.id);
  }
  for (const rid of active) {
    const r = lattice.relations[rid];
    const anchor = [r.parent, ...r.children].find((c) => suppressed[c])!;
    groups.get(find(anchor))!.relations.push(rid);
  }
  return [...groups.values()].sort((a, b) => a.cells[0] - b.cells[0]);
}

/** Numbers in LP text: shortest round-trip form, which HiGHS's LP reader parses (incl. 1e-7). */
function lpNumber(x: number): string {
  return Object.is(x, -0) ? "0" : String(x);
}

/**
 * Right-hand sides are summed in the measure's smallest unit (cents for amounts, units for
 * counts), exactly, then written back in the measure's own unit: a sum of cents in binary
 * floating point (-31716.80999999997) left HiGHS with status "unknown" at a million rows, while
 * writing the whole LP in cents (magnitudes up to 1e11) made it fail more often. Published amounts
 * have two decimals (lib/opendata/publish), so nothing is lost.
 */
function lpUnit(kind: "amount" | "count"): number {
  return kind === "amount" ? 100 : 1;
}

/** The least k such that 2^-k brings `magnitude` under 2^20 (0 when it already is). */
export function boundScaleExponent(magnitude: number): number {
  return magnitude > 2 ** 20 ? Math.ceil(Math.log2(magnitude / 2 ** 20)) : 0;
}

function lpText(lattice: Lattice, suppressed: readonly boolean[], group: { cells: number[]; relations: number[] }, measure: string, bound: number | null, unit: number): { text: string; magnitude: number } {
  const lines = ["Minimize", ` obj: 0 x${group.cells[0]}`, "Subject To"];
  let magnitude = bound ?? 0;
  for (const rid of group.relations) {
    const r = lattice.relations[rid];
    const terms: string[] = [];
    let rhs = 0;
    for (const [cell, sign] of [[r.parent, 1], ...r.children.map((c) => [c, -1])] as [number, number][]) {
      if (suppressed[cell]) terms.push(`${sign > 0 ? "+" : "-"} x${cell}`);
      else rhs -= sign * Math.round(lattice.cells[cell].measures[measure] * unit);
    }
    lines.push(` r${rid}: ${terms.join(" ")} = ${lpNumber(rhs / unit)}`);
    magnitude = Math.max(magnitude, Math.abs(rhs / unit));
  }
  lines.push("Bounds");
  for (const c of group.cells) lines.push(bound === null ? ` x${c} >= 0` : ` -${lpNumber(bound)} <= x${c} <= ${lpNumber(bound)}`);
  lines.push("End");
  return { text: lines.join("\n"), magnitude };
}

/** `scaleExponent`: the k of the LP's bound scaling (see the header); its error scales with 2^k. */
export function violation(value: number, lower: number, upper: number, protectionIntervalPercent: number, scaleExponent = 0): CellInterval["violated"] {
  const tolerance = 1e-7 * Math.max(2 ** scaleExponent, Math.abs(value));
  if (value === 0) return upper - lower <= tolerance ? "point" : null;
  const margin = (protectionIntervalPercent / 100) * Math.abs(value);
  const low = lower > value - margin + tolerance;
  const high = upper < value + margin - tolerance;
  return low && high ? "both" : low ? "lower" : high ? "upper" : null;
}

/** The a-priori bound of a signed measure (see the header): 2 x the largest absolute aggregate. */
function signedBound(lattice: Lattice, measure: string): number {
  const valueMeasure = lattice.measures[0].name;
  let largest = 0;
  for (const c of lattice.cells) {
    const magnitude = measure === valueMeasure && c.absoluteTotal !== undefined ? c.absoluteTotal : Math.abs(c.measures[measure]);
    largest = Math.max(largest, magnitude, Math.abs(c.measures[measure]));
  }
  return 2 * Math.max(largest, 1);
}

export async function auditLattice(lattice: Lattice, status: readonly CellStatus[], options: AuditOptions = {}): Promise<AuditReport> {
  const started = performance.now();
  const p = options.protectionIntervalPercent ?? POLICY.statisticalConfidentiality.protectionIntervalPercent;
  const protectSecondary = options.protectSecondaryCells ?? POLICY.statisticalConfidentiality.protectSecondaryCells;
  const exactLimit = options.exactIntervalsMaxCells ?? EXACT_INTERVALS_MAX_CELLS;
  const suppressed = status.map(isSuppressed);
  const groups = suppressedComponents(lattice, suppressed);
  const highs = groups.length > 0 ? await loadSolver() : undefined;
  const intervals: CellInterval[] = [];
  let solves = 0;
  let models = 0;
  let exactCells = 0;
  let provenCells = 0;

  for (const measure of lattice.measures) {
    const bound = measure.sign === "signed" ? signedBound(lattice, measure.name) : null;
    for (const group of groups) {
      const toSolve = options.provenSafe ? group.cells.filter((c) => !options.provenSafe!.has(auditKey(c, measure.name))) : group.cells;
      if (toSolve.length === 0) continue;
      const unit = lpUnit(measure.kind);
      const { text, magnitude } = lpText(lattice, suppressed, group, measure.name, bound, unit);
      const k = boundScaleExponent(magnitude);
      const scaling = { user_bound_scale: -k };
      const violates = (value: number, lower: number, upper: number): CellInterval["violated"] => violation(value, lower, upper, p, k);
      const record = (cell: number, lower: number, upper: number, binding: number[], exact: boolean): void => {
        const c = lattice.cells[cell];
        const required = isPrimary(status[cell]) || protectSecondary;
        const violated = required ? violates(c.measures[measure.name], lower, upper) : null;
        intervals.push({
          cell,
          key: c.key,
          dims: c.dims,
          measure: measure.name,
          status: status[cell],
          value: c.measures[measure.name],
          lower,
          upper,
          required,
          exposed: violated !== null,
          violated,
          bindingRelations: violated ? [...new Set(binding)].sort((a, b) => a - b) : [],
          exact,
        });
      };
      if (group.relations.length === 0) {
        for (const cell of toSolve) record(cell, bound === null ? 0 : -bound, bound === null ? Infinity : bound, [], true);
        exactCells += toSolve.length;
        continue;
      }
      const model = highs!.createModel({ format: "lp", data: text });
      models++;
      const optimal = highs!.constants.modelStatus.optimal;
      const unbounded = highs!.constants.modelStatus.unbounded;
      try {
        // Only the objective changes between solves, so the last optimal basis stays primal
        // feasible: primal simplex restarts from it in a few pivots (measured on a 40 x 50 table:
        // ~0.3 ms per solve, against ~5 ms with HiGHS's default choice, which starts over).
        const warmStart = { output_flag: false, presolve: "off", solver: "simplex", simplex_strategy: 4, ...scaling };
        model.options.set(warmStart);
        const rowIndex = group.relations.map((rid) => model.getRowByName(`r${rid}`));
        const colIndex = group.cells.map((c) => model.getColByName(`x${c}`));
        const bindingRows = (): number[] => {
          const duals = model.getSolution().rowDual;
          return group.relations.filter((_, i) => Math.abs(duals[rowIndex[i]]) > 1e-9);
        };
        /** Solves the model's current objective; the status it ended with (after the fallbacks). */
        const run = (sense: 1 | -1): number => {
          model.changeObjectiveSense(sense === 1 ? highs!.constants.objectiveSense.minimize : highs!.constants.objectiveSense.maximize);
          model.run();
          solves++;
          let st = model.getModelStatus();
          if (st !== optimal && st !== unbounded) {
            // The warm-started primal simplex can stop on numerical trouble (status "unknown",
            // seen on release tables whose right-hand sides are sums of cents in binary floating
            // point). Retry from scratch with HiGHS's default path (presolve, dual simplex), then
            // with the interior-point method and crossover, which does not depend on the basis at
            // all, and restore the warm-start settings.
            const fallbacks: Record<string, string | number>[] = [
              { presolve: "on", solver: "choose", simplex_strategy: 1, ...scaling },
              { presolve: "on", solver: "ipm", run_crossover: "on", ...scaling },
            ];
            for (const fallback of fallbacks) {
              model.clearSolver();
              model.options.set(fallback);
              model.run();
              solves++;
              st = model.getModelStatus();
              if (st === optimal || st === unbounded) break;
            }
            model.options.set(warmStart);
          }
          return st;
        };
        /**
         * The exact min (sense 1) or max (-1) of one cell, or null when HiGHS cannot solve it.
         * Last resort, measured on a million-row release: a model re-solved thousands of times
         * can report a feasible LP "infeasible" (the true values satisfy it by construction),
         * while the same LP built afresh with this objective solves at once.
         */
        const extreme = (sense: 1 | -1, cell: number): { value: number; solution: Float64Array | null } | null => {
          const st = run(sense);
          if (st === unbounded) return { value: sense === 1 ? -Infinity : Infinity, solution: null };
          if (st === optimal) return { value: model.getObjectiveValue(), solution: null };
          const fresh = highs!.createModel({ format: "lp", data: text.replace(/^Minimize\n obj: 0 x\d+/, `${sense === 1 ? "Minimize" : "Maximize"}\n obj: x${cell}`) });
          try {
            fresh.options.set({ output_flag: false, ...scaling });
            fresh.run();
            solves++;
            const fst = fresh.getModelStatus();
            if (fst === unbounded) return { value: sense === 1 ? -Infinity : Infinity, solution: null };
            if (fst !== optimal) return null;
            const values = fresh.getSolution().colValue;
            const solution = new Float64Array(group.cells.length);
            group.cells.forEach((c, i) => (solution[i] = values[fresh.getColByName(`x${c}`)]));
            return { value: fresh.getObjectiveValue(), solution };
          } finally {
            fresh.dispose();
          }
        };

        if (group.cells.length <= exactLimit) {
          // Exact intervals: 2 solves per cell. A side HiGHS cannot solve stays at the true value
          // (a feasible point, so a valid inner bound): the cell counts as exposed, never as safe.
          for (const cell of toSolve) {
            const v = lattice.cells[cell].measures[measure.name];
            const col = model.getColByName(`x${cell}`);
            model.changeColCost(col, 1);
            // The duals of a failing solve name the relations that bind the cell: read them only
            // then (copying the solution is most of a warm-started solve's cost).
            const low = extreme(1, cell);
            const lower = low ? low.value : v;
            const binding = violates(v, lower, Infinity) ? bindingRows() : [];
            const high = extreme(-1, cell);
            const upper = high ? high.value : v;
            if (violates(v, -Infinity, upper) || violates(v, lower, upper) === "point") binding.push(...bindingRows());
            model.changeColCost(col, 0);
            record(cell, lower, upper, binding.length > 0 ? binding : [...lattice.relationsOf[cell]], low !== null && high !== null);
          }
          exactCells += toSolve.length;
          continue;
        }

        // Proofs (see the header): inner bounds from every solution found.
        const n = group.cells.length;
        const value = group.cells.map((c) => lattice.cells[c].measures[measure.name]);
        const lo = Float64Array.from(value);
        const hi = Float64Array.from(value);
        const exactLo = new Uint8Array(n);
        const exactHi = new Uint8Array(n);
        const wanted = new Set(toSolve);
        const lowOk = (i: number): boolean => !violates(value[i], lo[i], Infinity);
        const highOk = (i: number): boolean => !violates(value[i], -Infinity, hi[i]) && violates(value[i], lo[i], hi[i]) !== "point";
        const harvest = (solution: ArrayLike<number>): void => {
          for (let i = 0; i < n; i++) {
            const x = solution[i];
            if (x < lo[i]) lo[i] = x;
            if (x > hi[i]) hi[i] = x;
          }
        };
        const current = (): Float64Array => {
          const values = model.getSolution().colValue;
          const solution = new Float64Array(n);
          for (let i = 0; i < n; i++) solution[i] = values[colIndex[i]];
          return solution;
        };
        const binding = new Map<number, number[]>();
        // 1. Batches: minimise the sum of the cells whose lower side is still short (each scaled by
        //    its value), then maximise the sum of those whose upper side is; repeat while a batch
        //    still proves a good share of what is left.
        const shortSides = (): { low: number[]; high: number[] } => {
          const low: number[] = [];
          const high: number[] = [];
          for (let i = 0; i < n; i++) {
            if (!wanted.has(group.cells[i])) continue;
            if (!lowOk(i)) low.push(i);
            if (!highOk(i)) high.push(i);
          }
          return { low, high };
        };
        let left = shortSides();
        for (let batch = 0; batch < 20; batch++) {
          const before = left.low.length + left.high.length;
          if (before === 0) break;
          for (const sense of [1, -1] as const) {
            const set = sense === 1 ? left.low : left.high;
            if (set.length === 0) continue;
            for (const i of set) model.changeColCost(colIndex[i], 1 / Math.max(1, Math.abs(value[i])));
            if (run(sense) === optimal) harvest(current());
            for (const i of set) model.changeColCost(colIndex[i], 0);
          }
          left = shortSides();
          if (left.low.length + left.high.length > 0.8 * before) break;
        }
        // 2. Each side still short of its protection: the cell's own exact extreme.
        for (let i = 0; i < n; i++) {
          const cell = group.cells[i];
          if (!wanted.has(cell)) continue;
          for (const sense of [1, -1] as const) {
            if (sense === 1 ? lowOk(i) : highOk(i)) continue;
            model.changeColCost(colIndex[i], 1);
            const result = extreme(sense, cell);
            if (result) {
              if (sense === 1) {
                lo[i] = Math.min(lo[i], result.value);
                exactLo[i] = 1;
              } else {
                hi[i] = Math.max(hi[i], result.value);
                exactHi[i] = 1;
              }
              if (Number.isFinite(result.value)) harvest(result.solution ?? current());
            }
            if (sense === 1 ? !lowOk(i) : !highOk(i)) binding.set(cell, [...(binding.get(cell) ?? []), ...(result && !result.solution ? bindingRows() : [])]);
            model.changeColCost(colIndex[i], 0);
          }
        }
        for (let i = 0; i < n; i++) {
          const cell = group.cells[i];
          if (!wanted.has(cell)) continue;
          const b = binding.get(cell) ?? [];
          record(cell, lo[i], hi[i], b.length > 0 ? b : [...lattice.relationsOf[cell]], exactLo[i] === 1 && exactHi[i] === 1);
          provenCells++;
        }
      } finally {
        model.dispose();
      }
    }
  }
  intervals.sort((a, b) => a.cell - b.cell || compareMeasure(lattice, a.measure, b.measure));
  const exposed = intervals.filter((i) => i.exposed);
  return {
    passed: exposed.length === 0,
    protectionIntervalPercent: p,
    intervals,
    exposed,
    models,
    solves,
    exactCells,
    provenCells,
    millis: performance.now() - started,
  };
}

function compareMeasure(lattice: Lattice, a: string, b: string): number {
  const order = lattice.measures.map((m) => m.name);
  return order.indexOf(a) - order.indexOf(b);
}
