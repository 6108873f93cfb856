/**
 * The statistical confidentiality engine of the Open Data release: one model of the whole release
 * (model.ts, knowledge.ts), primary suppression (frequency, dominance, business units; the
 * companion rule for single-child totals), secondary suppression chosen to lose the least
 * information (secondary.ts), and the LP audit that decides whether the pattern is safe
 * (audit.ts).
 *
 * What leaves this module for publication is `ProtectedTable.cells`: suppressed cells have every
 * measure null and the confidentiality flag. `status` says internally which rule fired; the
 * release publishes `flag` alone. `audit` holds the true values of suppressed cells and their
 * feasible intervals: internal, never published.
 */
import { POLICY, PopulationKind } from "../../policy";
import { auditPattern, AuditReport } from "./audit";
import { CellStatus, isPrimary, PublishedCell, ScopeSpec, TableInput } from "./cells";
import { buildModel, ReleaseModel } from "./model";
import { companionRequirements, Pattern, primarySuppression } from "./primary";
import { heuristicSuppression, optimalSuppression, SecondaryResult } from "./secondary";
import { tableLoss, TableLoss } from "./loss";

export * from "./cells";
export type { AuditReport, FigureInterval, Cut } from "./audit";
export { EXACT_INTERVALS_MAX_FIGURES } from "./audit";
export type { ReleaseModel, ModelCell, Relation } from "./model";
export { buildCells, buildModel, completeGrid } from "./model";
export { frequencyRule } from "./frequency";
export { dominanceRule } from "./dominance";
export type { TableLoss } from "./loss";
export { tableLoss } from "./loss";

export type SecondaryMethod = "optimal" | "heuristic";

export interface ProtectOptions {
  /** false = primary suppression only (to show what the audit catches); default true. */
  secondary?: boolean;
  /** Default "optimal" (secondary.ts). */
  method?: SecondaryMethod;
  /** How scopes nest (cells.ts); default none. */
  scopes?: readonly ScopeSpec[];
  /** false leaves out the companion rule for single-child totals (to show what it prevents); default true. */
  companions?: boolean;
  /** What-if overrides; the release uses POLICY. */
  protectionIntervalPercent?: number;
  minContributors?: Readonly<Record<PopulationKind, number>>;
  dominance?: { n: number; kPercent: number };
  protectSecondaryCells?: boolean;
  maxRounds?: number;
  exactIntervalsMaxFigures?: number;
  log?: (message: string) => void;
}

export interface ProtectedTable {
  name: string;
  /** The table's cells in input order, then the empty cells its grid adds (model.ts). */
  cells: PublishedCell[];
  primaryCount: number;
  secondaryCount: number;
}

/** What a table loses to confidentiality (the release's information-loss table). */
export interface ProtectionResult {
  /** The published (non-hidden) tables, in input order. */
  tables: ProtectedTable[];
  /** The heuristic's pattern, the start of the optimal method (for the side-by-side comparison). */
  heuristic: { loss: TableLoss[]; rounds: number; lpSolves: number } | null;
  /** Optimal method: whether the master problem improved on the heuristic, and the bound it proved. */
  optimality: { improved: boolean; objective: number; lowerBound: number; heuristicObjective: number } | null;
  /** Internal: contains true values. `audit.passed` must be true to release. */
  audit: AuditReport;
  method: SecondaryMethod | "none";
  rounds: number;
  cuts: number;
  lpSolves: number;
  millis: number;
  loss: TableLoss[];
  model: ReleaseModel;
  status: readonly CellStatus[];
}

function publish(model: ReleaseModel, status: readonly CellStatus[]): ProtectedTable[] {
  const flag = POLICY.statisticalConfidentiality.confidentialFlag;
  const out: ProtectedTable[] = [];
  model.tables.forEach((table, t) => {
    if (table.hidden) return;
    const ids = model.tableCells[t];
    const cells = table.cells.map((cell, i): PublishedCell => {
      const s = status[ids[i]];
      const hidden = s !== "published";
      const measures: Record<string, number | null> = {};
      for (const m of table.measures) measures[m.name] = hidden ? null : cell.measures[m.name];
      return { dims: cell.dims, measures, status: s, flag: hidden ? flag : null };
    });
    out.push({
      name: table.name,
      cells,
      primaryCount: cells.filter((c) => isPrimary(c.status)).length,
      secondaryCount: cells.filter((c) => c.status === "secondary").length,
    });
  });
  return out;
}

