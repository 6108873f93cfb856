/**
 * Secondary (complementary) suppression: hiding a primary cell is useless if it can be recomputed
 * or narrowed from the rest of the release. Every pattern is accepted only when the audit of the
 * whole release passes (audit.ts), so the methods differ in what they cost readers, never in
 * safety.
 *
 * `heuristic` (the method of the previous releases). A deterministic greedy: while some relation
 * has exactly one unknown figure, suppress one more published cell of it (ranked by: enough value
 * to carry the protection, not a total, closes the most other such relations, smallest value,
 * key); then, for each figure the audit finds exposed, one more published cell among the
 * relations that bind it (non-zero dual), ranked the same way; repeat. The pattern only grows, so
 * a figure proven protected stays proven (audit.ts `proofs`) and each round re-solves only what
 * is still open.
 *
 * `optimal` (the release's method): least information loss. A mixed-integer model on HiGHS
 * chooses the pattern minimising sum_j w_j x_j over binary x (x_j = 1: cell j suppressed), w_j
 * the cell's share of its table's non-empty cells plus its share of the table's value
 * (model.ts), subject to x = 1 on primary cells, the companion rule (primary.ts), one cut per
 * relation of each primary figure, and the protection cuts the audits find (lp.ts, after
 * Fischetti and Salazar 2001; every cut is valid for every pattern, so the master's optimum is a
 * lower bound of the loss of any safe pattern). It starts from the heuristic's safe pattern and
 * the cuts its audits produced. Each round solves the master, repairs its pattern into a safe one
 * with the heuristic ranked by information lost (the master knows only the cuts found so far),
 * keeps the best safe pattern, and feeds the repair's cuts back to the master. It stops when the
 * master's bound shows no pattern can lose less than the best safe one (within MIP_GAP), when the
 * master's own pattern is safe, or after MAX_MIP_ROUNDS rounds. A round whose master returns a
 * pattern already repaired reuses that repair (the repair is deterministic), and only a repair
 * kept as the best pattern is audited once more in full. Last, it tries to publish again
 * the heaviest secondary cells one at a time (prune), keeping each removal the audit passes. The
 * release reports both losses and the master's bound: how far from the optimum the pattern can
 * be. Deterministic: no time limit anywhere, only node and round limits.
 * Empty cells are candidates only for the companion rule (suppressing a zero elsewhere would be
 * protection an intruder sees through if they know zeros are published).
 */
import type { Highs } from "highs";
import { POLICY } from "../../policy";
import { auditPattern, AuditReport, Cut } from "./audit";
import { CellStatus, conceptOf, isPrimary } from "./cells";
import { tableCounts, type TableCounts } from "./loss";
import { aPriori, FigureKnowledge, protectionTarget } from "./knowledge";
import { boundScaleExponent } from "./lp";
import { membersOf, type ReleaseModel } from "./model";
import type { CompanionRequirement, Pattern } from "./primary";
import { loadSolver } from "./solver";

export interface SecondaryOptions {
  protectionIntervalPercent?: number;
  protectSecondaryCells?: boolean;
  exactIntervalsMaxFigures?: number;
  /** Safety stop for the audit loop; default: the number of cells. */
  maxRounds?: number;
  log?: (message: string) => void;
}

export interface SecondaryResult {
  status: CellStatus[];
  audit: AuditReport;
  rounds: number;
  /** Cuts added to the master problem (optimal), or cells added by the greedy (heuristic). */
  cuts: number;
  lpSolves: number;
  millis: number;
}

/** Cells the secondary suppression may hide: published, non-empty, in a published table. */
function candidates(model: ReleaseModel, status: readonly CellStatus[], companions: readonly CompanionRequirement[]): number[] {
  const companionCells = new Set(companions.flatMap((c) => c.candidates));
  return model.cells.filter((c) => !c.hidden && status[c.id] === "published" && (!c.empty || companionCells.has(c.id))).map((c) => c.id);
}

