/**
 * Secondary (complementary) suppression: hiding a primary cell is useless if it can be recomputed
 * as "total minus the published cells" (tau-ARGUS, sdcTable, GaussSuppression). A deterministic
 * heuristic, whose result is accepted only when the LP audit (audit.ts) passes:
 *
 * 1. Singletons. While some additivity relation (of any linked table) contains exactly one
 *    suppressed cell, that cell equals a published difference: suppress one more published cell
 *    of that relation. Relations are taken in id order (lowest first); the partner is chosen by,
 *    in order:
 *      a. capacity: |value| >= the protection the suppressed cell needs (10 % of its |value|):
 *         a partner smaller than that can only absorb part of the required uncertainty;
 *      b. not a total: hiding a margin costs more to users than hiding an interior cell (fewer
 *         aggregate dimensions first);
 *      c. the most relations it also fixes (other relations with exactly one suppressed cell):
 *         in a 2-D table this closes the rectangle of 4 instead of starting new chains;
 *      d. the smallest |value| of the table's value measure (least information lost);
 *      e. the cell key, so ties never depend on input order.
 *    Repeat until no relation has exactly one suppressed cell.
 * Reasons name the cell protected and the rule, never a number: the audit's interval under an
 * earlier pattern was computed from values that are now suppressed.
 *
 * 2. Audit loop (index.ts). For each cell the audit finds exposed, suppress one more published
 *    cell among the relations that bind it (non-zero dual in its failing min/max LP; if those
 *    hold no published cell, the relations one step further), ranked as above against the
 *    missing width; then redo step 1 and re-audit. Each round suppresses at least one more cell,
 *    so the loop ends: at worst with every cell of the bound relations suppressed, which an
 *    audit cannot narrow below the a-priori bounds.
 */
import { POLICY } from "../../policy";
import { CellStatus } from "./cells";
import type { CellInterval } from "./audit";
import { Pattern } from "./primary";
import { Lattice } from "./relations";

interface Candidate {
  cell: number;
  insufficient: number;
  aggregation: number;
  fixes: number;
  magnitude: number;
  key: string;
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.insufficient !== b.insufficient) return a.insufficient < b.insufficient;
  if (a.aggregation !== b.aggregation) return a.aggregation < b.aggregation;
  if (a.fixes !== b.fixes) return a.fixes > b.fixes;
  if (a.magnitude !== b.magnitude) return a.magnitude < b.magnitude;
  return a.key < b.key;
}

function members(lattice: Lattice, relation: number): number[] {
  const r = lattice.relations[relation];
  return [r.parent, ...r.children];
}

function suppressedCounts(lattice: Lattice, status: readonly CellStatus[]): number[] {
  return lattice.relations.map((r) => members(lattice, r.id).filter((c) => status[c] !== "published").length);
}

function bestCandidate(
  lattice: Lattice,
  status: readonly CellStatus[],
  relations: Iterable<number>,
  measure: string,
  needed: number,
  counts: readonly number[] | null,
): number | null {
  let best: Candidate | null = null;
  const seen = new Set<number>();
  for (const rid of relations) {
    for (const cell of members(lattice, rid)) {
      if (status[cell] !== "published" || seen.has(cell)) continue;
      seen.add(cell);
      const c = lattice.cells[cell];
      const magnitude = Math.abs(c.measures[measure]);
      const candidate: Candidate = {
        cell,
        insufficient: magnitude >= needed ? 0 : 1,
        aggregation: c.aggregation,
        fixes: counts ? lattice.relationsOf[cell].filter((r) => counts[r] === 1).length : 0,
        magnitude,
        key: c.key,
      };
      if (!best || better(candidate, best)) best = candidate;
    }
  }
  return best ? best.cell : null;
}

function suppress(lattice: Lattice, pattern: Pattern, cell: number, reason: string, counts: number[]): number[] {
  pattern.status[cell] = "secondary";
  pattern.reasons[cell] = reason;
  const changed: number[] = [];
  for (const r of lattice.relationsOf[cell]) {
    counts[r]++;
    changed.push(r);
  }
  return changed;
}

function relationLabel(lattice: Lattice, relation: number): string {
  const r = lattice.relations[relation];
  return `total ${lattice.cells[r.parent].key} over ${r.dimension} (table "${r.table}")`;
}

/** Step 1: closes every relation that has exactly one suppressed cell. Returns cells added. */
export function completeSingletons(lattice: Lattice, pattern: Pattern, protectionIntervalPercent = POLICY.statisticalConfidentiality.protectionIntervalPercent): number {
  const measure = lattice.measures[0].name;
  const counts = suppressedCounts(lattice, pattern.status);
  const open = new Set<number>();
  const consider = (r: number): void => {
    if (counts[r] === 1 && members(lattice, r).some((c) => pattern.status[c] === "published")) open.add(r);
    else open.delete(r);
  };
  lattice.relations.forEach((r) => consider(r.id));
  let added = 0;
  while (open.size > 0) {
    const rid = Math.min(...open);
    open.delete(rid);
    if (counts[rid] !== 1) continue;
    const lone = members(lattice, rid).find((c) => pattern.status[c] !== "published")!;
    const needed = (protectionIntervalPercent / 100) * Math.abs(lattice.cells[lone].measures[measure]);
    const partner = bestCandidate(lattice, pattern.status, [rid], measure, needed, counts);
    if (partner === null) continue;
    const changed = suppress(
      lattice,
      pattern,
      partner,
      `secondary suppression: otherwise ${lattice.cells[lone].key} = ${relationLabel(lattice, rid)} minus published cells`,
      counts,
    );
    added++;
    for (const r of changed) consider(r);
  }
  return added;
}

/** Step 2: one more suppression next to each exposed cell. Returns cells added. */
export function reinforceExposed(lattice: Lattice, pattern: Pattern, exposed: readonly CellInterval[], protectionIntervalPercent = POLICY.statisticalConfidentiality.protectionIntervalPercent): number {
  const counts = suppressedCounts(lattice, pattern.status);
  const addedThisRound = new Set<number>();
  for (const interval of exposed) {
    const binding = new Set(interval.bindingRelations);
    if ([...addedThisRound].some((cell) => lattice.relationsOf[cell].some((r) => binding.has(r)))) continue;
    const v = interval.value;
    const p = (protectionIntervalPercent / 100) * Math.abs(v);
    const needed =
      interval.violated === "upper" ? v + p - interval.upper : interval.violated === "lower" ? interval.lower - (v - p) : interval.violated === "both" ? Math.max(v + p - interval.upper, interval.lower - (v - p)) : 0;
    // Widen from the binding relations to their neighbours until a published cell is found.
    let frontier = binding;
    const visited = new Set<number>(frontier);
    let partner = bestCandidate(lattice, pattern.status, frontier, interval.measure, needed, counts);
    while (partner === null) {
      const next = new Set<number>();
      for (const rid of frontier) for (const cell of members(lattice, rid)) for (const r of lattice.relationsOf[cell]) if (!visited.has(r)) next.add(r);
      if (next.size === 0) break;
      for (const r of next) visited.add(r);
      frontier = next;
      partner = bestCandidate(lattice, pattern.status, frontier, interval.measure, needed, counts);
    }
    if (partner === null) continue;
    suppress(
      lattice,
      pattern,
      partner,
      `secondary suppression: otherwise ${interval.key} (${interval.measure}) could be narrowed to within its ${protectionIntervalPercent} % protection interval`,
      counts,
    );
    addedThisRound.add(partner);
  }
  return addedThisRound.size;
}
