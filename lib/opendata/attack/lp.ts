/**
 * Linear-programme intervals: for every hidden figure still uncertain after differencing and
 * propagation, min and max of it under every constraint of its connected group (HiGHS, a model
 * built here from the intruder's constraints, not the audit's LP builder). Known figures enter
 * as intervals on the right-hand side. Integer unknowns are rounded inward and the rounded
 * bounds fed back as column bounds until nothing moves, which can pin a count the LP alone
 * leaves fractional.
 *
 * Speed: only the objective changes between solves, so primal simplex restarts from the last
 * optimal basis; HiGHS's own scaling is off (columns are scaled here by a power of two per
 * concept and rows by their largest coefficient), which measured ~0.3 ms per warm solve on a
 * 600-unknown table against ~2-4 ms with HiGHS's scaling recomputed at every run.
 */
import type { Highs } from "highs";
import type { Propagation } from "./propagate";
import { bit, IntruderSystem } from "./system";

type Loader = (options?: object) => Promise<Highs>;
let runtime: Promise<Highs> | undefined;

function loadHighs(): Promise<Highs> {
  if (!runtime) {
    // The CommonJS entry exports the loader; it finds highs.wasm beside itself (no network).
    const exported = require("highs") as Loader | { default: Loader };
    runtime = (typeof exported === "function" ? exported : exported.default)();
  }
  return runtime;
}

export interface LpIntervals {
  lower: Map<number, number>;
  upper: Map<number, number>;
  /** Unknowns whose LP failed: they keep the propagated (outer) interval. */
  inexact: Set<number>;
  /** Per unknown: the size of its group and the kinds of knowledge in it, for the derivation. */
  group: Map<number, { unknowns: number; constraints: number; mask: number; datasets: string[] }>;
  infeasible: string | null;
  solves: number;
  components: number;
}

/** A power of two near the typical size of each concept's published values. */
export function conceptScales(system: IntruderSystem): Map<string, number> {
  const values = new Map<string, number[]>();
  for (const v of system.variables) {
    if (v.published === null || v.published === 0) continue;
    const list = values.get(v.concept) ?? [];
    list.push(Math.abs(v.published));
    values.set(v.concept, list);
  }
  const scales = new Map<string, number>();
  for (const [concept, list] of values) {
    list.sort((a, b) => a - b);
    const median = list[Math.floor(list.length / 2)];
    scales.set(concept, 2 ** Math.max(0, Math.round(Math.log2(median))));
  }
  return scales;
}

const WARM: Record<string, string | number | boolean> = { output_flag: false, presolve: "off", solver: "simplex", simplex_strategy: 4, simplex_scale_strategy: 0 };
const FALLBACKS: Record<string, string | number | boolean>[] = [
  { presolve: "on", solver: "choose", simplex_strategy: 1, simplex_scale_strategy: 2 },
  { presolve: "on", solver: "ipm", run_crossover: "on", simplex_scale_strategy: 2 },
];

const BATCHES = 4;
/** All up, all down, then deterministic pseudo-random signs: varied vertices of the polytope. */
function batchSign(pattern: number, k: number): number {
  if (pattern === 0) return 1;
  if (pattern === 1) return -1;
  const h = Math.imul(k + 1, 2654435761) ^ Math.imul(pattern, 40503);
  return (h >>> 7) % 2 === 0 ? 1 : -1;
}

export interface LpOptions {
  /** Solve both sides of every target, proving none by a solution seen (for tests). */
  everySide?: boolean;
}