function auditOptions(o: SecondaryOptions) {
  return { protectionIntervalPercent: o.protectionIntervalPercent, protectSecondaryCells: o.protectSecondaryCells, exactIntervalsMaxFigures: o.exactIntervalsMaxFigures };
}

function withSecondary(primary: readonly CellStatus[], suppressed: Iterable<number>): CellStatus[] {
  const status = [...primary];
  for (const c of suppressed) if (status[c] === "published") status[c] = "secondary";
  return status;
}

/** Relative optimality gap and node limit of each master solve (see optimalSuppression). */
export const MIP_GAP = 0.02;
export const MIP_MAX_NODES = 100;
/** Rounds of master problem and audit after the heuristic's pattern (see the header). */
export const MAX_MIP_ROUNDS = 4;
/** Heuristic rounds with the same exposed intervals before it gives up (see heuristicSuppression). */
export const STUCK_ROUNDS = 4;

/**
 * Suppression cannot protect this table's design: a figure stays exposed however many cells are
 * hidden around it (it is pinned by relations among figures that are never published, e.g. a
 * hidden complement). The design ladder (lib/opendata/design.ts) moves to a coarser rung.
 */
export class UnprotectableDesignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnprotectableDesignError";
  }
}

interface Row {
  lower: number;
  indices: number[];
  values: number[];
  /** How far a safe pattern may fall short of `lower` (the audit's tolerance; lossLowerBounds only). */
  slack?: number;
}

/**
 * Cuts known before any audit, one per relation and figure: a relation with a single unknown
 * figure gives it away exactly, and one with others unknown protects it only as far as they can
 * move in the direction that keeps the relation's sum (lp.ts's cut with the relation's dual alone).
 * For a primary figure t of value v and protection level PL in relation r:
 *   upper side, t a child: another child must be able to go down by PL (room v_j - lower_j) or the
 *   parent up (room upper - v); t the parent: a child up. Lower side: the mirror image.
 * coefficient_j = min(1, room_j / PL) (a valid strengthening for binary x). Secondary cells get
 * theirs from the audits, when a pattern leaves one exposed. Duplicates are dropped.
 */
function relationCuts(
  model: ReleaseModel,
  pattern: Pattern,
  fixed: ReadonlySet<number>,
  col: ReadonlyMap<number, number>,
  protectionIntervalPercent?: number,
  /** The audit's tolerance on a figure (absolute): each row gets the slack it implies. */
  toleranceOf?: (k: FigureKnowledge) => number,
): Row[] {
  const p = protectionIntervalPercent ?? POLICY.statisticalConfidentiality.protectionIntervalPercent;
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const cell of model.cells) {
    const primary = fixed.has(cell.id) && !cell.hidden && isPrimary(pattern.status[cell.id]);
    const hiddenRequired = cell.hidden && isPrimary(pattern.status[cell.id]);
    if (!primary && !hiddenRequired) continue;
    for (const rid of model.relationsOf[cell.id]) {
      const r = model.relations[rid];
      for (const concept of r.concepts) {
        const k = aPriori(model, cell, concept);
        const target = protectionTarget(k, p);
        const isParent = r.parent === cell.id;
        for (const side of ["upper", "lower"] as const) {
          const level = side === "upper" ? target.highTarget - k.value : k.value - target.lowTarget;
          if (level <= 1e-9) continue;
          let constant = 0;
          const terms = new Map<number, number>();
          for (const other of membersOf(r)) {
            if (other === cell.id) continue;
            const o = aPriori(model, model.cells[other], concept);
            // Which way `other` must move for the relation to hold when the target moves up
            // (side upper) or down: a sibling moves against it, the parent (or a child of the
            // target-parent) with it.
            const sameWay = isParent || other === r.parent;
            const up = side === "upper" ? sameWay : !sameWay;
            const room = up ? o.upper - o.value : o.value - o.lower;
            const coef = Math.min(1, room / level);
            if (coef <= 1e-12) continue;
            if (fixed.has(other)) constant += coef;
            else if (col.has(other)) terms.set(col.get(other)!, Math.max(terms.get(col.get(other)!) ?? 0, coef));
          }
          if (constant >= 1 - 1e-9) continue;
          const indices = [...terms.keys()].sort((a, b) => a - b);
          const values = indices.map((i) => terms.get(i)!);
          const lower = 1 - constant;
          if (indices.length === 0) continue;
          const slack = toleranceOf ? toleranceOf(k) / level : undefined;
          const signature = `${lower}|${indices.join(",")}|${values.map((v) => v.toFixed(6)).join(",")}${slack === undefined ? "" : `|${slack}`}`;
          if (seen.has(signature)) continue;
          seen.add(signature);
          rows.push(slack === undefined ? { lower, indices, values } : { lower, indices, values, slack });
        }
      }
    }
  }
  return rows;
}

