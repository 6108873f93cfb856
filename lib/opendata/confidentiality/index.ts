/**
 * The statistical confidentiality engine of the Open Data release: primary suppression
 * (frequency, dominance), secondary suppression, and the LP audit that decides whether the
 * pattern is safe, looped until it is.
 *
 * What leaves this module for publication is `ProtectedTable.cells`: suppressed cells have every
 * measure null and the confidentiality flag. `audit` holds the true values of suppressed cells
 * and their feasible intervals: it is an internal report for the release file, never published.
 * `status` and `reason` state only rules and thresholds; a release that wants to hide which rule
 * fired (Eurostat publishes a bare "c") publishes `flag` alone.
 */
import { POLICY, PopulationKind } from "../../policy";
import { AuditReport, auditKey, auditLattice } from "./audit";
import { CellInput, PublishedCell, TableInput, isPrimary } from "./cells";
import { Pattern, primarySuppression } from "./primary";
import { Lattice, buildLattice } from "./relations";
import { completeSingletons, reinforceExposed } from "./secondary";

export * from "./cells";
export type { AuditReport, CellInterval } from "./audit";
export { EXACT_INTERVALS_MAX_CELLS } from "./audit";
export { frequencyRule } from "./frequency";
export { dominanceRule } from "./dominance";

export interface ProtectOptions {
  /** false = primary suppression only (to show what the audit catches); default true. */
  secondary?: boolean;
  /** What-if overrides; the release uses POLICY. */
  protectionIntervalPercent?: number;
  minContributors?: Readonly<Record<PopulationKind, number>>;
  dominance?: { n: number; kPercent: number };
  protectSecondaryCells?: boolean;
  /** Safety stop for the audit loop; default: the number of cells. */
  maxRounds?: number;
  /** Groups of more suppressed cells are proven rather than measured (audit.ts); for tests. */
  exactIntervalsMaxCells?: number;
}

export interface ProtectedTable {
  name: string;
  /** In the input order of the table's cells. */
  cells: PublishedCell[];
  primaryCount: number;
  secondaryCount: number;
}

export interface ProtectionResult {
  tables: ProtectedTable[];
  /** Internal: contains true values. `audit.passed` must be true to release. */
  audit: AuditReport;
  /** Audit rounds run (1 = the heuristic's first pattern passed). */
  rounds: number;
}

function publish(lattice: Lattice, tables: readonly TableInput[], pattern: Pattern): ProtectedTable[] {
  const flag = POLICY.statisticalConfidentiality.confidentialFlag;
  return tables.map((table, t) => {
    const ids = lattice.tableCells[t];
    const cells = table.cells.map((cell: CellInput, i): PublishedCell => {
      const id = ids[i];
      const status = pattern.status[id];
      const hidden = status !== "published";
      const measures: Record<string, number | null> = {};
      for (const m of table.measures) measures[m.name] = hidden ? null : cell.measures[m.name];
      return { dims: cell.dims, measures, status, reason: pattern.reasons[id], flag: hidden ? flag : null };
    });
    return {
      name: table.name,
      cells,
      primaryCount: cells.filter((c) => isPrimary(c.status)).length,
      secondaryCount: cells.filter((c) => c.status === "secondary").length,
    };
  });
}