export async function lpIntervals(system: IntruderSystem, prop: Propagation, targets: Set<number>, options: LpOptions = {}): Promise<LpIntervals> {
  const result: LpIntervals = { lower: new Map(), upper: new Map(), inexact: new Set(), group: new Map(), infeasible: null, solves: 0, components: 0 };
  const { lower, upper, determined } = prop;
  // Groups of unknowns linked by a constraint with two unknowns or more.
  const parent = new Map<number, number>();
  const find = (v: number): number => {
    let r = v;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const rows: number[] = [];
  for (const ci of prop.active) {
    const open = system.constraints[ci].terms.filter((t) => !determined[t.v]);
    if (open.length < 2) continue;
    rows.push(ci);
    for (const t of open) if (!parent.has(t.v)) parent.set(t.v, t.v);
    const r0 = find(open[0].v);
    for (const t of open.slice(1)) {
      const r = find(t.v);
      if (r !== r0) parent.set(r, r0);
    }
  }
  const components = new Map<number, { vars: number[]; rows: number[] }>();
  for (const v of [...parent.keys()].sort((a, b) => a - b)) {
    const r = find(v);
    const comp = components.get(r) ?? { vars: [], rows: [] };
    comp.vars.push(v);
    components.set(r, comp);
  }
  for (const ci of rows) {
    const v = system.constraints[ci].terms.find((t) => !determined[t.v])!.v;
    components.get(find(v))!.rows.push(ci);
  }
  const wanted = [...components.values()].filter((c) => c.vars.some((v) => targets.has(v)));
  if (wanted.length === 0) return result;
  const highs = await loadHighs();
  const scales = conceptScales(system);
  const inf = highs.infinity;
  const { optimal, unbounded, infeasible, unboundedOrInfeasible } = highs.constants.modelStatus;

  for (const comp of wanted) {
    result.components++;
    const col = new Map(comp.vars.map((v, j) => [v, j]));
    const scale = comp.vars.map((v) => scales.get(system.variables[v].concept) ?? 1);
    const colLower = Float64Array.from(comp.vars, (v, j) => (Number.isFinite(lower[v]) ? lower[v] / scale[j] : -inf));
    const colUpper = Float64Array.from(comp.vars, (v, j) => (Number.isFinite(upper[v]) ? upper[v] / scale[j] : inf));
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const rowLower: number[] = [];
    const rowUpper: number[] = [];
    let mask = 0;
    const datasets = new Set<string>();
    for (const ci of comp.rows) {
      const c = system.constraints[ci];
      mask |= bit(c.kind as never) | (c.fromPrevious ? bit("previous-release") : 0);
      const source = /^([^:]+?)(?: \(previous release\))?:/.exec(c.label);
      if (source && !c.label.startsWith("scope ")) datasets.add(source[1]);
      let lo = c.lo;
      let hi = c.hi;
      const entries: [number, number][] = [];
      for (const t of c.terms) {
        if (determined[t.v]) {
          const a = t.a;
          const tl = a > 0 ? a * lower[t.v] : a * upper[t.v];
          const th = a > 0 ? a * upper[t.v] : a * lower[t.v];
          lo -= th;
          hi -= tl;
          mask |= (prop.lowerWhy[t.v]?.mask ?? 0) | (prop.upperWhy[t.v]?.mask ?? 0);
        } else {
          const j = col.get(t.v)!;
          entries.push([j, t.a * scale[j]]);
        }
      }
      const norm = Math.max(...entries.map(([, a]) => Math.abs(a)));
      entries.sort((x, y) => x[0] - y[0]);
      for (const [j, a] of entries) {
        indices.push(j);
        values.push(a / norm);
      }
      starts.push(indices.length);
      rowLower.push(Number.isFinite(lo) ? lo / norm : -inf);
      rowUpper.push(Number.isFinite(hi) ? hi / norm : inf);
    }
    for (const v of comp.vars) mask |= (prop.lowerWhy[v]?.mask ?? 0) | (prop.upperWhy[v]?.mask ?? 0);
    const groupInfo = { unknowns: comp.vars.length, constraints: comp.rows.length, mask, datasets: [...datasets].sort() };

    const rowData = {
      lower: Float64Array.from(rowLower),
      upper: Float64Array.from(rowUpper),
      matrix: { format: "csr" as const, numRows: rowLower.length, numCols: comp.vars.length, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    };
    const build = (): ReturnType<typeof highs.createModel> => {
      const built = highs.createModel();
      built.addVars(colLower, colUpper);
      built.addRows(rowData);
      return built;
    };
    /**
     * Last resort for one extreme, as the audit found on a million-row release: a model re-solved
     * thousands of times can fail where the same LP built afresh solves at once.
     */
    const fresh = (j: number, sense: 1 | -1): number | null => {
      const once = build();
      try {
        once.options.set({ output_flag: false });
        once.changeColCost(j, sense);
        once.run();
        result.solves++;
        const st = once.getModelStatus();
        if (st === unbounded || st === unboundedOrInfeasible) return sense === 1 ? -Infinity : Infinity;
        return st === optimal ? sense * once.getObjectiveValue() * scale[j] : null;
      } finally {
        once.dispose();
      }
    };
    const model = build();
    try {
      model.options.set(WARM);
      const run = (): number => {
        model.run();
        result.solves++;
        let st = model.getModelStatus();
        if (st !== optimal && st !== unbounded && st !== infeasible && st !== unboundedOrInfeasible) {
          // Numerical trouble on a warm start: from scratch with HiGHS's defaults, then the
          // interior-point method, which does not depend on the basis.
          for (const fallback of FALLBACKS) {
            model.clearSolver();
            model.options.set(fallback);
            model.run();
            result.solves++;
            st = model.getModelStatus();
            if (st === optimal || st === unbounded || st === infeasible || st === unboundedOrInfeasible) break;
          }
          model.options.set(WARM);
        }
        // Presolve may not tell the two apart; the model is known feasible once the first solve
        // (a zero objective, which cannot be unbounded) has passed, so after that it is unbounded.
        if (st === unboundedOrInfeasible) return feasible ? unbounded : infeasible;
        return st;
      };
      let feasible = false;
      if (run() === infeasible) {
        result.infeasible = `the constraints linking ${system.variables[comp.vars[0]].name} and ${comp.vars.length - 1} other unknown(s) have no solution`;
        return result;
      }
      feasible = true;
      const targetCols = comp.vars.map((v, j) => [v, j] as const).filter(([v]) => targets.has(v));
      // Every solution found is a feasible point: a column seen at its (propagated, hence
      // valid) bound has that bound as its extreme, without a solve of its own.
      const n = comp.vars.length;
      const seenMin = new Float64Array(n);
      const seenMax = new Float64Array(n);
      // Unbounded directions seen: a ray along which a column falls (or rises) without end.
      const freeBelow = new Uint8Array(n);
      const freeAbove = new Uint8Array(n);
      const resetSeen = (): void => {
        seenMin.fill(Infinity);
        seenMax.fill(-Infinity);
        freeBelow.fill(0);
        freeAbove.fill(0);
      };
      const harvestRay = (): void => {
        const ray = model.getPrimalRay();
        if (!ray) return;
        for (let j = 0; j < n; j++) {
          if (ray.values[j] < -1e-9) freeBelow[j] = 1;
          if (ray.values[j] > 1e-9) freeAbove[j] = 1;
        }
      };
      const harvest = (): void => {
        const x = model.getSolution().colValue;
        for (let j = 0; j < n; j++) {
          if (x[j] < seenMin[j]) seenMin[j] = x[j];
          if (x[j] > seenMax[j]) seenMax[j] = x[j];
        }
      };
      const attained = (j: number, sense: 1 | -1): boolean => {
        if (options.everySide) return false;
        const bound = sense === 1 ? colLower[j] : colUpper[j];
        if (bound === -inf || bound === inf) return sense === 1 ? freeBelow[j] === 1 : freeAbove[j] === 1;
        const tolerance = 1e-7 * Math.max(1, Math.abs(bound));
        return sense === 1 ? seenMin[j] <= bound + tolerance : seenMax[j] >= bound - tolerance;
      };
      for (let round = 0; round < 4; round++) {
        resetSeen();
        // A few solves over all targets at once (all up, all down, alternating) prove most
        // sides that sit at their propagated bounds.
        for (let pattern = 0; pattern < BATCHES; pattern++) {
          targetCols.forEach(([, j], k) => model.changeColCost(j, batchSign(pattern, k)));
          const st = run();
          if (st === optimal) harvest();
          else if (st === unbounded) harvestRay();
          for (const [, j] of targetCols) model.changeColCost(j, 0);
        }
        let moved = false;
        for (const [v, j] of targetCols) {
          const extreme = (sense: 1 | -1): number | null => {
            if (attained(j, sense)) {
              const bound = sense === 1 ? colLower[j] : colUpper[j];
              return bound === -inf ? -Infinity : bound === inf ? Infinity : bound * scale[j];
            }
            model.changeColCost(j, sense);
            const st = run();
            let value: number | null = null;
            if (st === unbounded) {
              value = sense === 1 ? -Infinity : Infinity;
              harvestRay();
            }
            else if (st === optimal) {
              value = sense * model.getObjectiveValue() * scale[j];
              harvest();
            }
            // Read before the cost changes: a model change clears the solution.
            model.changeColCost(j, 0);
            return value ?? fresh(j, sense);
          };
          const lo = extreme(1);
          const hi = extreme(-1);
          if (lo === null || hi === null) result.inexact.add(v);
          let l = Math.max(lo ?? lower[v], lower[v]);
          let u = Math.min(hi ?? upper[v], upper[v]);
          if (system.variables[v].integer) {
            const rl = Number.isFinite(l) ? Math.ceil(l - 1e-6 * Math.max(1, Math.abs(l))) + 0 : l;
            const ru = Number.isFinite(u) ? Math.floor(u + 1e-6 * Math.max(1, Math.abs(u))) + 0 : u;
            // No integer in [l, u] would mean the facts contradict the integrality of true
            // counts: keep the LP's own interval rather than an empty one.
            if (rl <= ru) {
              // A fractional extreme rounded inward binds the other unknowns too: feed it back.
              if (rl > l + 1e-6 * Math.max(1, Math.abs(l)) || ru < u - 1e-6 * Math.max(1, Math.abs(u))) {
                colLower[j] = Number.isFinite(rl) ? rl / scale[j] : -inf;
                colUpper[j] = Number.isFinite(ru) ? ru / scale[j] : inf;
                model.changeColBounds(j, colLower[j], colUpper[j]);
                moved = true;
              }
              l = rl;
              u = ru;
            }
          }
          result.lower.set(v, l);
          result.upper.set(v, u);
          result.group.set(v, groupInfo);
        }
        if (!moved) break;
      }
    } finally {
      model.dispose();
    }
  }
  return result;
}