export async function optimalSuppression(
  model: ReleaseModel,
  pattern: Pattern,
  companions: readonly CompanionRequirement[],
  start: { status: readonly CellStatus[]; audit: AuditReport; cuts: readonly Cut[] },
  options: SecondaryOptions = {},
): Promise<SecondaryResult & { improved: boolean; lowerBound: number; objective: number; startObjective: number }> {
  const started = performance.now();
  const highs: Highs = await loadSolver();
  const vars = candidates(model, pattern.status, companions);
  const col = new Map(vars.map((c, i) => [c, i]));
  // Suppressed for good: primary cells and hidden complements.
  const fixed = new Set(model.cells.filter((c) => c.hidden || isPrimary(pattern.status[c.id])).map((c) => c.id));
  const smallest = Math.min(...model.cells.filter((c) => c.weight > 0).map((c) => c.weight), 1);
  const cost = Float64Array.from(vars, (c) => (model.cells[c].empty ? smallest / 100 : model.cells[c].weight));
  const objectiveOf = (status: readonly CellStatus[]) => vars.reduce((s, c, i) => s + (status[c] === "secondary" ? cost[i] : 0), 0);
  let best = { status: [...start.status], audit: start.audit, objective: objectiveOf(start.status) };
  const master = highs.createModel({
    numCols: vars.length,
    numRows: 0,
    colCost: cost,
    colLower: new Float64Array(vars.length),
    colUpper: Float64Array.from(vars, () => 1),
    rowLower: new Float64Array(0),
    rowUpper: new Float64Array(0),
    matrix: { format: "csr", numRows: 0, numCols: vars.length, starts: Int32Array.from([0]), indices: new Int32Array(0), values: new Float64Array(0) },
    integrality: Int32Array.from(vars, () => 1),
  });
  let rows = 0;
  let lpSolves = 0;
  let lowerBound = 0;
  try {
    // A relative gap and a node limit keep each master solve bounded as cuts accumulate; both are
    // deterministic (no time limit), so a rerun finds the same pattern.
    master.options.set({ output_flag: false, mip_rel_gap: MIP_GAP, mip_max_nodes: MIP_MAX_NODES, random_seed: 0 });
    const addRow = (row: Row) => {
      master.addRow(row.lower, highs.infinity, { indices: Int32Array.from(row.indices), values: Float64Array.from(row.values) });
      rows++;
    };
    for (const req of companions) {
      const indices = req.candidates.map((c) => col.get(c)).filter((i): i is number => i !== undefined);
      if (indices.length > 0) addRow({ lower: 1, indices, values: indices.map(() => 1) });
    }
    for (const row of relationCuts(model, pattern, fixed, col, options.protectionIntervalPercent)) addRow(row);
    const addCut = (cut: Cut): boolean => {
      const row = cutRow(cut, fixed, col);
      if (row) addRow(row);
      return row !== null;
    };
    for (const cut of start.cuts) addCut(cut);
    // The repair is a deterministic function of the master's pattern, and a master given only
    // cuts it already had often returns the same pattern: such a round reuses the repair it
    // already made (the same pattern, audit and cuts) instead of auditing it all again.
    const repairs = new Map<string, Awaited<ReturnType<typeof heuristicSuppression>>>();
    for (let round = 1; round <= MAX_MIP_ROUNDS; round++) {
      const mipStarted = performance.now();
      master.run();
      const ms = master.getModelStatus();
      const bound = Number(master.info.get("mip_dual_bound"));
      if (Number.isFinite(bound)) lowerBound = Math.max(lowerBound, bound);
      if (lowerBound >= best.objective * (1 - MIP_GAP) - 1e-12) {
        options.log?.(`secondary suppression (optimal): round ${round}: no pattern can lose less than the best safe one but for the gap (bound ${lowerBound.toFixed(4)}, best ${best.objective.toFixed(4)})`);
        break;
      }
      let x: Float64Array;
      try {
        x = master.getSolution().colValue;
      } catch {
        throw new Error(`secondary suppression: the master problem ended with HiGHS status ${ms} and no pattern after ${rows} constraints`);
      }
      const chosen = vars.filter((_, i) => x[i] > 0.5);
      const mipMillis = performance.now() - mipStarted;
      // The master's pattern satisfies every constraint known so far; the audit usually finds more.
      // Repair it with the heuristic, ranked by information lost, into a safe pattern; every cut the
      // repair's audits find goes back into the master.
      const signature = chosen.join(",");
      const known = repairs.get(signature);
      const repaired = known ?? (await heuristicSuppression(model, pattern, companions, { ...auditOptions(options), start: withSecondary(pattern.status, chosen), ranking: "loss", label: `optimal, repair of round ${round}`, deferFullAudit: true }));
      if (!known) {
        repairs.set(signature, repaired);
        lpSolves += repaired.lpSolves;
      }
      const objective = objectiveOf(repaired.status);
      options.log?.(`secondary suppression (optimal): round ${round}: master ${chosen.length} secondary cells (${Math.round(mipMillis)} ms), repaired to ${repaired.status.filter((st) => st === "secondary").length}, loss ${objective.toFixed(4)} (best ${best.objective.toFixed(4)}, bound ${lowerBound.toFixed(4)})`);
      if (objective < best.objective - 1e-12) {
        // Only a repair kept as the best pattern needs its full audit (the report and the proof).
        const full = repaired.complete ? repaired.audit : await auditPattern(model, repaired.status, auditOptions(options));
        if (!repaired.complete) lpSolves += full.solves;
        if (!full.passed) throw new Error(`secondary suppression (optimal): the full audit contradicts the incremental one on ${full.exposed[0].key} (${full.exposed[0].concept})`);
        best = { status: repaired.status, audit: full, objective };
      }
      if (repaired.cuts === 0) break; // the master's own pattern was safe: optimal for the master
      let added = 0;
      for (const cut of repaired.cutsFound) if (addCut(cut)) added++;
      if (added === 0) break;
    }
    best = await prune(model, pattern, companions, best, objectiveOf, options);
  } finally {
    master.dispose();
  }
  return {
    status: best.status,
    audit: best.audit,
    rounds: 0,
    cuts: rows,
    lpSolves,
    millis: performance.now() - started,
    improved: best.objective < objectiveOf(start.status) - 1e-12,
    lowerBound,
    objective: best.objective,
    startObjective: objectiveOf(start.status),
  };
}

