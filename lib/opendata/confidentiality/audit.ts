/**
 * The disclosure audit of a suppression pattern over the whole release model: for every figure
 * that must keep its protection (primary cells, hidden complements that fail a primary rule, and
 * secondary cells by policy), the range of values an intruder can still assign to it from
 * everything published and everything it knows (knowledge.ts), by linear programming (lp.ts).
 *
 * Proofs rather than measures for most figures. Two solves per side per figure do not scale
 * (a million-row release had one group of ~4,000 unknowns). Every feasible point of the LP is a
 * set of values the intruder cannot rule out, so the smallest and largest value a figure takes
 * across the solutions found is an inner bound of its exact interval. Batch solves push many
 * figures at once (minimise the sum of those whose lower side is not proven yet, each divided by
 * its |value|, then maximise those whose upper side is not), repeated while a batch still proves
 * a fifth of what is left; each side still short then gets its own exact solve, whose duals give
 * the cut that secondary suppression needs (lp.ts). The decision is the same as with exact
 * intervals: a side is exposed iff its exact extreme falls short. Groups of at most
 * EXACT_INTERVALS_MAX_FIGURES figures are measured exactly (2 solves per figure), so that small
 * releases and tests report exact intervals.
 *
 * A side HiGHS cannot solve even after its fallbacks counts as exposed, never as protected.
 */
import { POLICY } from "../../policy";
import { CellStatus, isPrimary, isSuppressed } from "./cells";
import { aPriori, protectionTarget, ProtectionTarget, shortfall } from "./knowledge";
import { GroupLp, groupSolutionError, unknownGroups, type Group } from "./lp";
import type { ReleaseModel } from "./model";

export interface FigureInterval {
  cell: number;
  key: string;
  concept: string;
  status: CellStatus | "hidden";
  /** The true value: internal to the audit, never published. */
  value: number;
  lower: number;
  upper: number;
  target: ProtectionTarget;
  exposed: boolean;
  violated: "lower" | "upper" | "both" | null;
  /** true: [lower, upper] is the exact interval; false: an inner bound proven by feasible points. */
  exact: boolean;
}

/** A linear condition on the pattern that the exposed side needs: sum coef_j x_j >= rhs (x_target included). */
export interface Cut {
  cell: number;
  concept: string;
  side: "lower" | "upper";
  coefficients: ReadonlyMap<number, number>;
  rhs: number;
}

export interface AuditReport {
  passed: boolean;
  protectionIntervalPercent: number;
  intervals: readonly FigureInterval[];
  exposed: readonly FigureInterval[];
  /** For each exposed side solved exactly: the cut it implies (for secondary suppression). */
  cuts: readonly Cut[];
  /** Relations with a non-zero dual in an exposed side's solve: where one more suppression helps. */
  binding: ReadonlyMap<string, readonly number[]>;
  /** Cells whose every figure this audit proved protected, with the unknown cells of their group (see `proofs`). */
  proofs: ReadonlyMap<number, readonly number[]>;
  /** Cells skipped thanks to an earlier proof. */
  skipped: number;
  /** The audit stopped at its first exposed figure (AuditOptions.stopAtFirstExposure): the only one in `exposed`. */
  stoppedEarly?: boolean;
  groups: number;
  solves: number;
  exactFigures: number;
  provenFigures: number;
  millis: number;
}

