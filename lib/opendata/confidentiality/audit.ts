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
 * Protection required of a cell of true value v, with p = 10 %:
 *   v != 0: lower <= v - p|v|  and  upper >= v + p|v|   (for v > 0: lower <= 0.9 v, upper >= 1.1 v;
 *           for v < 0 the same band around v, mirrored);
 *   v = 0:  the interval must not be a single point, i.e. upper - lower > 0: a suppressed zero
 *           that can be recomputed tells the reader "no activity", which the suppression hid.
 * A tolerance of 1e-7 relative absorbs the solver's floating-point error.
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
}

export interface AuditReport {
  passed: boolean;
  protectionIntervalPercent: number;
  intervals: readonly CellInterval[];
  exposed: readonly CellInterval[];
  /** Independent LPs (groups of suppressed cells sharing relations) x measures. */
  models: number;
  solves: number;
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
}

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

function lpText(lattice: Lattice, suppressed: readonly boolean[], group: { cells: number[]; relations: number[] }, measure: string, bound: number | null, unit: number): string {
  const lines = ["Minimize", ` obj: 0 x${group.cells[0]}`, "Subject To"];
  for (const rid of group.relations) {
    const r = lattice.relations[rid];
    const terms: string[] = [];
    let rhs = 0;
    for (const [cell, sign] of [[r.parent, 1], ...r.children.map((c) => [c, -1])] as [number, number][]) {
      if (suppressed[cell]) terms.push(`${sign > 0 ? "+" : "-"} x${cell}`);
      else rhs -= sign * Math.round(lattice.cells[cell].measures[measure] * unit);
    }
    lines.push(` r${rid}: ${terms.join(" ")} = ${lpNumber(rhs / unit)}`);
  }
  lines.push("Bounds");
  for (const c of group.cells) lines.push(bound === null ? ` x${c} >= 0` : ` -${lpNumber(bound)} <= x${c} <= ${lpNumber(bound)}`);
  lines.push("End");
  return lines.join("\n");
}