/** A margin for HiGHS's own tolerances on a bound's rows (see lossLowerBounds): coefficients are at most 1, right-hand sides 1. */
export const BOUND_ROW_SLACK = 1e-6;

/**
 * What every safe pattern must hide in one published table at least (see lossLowerBounds): the
 * table's counts under primary suppression, `suppressedCells` and `hiddenValue` raised by the
 * fewest secondary cells, and the least value, any safe pattern adds.
 */
export type LossBound = TableCounts;

/**
 * Lower bounds of the loss of every safe pattern, table by table: the cells primary suppression
 * hides, plus the least a mixed-integer model on the master's constraints can add (the companion
 * rule and one cut per relation of each primary figure, valid for every safe pattern: see
 * relationCuts). Two objectives per table, its number of suppressed cells and its share of value;
 * HiGHS's dual bound is a lower bound even when the node limit stops the search. Each cut's
 * right-hand side is lowered by the audit's tolerance over the protection level (plus
 * BOUND_ROW_SLACK): the audit accepts a side that falls short of its target by that (absolute)
 * tolerance, so a safe pattern may satisfy a cut only within it, and a bound must never exclude a
 * pattern the audit accepts. The design ladder uses it to leave out a
 * rung that no safe pattern can bring within the publication targets, before the costlier optimal
 * method protects it. About a second for the largest rung at two million sale lines.
 */