export interface AuditOptions {
  protectionIntervalPercent?: number;
  protectSecondaryCells?: boolean;
  /** Groups with more figures are proven rather than measured (see the header). */
  exactIntervalsMaxFigures?: number;
  /**
   * Proofs of earlier audits: cell -> the unknown cells of its group when its figures were all
   * proven protected. Suppressing more cells only adds unknowns to the intruder's LP (a
   * relaxation), so a proof holds as long as every one of those cells is still unknown: such
   * cells are not solved again (and are left out of `intervals`). For the search rounds; the
   * release's own audit is always complete.
   */
  proofs?: ReadonlyMap<number, readonly number[]>;
  /**
   * Stop at the first side found exposed: the report says only that the pattern fails (`passed`
   * false, that one figure in `exposed`, `stoppedEarly` true; `intervals` and `proofs` hold only
   * the groups solved before it), for a caller that needs no more
   * (the optimal method's pruning, which keeps a removal only when the audit passes). A side is
   * found exposed only once its exact extreme is known (or, for a figure a relation pins, its exact
   * value: pinnedExposure, before any LP is built), so the answer is the full audit's.
   */
  stopAtFirstExposure?: boolean;
  /**
   * Cells whose figures are solved exactly before any other (those a change of pattern touched):
   * with stopAtFirstExposure, a pattern that exposes one of them fails after a few warm solves
   * instead of the group's batch proofs. The decisions are the same (every side is still decided
   * on its exact extreme); only which intervals are inner bounds differs.
   */
  probeFirst?: readonly number[];
}

export const EXACT_INTERVALS_MAX_FIGURES = 60;

/** Cells whose figures need protection under a pattern. */
/**
 * Cells whose figures need protection under a pattern: primary cells (hidden complements that
 * fail a rule included), secondary ones when the policy says so, and always the empty cells the
 * companion rule flags (their zero must stay ambiguous, or the rule achieves nothing).
 */
export function requiredCells(model: ReleaseModel, status: readonly CellStatus[], protectSecondary: boolean): boolean[] {
  return model.cells.map((c) => isPrimary(status[c.id]) || (status[c.id] === "secondary" && !c.hidden && (protectSecondary || c.empty)));
}

export function unknownCells(model: ReleaseModel, status: readonly CellStatus[]): boolean[] {
  return model.cells.map((c) => c.hidden || isSuppressed(status[c.id]));
}

export function figureKey(cell: number, concept: string): string {
  return `${cell}:${concept}`;
}

