/**
 * The intruder's notebook: one unknown per figure (the same figure in two tables is one
 * unknown), the published values as known intervals (a rounded amount is known to half its
 * last decimal), and every linear fact written down as a constraint lo <= sum(a x) <= hi with
 * the kind of knowledge it comes from and a tier (how sure the intruder is of it: declared
 * facts 0, ratios 1, units >= orders 2, signs inferred from the published values 3). When the
 * facts contradict each other the solver drops the highest tier and says so.
 */
import type { FigureIdentity, PublishedTable } from "./types";
import { rangeKey } from "./periods";

/** Kinds of knowledge, as bits, so that a derivation can say which ones took part. */
export const KNOWLEDGE = [
  "published",
  "same-figure",
  "margin",
  "period",
  "scope",
  "declared-sign",
  "inferred-sign",
  "integrality",
  "row-existence",
  "status",
  "ratio",
  "units>=orders",
  "previous-release",
  "single-child",
] as const;
export type KnowledgeKind = (typeof KNOWLEDGE)[number];
export function bit(kind: KnowledgeKind): number {
  return 1 << KNOWLEDGE.indexOf(kind);
}
export function kindsOf(mask: number): KnowledgeKind[] {
  return KNOWLEDGE.filter((_, i) => (mask & (1 << i)) !== 0);
}

export type ConstraintKind = "margin" | "period" | "scope" | "ratio" | "units>=orders";

export interface Constraint {
  terms: { v: number; a: number }[];
  lo: number;
  hi: number;
  kind: ConstraintKind;
  tier: number;
  label: string;
  /** Children of a margin known empty (absent rows of a nonEmpty table). */
  absentTerms: number;
  /** Written from the previous release's tables. */
  fromPrevious?: boolean;
}

export interface BoundFact {
  v: number;
  lower?: number;
  upper?: number;
  tier: number;
  kind: KnowledgeKind;
}

export interface CellRef {
  table: number;
  row: number;
  field: string;
}

export interface Variable {
  id: number;
  release: "current" | "previous";
  figure: FigureIdentity;
  /** The figure's codes as one sortable string (for grouping figures by their codes). */
  dimsKey: string;
  concept: string;
  integer: boolean;
  additive: boolean;
  /** A count (integer, never negative): what row existence and the frequency rule bound. */
  count: boolean;
  /** Published value (the first table that publishes it) and half its last decimal. */
  published: number | null;
  halfUnit: number;
  publishedBy: CellRef | null;
  /** Every table cell that is this figure. */
  cells: CellRef[];
  /** A figure no table shows, implied by a scope relation. */
  complementOf?: string;
  name: string;
}

export interface ConceptInfo {
  integer: boolean;
  additive: boolean;
  lowerBound: number | null;
}

export class IntruderSystem {
  readonly variables: Variable[] = [];
  readonly constraints: Constraint[] = [];
  readonly facts: BoundFact[] = [];
  readonly warnings: string[] = [];
  readonly concepts = new Map<string, ConceptInfo>();
  private readonly byKey = new Map<string, number>();
  private readonly parent: number[] = [];
  private readonly signatures = new Set<string>();

  constructor(readonly tables: PublishedTable[]) {}

  static figureKey(release: string, figure: FigureIdentity, dims = dimsKey(figure.dims)): string {
    return [release, figure.scope, figure.concept, rangeKey(figure.period), dims].join("\u0001");
  }

  variableOf(release: string, figure: FigureIdentity): number | undefined {
    const id = this.byKey.get(IntruderSystem.figureKey(release, figure));
    return id === undefined ? undefined : this.find(id);
  }

  /** The unknown of a figure, created on first sight. */
  variable(release: "current" | "previous", figure: FigureIdentity, name: string): number {
    const dims = dimsKey(figure.dims);
    const key = IntruderSystem.figureKey(release, figure, dims);
    const known = this.byKey.get(key);
    if (known !== undefined) return this.find(known);
    const info = this.concepts.get(figure.concept) ?? { integer: false, additive: false, lowerBound: null };
    const id = this.variables.length;
    this.variables.push({
      id,
      release,
      figure,
      dimsKey: dims,
      concept: figure.concept,
      integer: info.integer,
      additive: info.additive,
      count: info.integer && info.lowerBound !== null && info.lowerBound >= 0,
      published: null,
      halfUnit: 0,
      publishedBy: null,
      cells: [],
      name,
    });
    this.parent.push(id);
    this.byKey.set(key, id);
    return id;
  }

  find(v: number): number {
    let root = v;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[v] !== root) {
      const next = this.parent[v];
      this.parent[v] = root;
      v = next;
    }
    return root;
  }

  /**
   * Two unknowns are the same number (same figure across releases, a lone child and its total).
   * Returns false, and keeps them apart, when both are published with different values.
   */
  merge(a: number, b: number, why: string): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const va = this.variables[ra];
    const vb = this.variables[rb];
    if (va.published !== null && vb.published !== null && !sameValue(va.published, va.halfUnit, vb.published, vb.halfUnit)) {
      this.warnings.push(`${why}: ${va.name} and ${vb.name} are published with different values; kept apart`);
      return false;
    }
    const [keep, drop] = ra < rb ? [va, vb] : [vb, va];
    this.parent[drop.id] = keep.id;
    keep.cells.push(...drop.cells);
    if (keep.published === null && drop.published !== null) {
      keep.published = drop.published;
      keep.halfUnit = drop.halfUnit;
      keep.publishedBy = drop.publishedBy;
    }
    return true;
  }

  addConstraint(c: Constraint): void {
    const merged = new Map<number, number>();
    for (const t of c.terms) {
      const r = this.find(t.v);
      merged.set(r, (merged.get(r) ?? 0) + t.a);
    }
    const terms = [...merged].filter(([, a]) => Math.abs(a) > 1e-12).map(([v, a]) => ({ v, a }));
    if (terms.length === 0) return;
    terms.sort((x, y) => x.v - y.v);
    const signature = `${c.lo}|${c.hi}|${c.tier}|${terms.map((t) => `${t.v}:${t.a}`).join(",")}`;
    if (this.signatures.has(signature)) return;
    this.signatures.add(signature);
    this.constraints.push({ ...c, terms });
  }

  addFact(fact: BoundFact): void {
    this.facts.push({ ...fact, v: this.find(fact.v) });
  }

  /** Root ids in constraints and facts after every merge (merges may follow constraints). */
  canonicalise(): void {
    for (const c of this.constraints) {
      const merged = new Map<number, number>();
      for (const t of c.terms) merged.set(this.find(t.v), (merged.get(this.find(t.v)) ?? 0) + t.a);
      c.terms = [...merged].filter(([, a]) => Math.abs(a) > 1e-12).map(([v, a]) => ({ v, a }));
    }
    for (const f of this.facts) f.v = this.find(f.v);
  }

  isRoot(v: number): boolean {
    return this.find(v) === v;
  }
}

export function dimsKey(dims: Record<string, string>): string {
  return Object.keys(dims)
    .sort()
    .map((k) => `${k}=${dims[k]}`)
    .join("\u0002");
}

export function sameValue(a: number, ha: number, b: number, hb: number): boolean {
  return Math.abs(a - b) <= ha + hb + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