export async function protectRelease(tables: readonly TableInput[], options: ProtectOptions = {}): Promise<ProtectionResult> {
  const model = buildModel(tables, options.scopes ?? []);
  const pattern: Pattern = primarySuppression(model, options);
  const companions = options.companions === false ? [] : companionRequirements(model, pattern.status);
  const auditOptions = {
    protectionIntervalPercent: options.protectionIntervalPercent,
    protectSecondaryCells: options.protectSecondaryCells,
    exactIntervalsMaxFigures: options.exactIntervalsMaxFigures,
  };
  let result: SecondaryResult;
  let method: ProtectionResult["method"];
  let heuristic: ProtectionResult["heuristic"] = null;
  let optimality: ProtectionResult["optimality"] = null;
  if (options.secondary === false) {
    const started = performance.now();
    const audit = await auditPattern(model, pattern.status, auditOptions);
    result = { status: [...pattern.status], audit, rounds: 1, cuts: 0, lpSolves: audit.solves, millis: performance.now() - started };
    method = "none";
  } else {
    method = options.method ?? "optimal";
    const greedy = await heuristicSuppression(model, pattern, companions, { ...auditOptions, maxRounds: options.maxRounds, log: options.log });
    result = greedy;
    if (method === "optimal") {
      heuristic = { loss: tableLoss(model, greedy.status), rounds: greedy.rounds, lpSolves: greedy.lpSolves };
      const best = await optimalSuppression(model, pattern, companions, { status: greedy.status, audit: greedy.audit, cuts: greedy.cutsFound }, { ...auditOptions, log: options.log });
      result = { ...best, rounds: greedy.rounds, lpSolves: greedy.lpSolves + best.lpSolves, millis: greedy.millis + best.millis };
      optimality = { improved: best.improved, objective: best.objective, lowerBound: best.lowerBound, heuristicObjective: best.startObjective };
    }
  }
  return {
    tables: publish(model, result.status),
    heuristic,
    optimality,
    audit: result.audit,
    method,
    rounds: result.rounds,
    cuts: result.cuts,
    lpSolves: result.lpSolves,
    millis: result.millis,
    loss: tableLoss(model, result.status),
    model,
    status: result.status,
  };
}

/**
 * The whole release from the patterns of its parts: groups of tables protected apart (the design
 * ladder protects each link group at each rung) are put back in one model, each table with the
 * statuses its group chose, and audited together, so that a relation between groups that the parts
 * did not see cannot go unnoticed. If that audit fails, the whole release is protected again in
 * one piece.
 */