export async function auditPattern(model: ReleaseModel, status: readonly CellStatus[], options: AuditOptions = {}): Promise<AuditReport> {
  const started = performance.now();
  const p = options.protectionIntervalPercent ?? POLICY.statisticalConfidentiality.protectionIntervalPercent;
  const protectSecondary = options.protectSecondaryCells ?? POLICY.statisticalConfidentiality.protectSecondaryCells;
  const exactLimit = options.exactIntervalsMaxFigures ?? EXACT_INTERVALS_MAX_FIGURES;
  const required = requiredCells(model, status, protectSecondary);
  const unknown = unknownCells(model, status);
  const groups = unknownGroups(model, unknown);
  const intervals: FigureInterval[] = [];
  const cuts: Cut[] = [];
  const binding = new Map<string, number[]>();
  const proofs = new Map<number, readonly number[]>();
  let skipped = 0;
  let solves = 0;
  let exactFigures = 0;
  let provenFigures = 0;
  let stoppedEarly = false;

  const stillProven = (c: number): boolean => {
    const proof = options.proofs?.get(c);
    return proof !== undefined && proof.every((u) => unknown[u]);
  };
  const pinned = options.stopAtFirstExposure ? pinnedExposure(model, status, unknown, (c) => required[c] && !stillProven(c), p, groups) : null;
  if (pinned) {
    intervals.push(pinned);
    stoppedEarly = true;
  }

  for (const group of pinned ? [] : groups) {
    const wanted = group.cells.filter((c) => required[c] && !stillProven(c));
    skipped += group.cells.filter((c) => required[c]).length - wanted.length;
    if (wanted.length === 0) continue;
    const lp = await GroupLp.create(model, group);
    try {
      const n = lp.figures.length;
      const targets = lp.knowledge.map((k) => protectionTarget(k, p));
      const wantedCells = new Set(wanted);
      const cols = lp.figures.map((_, i) => i).filter((i) => wantedCells.has(lp.figures[i].cell) && needsProtection(model, status, lp.figures[i].cell, lp.knowledge[i].value));
      const lo = Float64Array.from(lp.knowledge, (k) => k.value);
      const hi = Float64Array.from(lp.knowledge, (k) => k.value);
      const exactLo = new Uint8Array(n);
      const exactHi = new Uint8Array(n);
      const lowOk = (i: number) => shortfall(lp.knowledge[i], targets[i], lo[i], Infinity, lp.solutionError) === null;
      const highOk = (i: number) => shortfall(lp.knowledge[i], targets[i], -Infinity, hi[i], lp.solutionError) === null;
      const harvest = (solution: Float64Array): void => {
        for (let i = 0; i < n; i++) {
          if (solution[i] < lo[i]) lo[i] = solution[i];
          if (solution[i] > hi[i]) hi[i] = solution[i];
        }
      };
      /** Solves one side exactly; false when it is exposed. */
      const exposeSide = (i: number, sense: 1 | -1): boolean => {
        const result = lp.extreme(i, sense);
        if (result) {
          if (sense === 1) {
            lo[i] = Math.min(lo[i], result.value);
            exactLo[i] = 1;
          } else {
            hi[i] = Math.max(hi[i], result.value);
            exactHi[i] = 1;
          }
        }
        const ok = sense === 1 ? lowOk(i) : highOk(i);
        if (ok || !result || !result.duals) return ok;
        const figure = lp.figures[i];
        const { coefficients, slack } = lp.cut(i, sense, result.duals);
        const target = targets[i];
        const level = sense === 1 ? lp.knowledge[i].value - target.lowTarget : target.highTarget - lp.knowledge[i].value;
        cuts.push({ cell: figure.cell, concept: figure.concept, side: sense === 1 ? "lower" : "upper", coefficients, rhs: level - slack });
        const rows: number[] = [];
        result.duals.forEach((y, r) => {
          if (Math.abs(y) > 1e-9) rows.push(r);
        });
        const relations = relationsOfRows(model, lp, rows);
        binding.set(figureKey(figure.cell, figure.concept), [...new Set([...(binding.get(figureKey(figure.cell, figure.concept)) ?? []), ...relations])].sort((a, b) => a - b));
        return false;
      };
      // The figure found exposed first, when the caller asked to stop there.
      let first: number | null = null;
      const stopAt = (i: number, ok: boolean): boolean => {
        if (ok || !options.stopAtFirstExposure) return false;
        first = i;
        return true;
      };

      const probes = new Set(options.probeFirst ?? []);
      for (const i of cols) {
        if (!probes.has(lp.figures[i].cell)) continue;
        if (stopAt(i, exposeSide(i, 1)) || stopAt(i, exposeSide(i, -1))) break;
      }
      if (first !== null) {
        // a probe found it: nothing else to solve
      } else if (n <= exactLimit) {
        for (const i of cols) {
          if ((!exactLo[i] && stopAt(i, exposeSide(i, 1))) || (!exactHi[i] && stopAt(i, exposeSide(i, -1)))) break;
        }
        exactFigures += cols.length;
      } else {
        const shortSides = () => ({ low: cols.filter((i) => !lowOk(i)), high: cols.filter((i) => !highOk(i)) });
        let left = shortSides();
        for (let batch = 0; batch < 20; batch++) {
          const before = left.low.length + left.high.length;
          if (before === 0) break;
          for (const sense of [1, -1] as const) {
            const set = sense === 1 ? left.low : left.high;
            if (set.length === 0) continue;
            const weights = new Map(set.map((i) => [i, 1 / Math.max(1, Math.abs(lp.knowledge[i].value))]));
            const solution = lp.solveWeighted(weights, sense);
            if (solution) harvest(solution);
          }
          left = shortSides();
          if (left.low.length + left.high.length > 0.8 * before) break;
        }
        for (const i of cols) {
          if (!lowOk(i) && !exactLo[i] && stopAt(i, exposeSide(i, 1))) break;
          if (!highOk(i) && !exactHi[i] && stopAt(i, exposeSide(i, -1))) break;
        }
        provenFigures += cols.length;
      }
      const intervalOf = (i: number): FigureInterval => {
        const f = lp.figures[i];
        const cell = model.cells[f.cell];
        const violated = shortfall(lp.knowledge[i], targets[i], lo[i], hi[i], lp.solutionError);
        return {
          cell: f.cell,
          key: cell.key,
          concept: f.concept,
          status: cell.hidden ? "hidden" : status[f.cell],
          value: lp.knowledge[i].value,
          lower: lo[i],
          upper: hi[i],
          target: targets[i],
          exposed: violated !== null,
          violated,
          exact: exactLo[i] === 1 && exactHi[i] === 1,
        };
      };
      solves += lp.solves;
      if (first !== null) {
        intervals.push(intervalOf(first));
        stoppedEarly = true;
        break;
      }
      const exposedCells = new Set<number>();
      for (const i of cols) {
        const interval = intervalOf(i);
        if (interval.exposed) exposedCells.add(interval.cell);
        intervals.push(interval);
      }
      for (const c of wanted) if (!exposedCells.has(c)) proofs.set(c, group.cells);
    } finally {
      lp.dispose();
    }
  }
  intervals.sort((a, b) => a.cell - b.cell || (a.concept < b.concept ? -1 : a.concept > b.concept ? 1 : 0));
  const exposed = intervals.filter((i) => i.exposed);
  return {
    passed: exposed.length === 0,
    protectionIntervalPercent: p,
    intervals,
    exposed,
    cuts,
    binding,
    proofs,
    skipped,
    ...(stoppedEarly ? { stoppedEarly } : {}),
    groups: groups.length,
    solves,
    exactFigures,
    provenFigures,
    millis: performance.now() - started,
  };
}