export async function lossLowerBounds(model: ReleaseModel, pattern: Pattern, companions: readonly CompanionRequirement[], options: Pick<SecondaryOptions, "protectionIntervalPercent"> = {}): Promise<LossBound[]> {
  const highs: Highs = await loadSolver();
  const vars = candidates(model, pattern.status, companions);
  const col = new Map(vars.map((c, i) => [c, i]));
  const fixed = new Set(model.cells.filter((c) => c.hidden || isPrimary(pattern.status[c.id])).map((c) => c.id));
  const rows: Row[] = [];
  for (const req of companions) {
    const indices = req.candidates.map((c) => col.get(c)).filter((i): i is number => i !== undefined);
    if (indices.length > 0) rows.push({ lower: 1, indices, values: indices.map(() => 1) });
  }
  // The audit's tolerance on a figure: max(GroupLp.solutionError, 1e-7 |v|) (knowledge.ts
  // `shortfall`), solutionError growing with the largest number of the group's LP. No group's LP
  // holds a number larger than a concept's a-priori bound or a relation's sum of magnitudes.
  let magnitude = 1;
  for (const c of model.concepts) magnitude = Math.max(magnitude, c.bound);
  for (const r of model.relations) {
    for (const concept of r.concepts) {
      let sum = 0;
      for (const m of membersOf(r)) sum += Math.abs(model.cells[m].values[concept] ?? 0);
      magnitude = Math.max(magnitude, sum);
    }
  }
  const solutionError = 1e-6 * 2 ** boundScaleExponent(magnitude);
  rows.push(...relationCuts(model, pattern, fixed, col, options.protectionIntervalPercent, (k) => Math.max(solutionError, 1e-7 * Math.max(Math.abs(k.value), 1))));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    indices.push(...row.indices);
    values.push(...row.values);
    starts.push(indices.length);
  }
  const lp = highs.createModel({
    numCols: vars.length,
    numRows: rows.length,
    colCost: new Float64Array(vars.length),
    colLower: new Float64Array(vars.length),
    colUpper: Float64Array.from(vars, () => 1),
    rowLower: Float64Array.from(rows, (r) => r.lower - (r.slack ?? 0) - BOUND_ROW_SLACK),
    rowUpper: Float64Array.from(rows, () => highs.infinity),
    matrix: { format: "csr", numRows: rows.length, numCols: vars.length, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    integrality: Int32Array.from(vars, () => 1),
  });
  const out: LossBound[] = [];
  try {
    lp.options.set({ output_flag: false, mip_rel_gap: MIP_GAP, mip_max_nodes: MIP_MAX_NODES, random_seed: 0 });
    // The least of sum(cost_j x_j) over every pattern the constraints allow (0 if HiGHS proves nothing).
    const least = (cost: Float64Array): number => {
      if (!cost.some((c) => c > 0)) return 0;
      for (let i = 0; i < vars.length; i++) lp.changeColCost(i, cost[i]);
      lp.clearSolver();
      lp.run();
      const bound = Number(lp.info.get("mip_dual_bound"));
      return Number.isFinite(bound) ? Math.max(0, bound) : 0;
    };
    model.tables.forEach((table, t) => {
      if (table.hidden) return;
      const inTable = new Set(model.tableCells[t]);
      const concept = conceptOf(table.measures[0]);
      const counts = tableCounts(model, t, pattern.status);
      const totalValue = counts.totalValue;
      const countCost = Float64Array.from(vars, (c) => (inTable.has(c) ? 1 : 0));
      const valueCost = Float64Array.from(vars, (c) => (inTable.has(c) && totalValue > 0 ? Math.abs(model.cells[c].values[concept] ?? 0) / totalValue : 0));
      // Whole cells: a bound of 57.9999999 still proves 58 (the margin covers HiGHS's tolerances).
      const cellsBound = Math.ceil(least(countCost) - 1e-6);
      const valueBound = Math.max(0, least(valueCost) - 1e-6);
      out.push({ ...counts, suppressedCells: counts.suppressedCells + Math.max(0, cellsBound), hiddenValue: counts.hiddenValue + valueBound * totalValue });
    });
  } finally {
    lp.dispose();
  }
  return out;
}