export async function protectLinkedTables(tables: readonly TableInput[], options: ProtectOptions = {}): Promise<ProtectionResult> {
  const lattice = buildLattice(tables);
  const p = options.protectionIntervalPercent ?? POLICY.statisticalConfidentiality.protectionIntervalPercent;
  const auditOptions = { protectionIntervalPercent: p, protectSecondaryCells: options.protectSecondaryCells, exactIntervalsMaxCells: options.exactIntervalsMaxCells };
  const pattern = primarySuppression(lattice, options);
  const secondary = options.secondary ?? true;
  if (secondary) completeSingletons(lattice, pattern, p);
  let audit = await auditLattice(lattice, pattern.status, auditOptions);
  let rounds = 1;
  const maxRounds = options.maxRounds ?? lattice.cells.length;
  // Rounds only ever add suppressions, which can only widen an interval already proven: each
  // round re-solves the cells not yet proven safe, and the pattern that passes is then audited
  // once more in full (the intervals of the disclosure report, and the proof itself). Only a full
  // audit ends the loop. If it finds a cell exposed that a round had proven safe, that is a side
  // the solver could not solve this time (audit.ts counts it as exposed, never as safe): its proof
  // is dropped and the rounds go on suppressing around it.
  const provenSafe = new Set<string>();
  let incremental = false;
  while (secondary) {
    if (audit.passed) {
      if (!incremental) break;
      audit = await auditLattice(lattice, pattern.status, auditOptions);
      incremental = false;
      if (audit.passed) break;
    }
    if (rounds >= maxRounds) throw new Error(`tables ${tables.map((t) => t.name).join(", ")}: audit still fails after ${rounds} rounds; ${audit.exposed.length} cells exposed, first ${audit.exposed[0].key}`);
    for (const i of audit.intervals) {
      if (i.exposed) provenSafe.delete(auditKey(i.cell, i.measure));
      else provenSafe.add(auditKey(i.cell, i.measure));
    }
    const added = reinforceExposed(lattice, pattern, audit.exposed, p);
    if (added === 0) {
      throw new Error(`tables ${tables.map((t) => t.name).join(", ")}: ${audit.exposed[0].key} (${audit.exposed[0].measure}) is exposed and no published cell is left to suppress around it`);
    }
    completeSingletons(lattice, pattern, p);
    audit = await auditLattice(lattice, pattern.status, { ...auditOptions, provenSafe });
    incremental = true;
    rounds++;
  }
  return { tables: publish(lattice, tables, pattern), audit, rounds };
}

export async function protectTable(table: TableInput, options: ProtectOptions = {}): Promise<ProtectedTable & { audit: AuditReport; rounds: number }> {
  const result = await protectLinkedTables([table], options);
  return { ...result.tables[0], audit: result.audit, rounds: result.rounds };
}

/**
 * Audits a pattern chosen by hand (or by another tool): `suppressed(tableIndex, cellIndex)` marks
 * the cells to hide. A cell that a primary rule requires but the pattern leaves published fails
 * the audit too (listed in `publishedPrimary`).
 */
export async function auditPattern(
  tables: readonly TableInput[],
  suppressed: (tableIndex: number, cellIndex: number) => boolean,
  options: ProtectOptions = {},
): Promise<AuditReport & { publishedPrimary: string[] }> {
  const lattice = buildLattice(tables);
  const primary = primarySuppression(lattice, options);
  const marked = new Set<number>();
  tables.forEach((table, t) => table.cells.forEach((_, i) => suppressed(t, i) && marked.add(lattice.tableCells[t][i])));
  const status = primary.status.map((s, id) => (marked.has(id) ? (s === "published" ? "secondary" : s) : "published"));
  const publishedPrimary = lattice.cells.filter((c) => isPrimary(primary.status[c.id]) && !marked.has(c.id)).map((c) => c.key);
  const report = await auditLattice(lattice, status, {
    protectionIntervalPercent: options.protectionIntervalPercent,
    protectSecondaryCells: options.protectSecondaryCells,
    exactIntervalsMaxCells: options.exactIntervalsMaxCells,
  });
  return { ...report, passed: report.passed && publishedPrimary.length === 0, publishedPrimary };
}

/** For the release pipeline: refuses to go on with a table set whose audit did not pass. */
export function assertReleasable(result: { audit: AuditReport }, what: string): void {
  if (result.audit.passed) return;
  const first = result.audit.exposed[0];
  throw new Error(
    `${what}: confidentiality audit failed, ${result.audit.exposed.length} suppressed cell(s) can be narrowed within ` +
      `${result.audit.protectionIntervalPercent} %` + (first ? `, first ${first.key} (${first.measure})` : ""),
  );
}