/**
 * Whether a figure of a cell the audit solves must keep its protection interval. A secondary
 * cell's zero figure is no one's secret (knowledge.ts): only an empty cell the companion rule
 * flags must keep room around its zero.
 */
function needsProtection(model: ReleaseModel, status: readonly CellStatus[], cell: number, value: number): boolean {
  return !(status[cell] === "secondary" && !model.cells[cell].empty && value === 0);
}

/**
 * For a caller that stops at the first exposure: a figure that a relation pins (its cell the
 * relation's only unknown member, every other member published) is known exactly. If its cell is
 * one the audit would solve (`wanted`) and the figure needs protection, the pattern fails: the
 * LP's extreme of that figure is its true value, and the side is judged as the audit judges it
 * (`shortfall`, with the solution error of the group's LP). Found without building any LP: most
 * of the pruning's trials publish back a complement a primary cell needs, and end here.
 */
function pinnedExposure(model: ReleaseModel, status: readonly CellStatus[], unknown: readonly boolean[], wanted: (c: number) => boolean, p: number, groups: readonly Group[]): FigureInterval | null {
  let groupOf: Map<number, Group> | undefined;
  for (const r of model.relations) {
    let only = unknown[r.parent] ? r.parent : -1;
    let count = only === -1 ? 0 : 1;
    for (const c of r.children) {
      if (!unknown[c]) continue;
      only = c;
      if (++count > 1) break;
    }
    if (count !== 1 || !wanted(only)) continue;
    const cell = model.cells[only];
    for (const concept of r.concepts) {
      const k = aPriori(model, cell, concept);
      if (!needsProtection(model, status, only, k.value)) continue;
      groupOf ??= new Map(groups.flatMap((g) => g.cells.map((c) => [c, g] as const)));
      const target = protectionTarget(k, p);
      const violated = shortfall(k, target, k.value, k.value, groupSolutionError(model, groupOf.get(only)!));
      if (violated === null) continue;
      return { cell: only, key: cell.key, concept, status: cell.hidden ? "hidden" : status[only], value: k.value, lower: k.value, upper: k.value, target, exposed: true, violated, exact: true };
    }
  }
  return null;
}

/** The relations behind the rows of an LP (rows are built relation by relation, concept by concept). */
function relationsOfRows(model: ReleaseModel, lp: GroupLp, rows: readonly number[]): number[] {
  const owner: number[] = [];
  for (const rid of lp.group.relations) for (let k = 0; k < model.relations[rid].concepts.length; k++) owner.push(rid);
  return rows.filter((r) => r < owner.length).map((r) => owner[r]);
}