/** Secondary cells the pruning tries to publish again, heaviest first (see prune). */
export const PRUNE_CANDIDATES = 40;

/**
 * The last step of the optimal method: try to publish again, one at a time and heaviest first,
 * the secondary cells of the best safe pattern; keep each removal the audit still passes. Only the
 * figures whose proof involved the cell are solved again (audit.ts `proofs`).
 */
async function prune(
  model: ReleaseModel,
  pattern: Pattern,
  companions: readonly CompanionRequirement[],
  best: { status: CellStatus[]; audit: AuditReport; objective: number },
  objectiveOf: (status: readonly CellStatus[]) => number,
  options: SecondaryOptions,
): Promise<{ status: CellStatus[]; audit: AuditReport; objective: number }> {
  const needed = new Set<number>();
  for (const req of companions) {
    const flagged = req.candidates.filter((c) => best.status[c] !== "published");
    if (flagged.length === 1) needed.add(flagged[0]);
  }
  const order = model.cells
    .filter((c) => best.status[c.id] === "secondary" && !needed.has(c.id))
    .sort((a, b) => b.weight - a.weight || a.id - b.id)
    .slice(0, PRUNE_CANDIDATES)
    .map((c) => c.id);
  let status = [...best.status];
  const proofs = new Map(best.audit.proofs);
  let removed = 0;
  for (const cell of order) {
    const trial = [...status];
    trial[cell] = "published";
    // Only whether it passes matters here: a failing trial stops at its first exposed figure.
    const neighbours = model.relationsOf[cell].flatMap((r) => membersOf(model.relations[r]));
    const audit = await auditPattern(model, trial, { ...auditOptions(options), proofs, stopAtFirstExposure: true, probeFirst: neighbours });
    if (!audit.passed) continue;
    status = trial;
    for (const [c, proof] of audit.proofs) proofs.set(c, proof);
    removed++;
  }
  let current = best;
  if (removed > 0) {
    // The pattern kept is audited once more in full: the report and the proof itself.
    const full = await auditPattern(model, status, auditOptions(options));
    if (full.passed) current = { status, audit: full, objective: objectiveOf(status) };
  }
  options.log?.(`secondary suppression (optimal): pruning published ${current === best ? 0 : removed} of ${order.length} secondary cells again, loss ${current.objective.toFixed(4)}`);
  return current;
}

/**
 * A cut as a row of the master problem: sum_j coef_j x_j >= rhs, conditional on x_target when the
 * target is a secondary cell. Cells suppressed for good (and the target itself, when the cut is
 * conditional on it) count in full: what is left to find among the candidates is rhs minus their
 * part. The row is rescaled to a right-hand side of 1 and each coefficient capped at 1 (a single
 * suppression that alone brings the protection needs no more: a valid strengthening for binary x).
 */
function cutRow(cut: Cut, fixed: ReadonlySet<number>, col: ReadonlyMap<number, number>): Row | null {
  const conditional = !fixed.has(cut.cell);
  let rhs = cut.rhs;
  for (const [cell, coef] of cut.coefficients) if (fixed.has(cell) || (conditional && cell === cut.cell)) rhs -= coef;
  if (rhs <= 1e-9) return null;
  const terms = new Map<number, number>();
  for (const [cell, coef] of cut.coefficients) {
    const i = col.get(cell);
    if (i === undefined || fixed.has(cell) || cell === cut.cell) continue;
    const c = Math.min(1, coef / rhs);
    if (c > 1e-9) terms.set(i, c);
  }
  if (conditional) {
    const t = col.get(cut.cell);
    if (t === undefined) return null;
    terms.set(t, -1);
  }
  const indices = [...terms.keys()].sort((a, b) => a - b);
  if (indices.length === 0) return null;
  return { lower: conditional ? 0 : 1, indices, values: indices.map((i) => terms.get(i)!) };
}