export function violation(value: number, lower: number, upper: number, protectionIntervalPercent: number): CellInterval["violated"] {
  const tolerance = 1e-7 * Math.max(1, Math.abs(value));
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
  const suppressed = status.map(isSuppressed);
  const groups = suppressedComponents(lattice, suppressed);
  const highs = groups.length > 0 ? await loadSolver() : undefined;
  const intervals: CellInterval[] = [];
  let solves = 0;
  let models = 0;

  for (const measure of lattice.measures) {
    const bound = measure.sign === "signed" ? signedBound(lattice, measure.name) : null;
    for (const group of groups) {
      const toSolve = options.provenSafe ? group.cells.filter((c) => !options.provenSafe!.has(auditKey(c, measure.name))) : group.cells;
      if (toSolve.length === 0) continue;
      const record = (cell: number, lower: number, upper: number, binding: number[]): void => {
        const c = lattice.cells[cell];
        const required = isPrimary(status[cell]) || protectSecondary;
        const violated = required ? violation(c.measures[measure.name], lower, upper, p) : null;
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
        });
      };
      if (group.relations.length === 0) {
        for (const cell of toSolve) record(cell, bound === null ? 0 : -bound, bound === null ? Infinity : bound, []);
        continue;
      }
      const unit = lpUnit(measure.kind);
      const text = lpText(lattice, suppressed, group, measure.name, bound, unit);
      const model = highs!.createModel({ format: "lp", data: text });
      models++;
      try {
        // Only the objective changes between solves, so the last optimal basis stays primal
        // feasible: primal simplex restarts from it in a few pivots (measured on a 40 x 50 table:
        // ~0.3 ms per solve, against ~5 ms with HiGHS's default choice, which starts over).
        model.options.set({ output_flag: false, presolve: "off", solver: "simplex", simplex_strategy: 4 });
        const rowIndex = group.relations.map((rid) => model.getRowByName(`r${rid}`));
        const bindingRows = (): number[] => {
          const duals = model.getSolution().rowDual;
          return group.relations.filter((_, i) => Math.abs(duals[rowIndex[i]]) > 1e-9);
        };
        const solve = (sense: 1 | -1, cell: number): number => {
          model.changeObjectiveSense(sense === 1 ? highs!.constants.objectiveSense.minimize : highs!.constants.objectiveSense.maximize);
          model.run();
          solves++;
          let st = model.getModelStatus();
          if (st !== highs!.constants.modelStatus.optimal && st !== highs!.constants.modelStatus.unbounded) {
            // The warm-started primal simplex can stop on numerical trouble (status "unknown",
            // seen on release tables whose right-hand sides are sums of cents in binary floating
            // point). Retry once from scratch with HiGHS's default path (presolve, dual simplex)
            // before concluding anything, then restore the warm-start settings.
            // If the simplex still gives up, the interior-point method with crossover, which
            // does not depend on the basis at all.
            const fallbacks: Record<string, string | number>[] = [
              { presolve: "on", solver: "choose", simplex_strategy: 1 },
              { presolve: "on", solver: "ipm", run_crossover: "on" },
            ];
            for (const options of fallbacks) {
              model.clearSolver();
              model.options.set(options);
              model.run();
              solves++;
              st = model.getModelStatus();
              if (st === highs!.constants.modelStatus.optimal || st === highs!.constants.modelStatus.unbounded) break;
            }
            model.options.set({ presolve: "off", solver: "simplex", simplex_strategy: 4 });
          }
          if (st !== highs!.constants.modelStatus.optimal && st !== highs!.constants.modelStatus.unbounded) {
            // Last resort, measured on a million-row release: a model that has been re-solved
            // thousands of times can report a feasible LP "infeasible" (the true values satisfy
            // it by construction), while the same LP built afresh with this objective solves at
            // once. The duals read for the reinforcement heuristic then come from the old model:
            // they only rank where to suppress next, never decide protection.
            const fresh = highs!.createModel({ format: "lp", data: text.replace(/^Minimize\n obj: 0 x\d+/, `${sense === 1 ? "Minimize" : "Maximize"}\n obj: x${cell}`) });
            try {
              fresh.options.set({ output_flag: false });
              fresh.run();
              solves++;
              st = fresh.getModelStatus();
              if (st === highs!.constants.modelStatus.optimal) return fresh.getObjectiveValue();
            } finally {
              fresh.dispose();
            }
          }
          if (st === highs!.constants.modelStatus.unbounded) return sense === 1 ? -Infinity : Infinity;
          if (st !== highs!.constants.modelStatus.optimal) {
            throw new Error(
              `audit: LP for ${lattice.cells[cell].key} (${measure.name}, ${sense === 1 ? "min" : "max"}) ended with model status ${st}; ` +
                `HiGHS could not solve it after every fallback (numerical failure, or published values that do not satisfy their own totals or the bounds). LP:\n${text.slice(0, 2000)}`,
            );
          }
          return model.getObjectiveValue();
        };
        for (const cell of toSolve) {
          const v = lattice.cells[cell].measures[measure.name];
          const col = model.getColByName(`x${cell}`);
          model.changeColCost(col, 1);
          // The duals of a failing solve name the relations that bind the cell: read them only
          // then (copying the solution is most of a warm-started solve's cost).
          const lower = solve(1, cell);
          const binding = violation(v, lower, Infinity, p) ? bindingRows() : [];
          const upper = solve(-1, cell);
          if (violation(v, -Infinity, upper, p) || violation(v, lower, upper, p) === "point") binding.push(...bindingRows());
          model.changeColCost(col, 0);
          record(cell, lower, upper, binding.length > 0 ? binding : [...lattice.relationsOf[cell]]);
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
    millis: performance.now() - started,
  };
}

function compareMeasure(lattice: Lattice, a: string, b: string): number {
  const order = lattice.measures.map((m) => m.name);
  return order.indexOf(a) - order.indexOf(b);
}