export async function protectFromParts(tables: readonly TableInput[], parts: readonly ProtectionResult[], options: ProtectOptions = {}): Promise<ProtectionResult> {
  const started = performance.now();
  const model = buildModel(tables, options.scopes ?? []);
  const pattern = primarySuppression(model, options);
  const status = [...pattern.status];
  const byName = new Map<string, { part: ProtectionResult; index: number }>();
  for (const part of parts) part.model.tables.forEach((t, i) => byName.set(t.name, { part, index: i }));
  model.tables.forEach((table, t) => {
    const found = byName.get(table.name);
    if (!found) throw new Error(`protectFromParts: table ${table.name} is in no part`);
    const ids = found.part.model.tableCells[found.index];
    model.tableCells[t].forEach((id, i) => {
      if (found.part.status[ids[i]] === "secondary" && status[id] === "published") status[id] = "secondary";
    });
  });
  const auditOptions = { protectionIntervalPercent: options.protectionIntervalPercent, protectSecondaryCells: options.protectSecondaryCells, exactIntervalsMaxFigures: options.exactIntervalsMaxFigures };
  const audit = await auditPattern(model, status, auditOptions);
  if (!audit.passed) {
    options.log?.(`the parts' patterns leave ${audit.exposed.length} figures exposed once the tables are put together: protecting the whole release in one piece`);
    return protectRelease(tables, options);
  }
  const sum = (f: (p: ProtectionResult) => number) => parts.reduce((n, p) => n + f(p), 0);
  const heuristicLoss = parts.flatMap((p) => p.heuristic?.loss ?? []);
  const order = new Map(model.tables.map((t, i) => [t.name, i]));
  heuristicLoss.sort((a, b) => order.get(a.table)! - order.get(b.table)!);
  const optimal = parts.every((p) => p.optimality !== null);
  return {
    tables: publish(model, status),
    heuristic: parts.every((p) => p.heuristic !== null) ? { loss: heuristicLoss, rounds: sum((p) => p.heuristic!.rounds), lpSolves: sum((p) => p.heuristic!.lpSolves) } : null,
    optimality: optimal
      ? {
          improved: parts.some((p) => p.optimality!.improved),
          objective: sum((p) => p.optimality!.objective),
          lowerBound: sum((p) => p.optimality!.lowerBound),
          heuristicObjective: sum((p) => p.optimality!.heuristicObjective),
        }
      : null,
    audit,
    method: parts.every((p) => p.method === parts[0].method) ? parts[0].method : "optimal",
    rounds: sum((p) => p.rounds),
    cuts: sum((p) => p.cuts),
    lpSolves: sum((p) => p.lpSolves) + audit.solves,
    millis: sum((p) => p.millis) + (performance.now() - started),
    loss: tableLoss(model, status),
    model,
    status,
  };
}

/** One table alone (tests, and the design ladder's measurements). */
export async function protectTable(table: TableInput, options: ProtectOptions = {}): Promise<ProtectedTable & { audit: AuditReport; rounds: number; loss: TableLoss }> {
  const result = await protectRelease([table], options);
  return { ...result.tables[0], audit: result.audit, rounds: result.rounds, loss: result.loss[0] };
}

/**
 * Audits a pattern chosen by hand (or by another tool): `suppressed(tableIndex, cellIndex)` marks
 * the cells to hide (cell indices of the grid-completed tables, input cells first). A cell that a
 * primary rule requires but the pattern leaves published fails the audit too (`publishedPrimary`).
 */
export async function auditRelease(
  tables: readonly TableInput[],
  suppressed: (tableIndex: number, cellIndex: number) => boolean,
  options: ProtectOptions = {},
): Promise<AuditReport & { publishedPrimary: string[]; model: ReleaseModel }> {
  const model = buildModel(tables, options.scopes ?? []);
  const primary = primarySuppression(model, options);
  const marked = new Set<number>();
  model.tables.forEach((table, t) => table.cells.forEach((_, i) => suppressed(t, i) && marked.add(model.tableCells[t][i])));
  const status = primary.status.map((s, id): CellStatus => (marked.has(id) ? (s === "published" ? "secondary" : s) : "published"));
  const publishedPrimary = model.cells.filter((c) => !c.hidden && isPrimary(primary.status[c.id]) && !marked.has(c.id)).map((c) => c.key);
  for (const c of model.cells) if (c.hidden) status[c.id] = primary.status[c.id];
  const report = await auditPattern(model, status, {
    protectionIntervalPercent: options.protectionIntervalPercent,
    protectSecondaryCells: options.protectSecondaryCells,
    exactIntervalsMaxFigures: options.exactIntervalsMaxFigures,
  });
  return { ...report, passed: report.passed && publishedPrimary.length === 0, publishedPrimary, model };
}

/** For the release pipeline: refuses to go on with a release whose audit did not pass. */
export function assertReleasable(result: { audit: AuditReport }, what: string): void {
  if (result.audit.passed) return;
  const first = result.audit.exposed[0];
  throw new Error(
    `${what}: confidentiality audit failed, ${result.audit.exposed.length} confidential figure(s) can be narrowed within ` +
      `${result.audit.protectionIntervalPercent} %` + (first ? `, first ${first.key} (${first.concept})` : ""),
  );
}