interface Ranked {
  cell: number;
  insufficient: number;
  aggregation: number;
  fixes: number;
  magnitude: number;
  key: string;
}

function better(a: Ranked, b: Ranked): boolean {
  if (a.insufficient !== b.insufficient) return a.insufficient < b.insufficient;
  if (a.aggregation !== b.aggregation) return a.aggregation < b.aggregation;
  if (a.fixes !== b.fixes) return a.fixes > b.fixes;
  if (a.magnitude !== b.magnitude) return a.magnitude < b.magnitude;
  return a.key < b.key;
}

export async function heuristicSuppression(
  model: ReleaseModel,
  pattern: Pattern,
  companions: readonly CompanionRequirement[],
  options: SecondaryOptions & {
    /** A pattern to complete rather than start from the primary cells (the optimal method's repair). */
    start?: readonly CellStatus[];
    /** `previous`: the previous releases' ranking; `loss`: least information lost first (the repair's). */
    ranking?: "previous" | "loss";
    label?: string;
    /**
     * Return the last incremental audit rather than audit the pattern once more in full
     * (`complete` false): for the optimal method's repairs, most of which are not kept.
     */
    deferFullAudit?: boolean;
  } = {},
): Promise<SecondaryResult & { cutsFound: Cut[]; complete: boolean }> {
  const started = performance.now();
  const p = options.protectionIntervalPercent ?? POLICY.statisticalConfidentiality.protectionIntervalPercent;
  const label = options.label ?? "heuristic";
  const status = [...(options.start ?? pattern.status)];
  const byLoss = options.ranking === "loss";
  const allowed = new Set(candidates(model, pattern.status, companions));
  const unknown = (c: number) => model.cells[c].hidden || status[c] !== "published";
  const members = (rid: number) => membersOf(model.relations[rid]);
  const unknownCount = (rid: number) => members(rid).filter(unknown).length;
  let added = 0;
  // An exposed zero (a companion flag that needs room) may be pinned only by empty cells: they are
  // candidates then, and only then.
  const best = (relations: Iterable<number>, concept: string | null, needed: number, allowEmpty = false): number | null => {
    let top: Ranked | null = null;
    const seen = new Set<number>();
    for (const rid of relations) {
      for (const cell of members(rid)) {
        if (seen.has(cell) || unknown(cell)) continue;
        if (model.cells[cell].empty ? !allowEmpty : !allowed.has(cell)) continue;
        seen.add(cell);
        const c = model.cells[cell];
        const magnitude = Math.abs(c.values[concept ?? c.valueConcept] ?? 0);
        const ranked: Ranked = {
          cell,
          insufficient: magnitude >= needed ? 0 : 1,
          // the repair ranks by the information lost (a total costs its share of the table's value)
          aggregation: byLoss ? c.weight : c.aggregation,
          fixes: model.relationsOf[cell].filter((r) => unknownCount(r) === 1).length,
          magnitude,
          key: c.key,
        };
        if (!top || better(ranked, top)) top = ranked;
      }
    }
    return top ? top.cell : null;
  };
  const suppress = (cell: number) => {
    status[cell] = "secondary";
    added++;
  };
  const singletons = (): void => {
    for (;;) {
      const open = model.relations.find((r) => unknownCount(r.id) === 1 && members(r.id).some((c) => !unknown(c) && allowed.has(c) && !model.cells[c].empty));
      if (!open) return;
      const lone = members(open.id).find(unknown)!;
      const cell = model.cells[lone];
      const needed = (p / 100) * Math.abs(cell.values[cell.valueConcept] ?? 0);
      const partner = best([open.id], cell.valueConcept, needed);
      if (partner === null) return;
      suppress(partner);
    }
  };
  for (const req of companions) if (!req.candidates.some((c) => status[c] !== "published")) suppress(req.candidates[0]);
  const startAdded = added;
  singletons();
  let lpSolves = 0;
  const maxRounds = options.maxRounds ?? model.cells.length;
  const proofs = new Map<number, readonly number[]>();
  const cutsFound: Cut[] = [];
  let lastSignature = "";
  let stuck = 0;
  for (let round = 1; ; round++) {
    const audit = await auditPattern(model, status, { ...auditOptions(options), proofs });
    lpSolves += audit.solves;
    cutsFound.push(...audit.cuts);
    for (const [cell, proof] of audit.proofs) proofs.set(cell, proof);
    options.log?.(`secondary suppression (${label}): round ${round}, ${status.filter((s) => s === "secondary").length} secondary cells, ${audit.exposed.length} figures exposed (${audit.solves} solves, ${audit.skipped} cells proven before)`);
    if (audit.passed) {
      const done = { status, rounds: round, cuts: added - (options.start ? startAdded : 0), cutsFound };
      if (options.deferFullAudit && audit.skipped > 0) return { ...done, audit, lpSolves, millis: performance.now() - started, complete: false };
      // The pattern that passes is audited once more in full: the report and the proof itself.
      const full = audit.skipped === 0 ? audit : await auditPattern(model, status, auditOptions(options));
      if (full !== audit) lpSolves += full.solves;
      if (!full.passed) throw new Error(`secondary suppression (heuristic): the full audit contradicts the incremental one on ${full.exposed[0].key} (${full.exposed[0].concept})`);
      return { ...done, audit: full, lpSolves, millis: performance.now() - started, complete: true };
    }
    if (round >= maxRounds) throw new UnprotectableDesignError(`secondary suppression (heuristic): the audit still fails after ${round} rounds; first exposed ${audit.exposed[0].key}`);
    // A figure that stays exposed, with the same interval, however many cells are added around it
    // is one suppression cannot protect: stop with its name rather than hide the whole table.
    const signature = audit.exposed.map((e) => `${e.cell}:${e.concept}:${e.lower}:${e.upper}`).join(";");
    stuck = signature === lastSignature ? stuck + 1 : 0;
    lastSignature = signature;
    if (stuck >= STUCK_ROUNDS) {
      const e = audit.exposed[0];
      throw new UnprotectableDesignError(`secondary suppression (heuristic): ${e.key} (${e.concept}) stays within ${p} % of its value after ${STUCK_ROUNDS} rounds of suppressions around it; the table's design leaves it recomputable`);
    }
    const before = added;
    const touched = new Set<number>();
    for (const e of audit.exposed) {
      const binding = audit.binding.get(`${e.cell}:${e.concept}`) ?? model.relationsOf[e.cell];
      if (binding.some((r) => touched.has(r))) continue;
      const needed = e.violated === "upper" ? e.target.highTarget - e.upper : e.violated === "lower" ? e.lower - e.target.lowTarget : Math.abs(e.value) * (p / 100);
      let frontier = new Set(binding);
      const visited = new Set(frontier);
      const zero = e.value === 0;
      let partner = best(frontier, e.concept, needed, zero);
      while (partner === null) {
        const next = new Set<number>();
        for (const rid of frontier) for (const cell of members(rid)) for (const r of model.relationsOf[cell]) if (!visited.has(r)) next.add(r);
        if (next.size === 0) break;
        for (const r of next) visited.add(r);
        frontier = next;
        partner = best(frontier, e.concept, needed, zero);
      }
      if (partner === null) continue;
      suppress(partner);
      for (const r of model.relationsOf[partner]) touched.add(r);
    }
    if (added === before) throw new UnprotectableDesignError(`secondary suppression (heuristic): ${audit.exposed[0].key} (${audit.exposed[0].concept}) is exposed and no published cell is left to suppress around it`);
    singletons();
  }
}
