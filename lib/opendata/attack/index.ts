/**
 * The red team: an attacker that is not the auditor (issue 22, part 3).
 *
 * It reads only what is published, a release directory (datapackage.json with its
 * `disclosureControl` declarations, and the CSV files), and optionally the previous release
 * still online, and computes, for every confidential cell and every figure the release implies
 * without showing it, the interval an intruder can derive. It shares no code with
 * lib/opendata/confidentiality: its own reading of the files, its own model, its own LP.
 * `judgeFindings` then decides the release gate with the true values, which only the caller has.
 *
 * Knowledge model (what the intruder is assumed to know and use; release-format.md):
 * - the same figure in two tables is one unknown (same scope, concept, period and codes once
 *   totals are left out): a value hidden here and published there is known;
 * - every additive relation: each table's margins and hierarchies (any depth), periods summing
 *   to their whole period (and months, quarters or years tiling a period of another table),
 *   nested scopes (a cell of a scope is the sum of the same cell in its parts; a part no table
 *   shows is an unknown complement, e.g. business customers per area = identified customers
 *   minus persons, reported as a finding in its own right);
 * - published values as intervals: a rounded amount is known to half its last decimal;
 * - signs: a declared lowerBound is certain; beyond it, figures that neither are nor contain a
 *   code explaining the negative published values of their concept are taken as non-negative;
 * - integrality of integer measures (LP bounds rounded inward and fed back until stable);
 *   units >= orders for the same figure unless a published pair contradicts it;
 * - a row of a nonEmpty table has a contributor (counts >= 1); an absent row is empty (0), in
 *   its table's margins and as the part of a scope it would describe; a published `status`
 *   (older releases) of `secondary` means the frequency rule passed (counts >= 11 for persons,
 *   >= 3 for businesses; the smaller when the population is unknown). Each of these is first
 *   checked against the published rows: a count published 0 in an existing row (units received)
 *   does not count contributors and gets neither fact;
 * - a total whose children are all known empty but one: that child is the whole group (its
 *   medians and ratios equal the total's; a confidential total of that kind is an attribute
 *   finding, judged by the size of its group);
 * - a published ratio (declared `derived` of kind ratio) with its rounding: linear bounds on a
 *   hidden numerator or denominator, in the same row or, by concept, in another table;
 * - the previous release: a figure published in both with different values is a revision (the
 *   change, exactly); where both releases publish the same values for a scope, concept and
 *   period, each cell of that group is the same unknown in both.
 * Uncertain facts are tiered (ratios 1, units >= orders 2, inferred signs 3); if the release
 * contradicts them, the highest tier is dropped and a warning says so.
 *
 * What it does not cover (known limits, said in the report):
 * - integer programming: integrality only rounds LP bounds (a true MILP could do better on a
 *   few cells);
 * - medians and percentiles give no linear fact: they are used only as figures (the same median
 *   in two tables, a lone child's median equal to its total's), not to bound counts or sums;
 * - a hidden cell's derived values (ratios, medians of confidential rows) are not judged
 *   separately from the measures they are computed from;
 * - changes hidden in both releases are bounded only through the revisions of published
 *   figures (no LP over the differences themselves);
 * - external knowledge about a particular person or business (a respondent's own figure, a
 *   competitor's estimate) beyond the release and the previous one;
 * - the Parquet copies (same rows as the CSV by the release's own gate).
 */
import { POLICY, type PopulationKind } from "../../policy";
import { registerCells, registerConcepts } from "./figures";
import { addDeclaredSigns, addInferredSigns, addOrderedConcepts, addRatios, addRowFacts, DEFAULT_ORDERED_CONCEPTS, singleChildren, type FactOptions } from "./facts";
import { cellFindings, complementFindings } from "./findings";
import { lpIntervals, type LpIntervals } from "./lp";
import { propagate, type Propagation } from "./propagate";
import { readRelease } from "./readRelease";
import { addMargins, addPeriodTilings, addScopes } from "./relations";
import { compareReleases } from "./revisions";
import { IntruderSystem } from "./system";
import type { AttackFindings, AttributeFinding, DisclosureControl, RevisionFinding } from "./types";

export * from "./types";
export { judgeFindings } from "./judge";
export { attackMarkdown } from "./markdown";
export { ReleaseReadError } from "./readRelease";

export interface AttackOptions {
  releaseDir: string;
  previousReleaseDir?: string;
  /** Whom a scope's cells describe, when the release does not say (used with a published status). */
  populationOf?: (scope: string) => PopulationKind | undefined;
  /** Pairs of concepts counting the same lines, the first never below the second (default units >= orders). */
  orderedConcepts?: [string, string][];
  /**
   * Solve both LP sides of every hidden figure instead of taking a side proven by a solution
   * already seen: slower, the same intervals; a check of the shortcut.
   */
  everyLpSide?: boolean;
}

/** Tiers of uncertain facts, dropped from the highest when the release contradicts them. */
const TIERS = [3, 2, 1, 0];
const TIER_NAMES: Record<number, string> = { 3: "inferred signs", 2: "units >= orders", 1: "ratios" };

export async function attackRelease(options: AttackOptions): Promise<AttackFindings> {
  const started = performance.now();
  const current = readRelease(options.releaseDir, "current");
  const fallback = new Map<string, DisclosureControl>(current.tables.map((t) => [t.dataset, t.control]));
  const previous = options.previousReleaseDir ? readRelease(options.previousReleaseDir, "previous", fallback) : undefined;
  const tables = [...current.tables, ...(previous?.tables ?? [])];
  const system = new IntruderSystem(tables);
  system.warnings.push(...current.warnings, ...(previous?.warnings ?? []));
  registerConcepts(system, tables);
  const cellVars = registerCells(system);
  const cellsPublished = tables.reduce((n, t) => n + t.rows.length, 0);

  const lone = singleChildren(system, cellVars);
  const comparison = previous ? compareReleases(system) : { revisions: [], unifiedGroups: 0, changedGroups: 0 };
  addMargins(system, cellVars);
  addScopes(system, "current", current.scopes);
  addPeriodTilings(system, "current");
  if (previous) {
    addScopes(system, "previous", previous.scopes.length > 0 ? previous.scopes : current.scopes);
    addPeriodTilings(system, "previous");
  }
  const factOptions: FactOptions = { populationOf: options.populationOf };
  addDeclaredSigns(system);
  addInferredSigns(system);
  addRowFacts(system, cellVars, factOptions);
  addRatios(system, cellVars);
  addOrderedConcepts(system, options.orderedConcepts ?? DEFAULT_ORDERED_CONCEPTS);
  system.canonicalise();

  const targets = new Set<number>();
  system.tables.forEach((table, t) => {
    if (table.release !== "current") return;
    table.rows.forEach((row, r) => {
      for (const m of table.control.measures) if (row.values[m.field] === null) targets.add(system.find(cellVars[t][r][m.field]));
    });
  });
  for (const v of system.variables) if (v.release === "current" && v.complementOf && system.isRoot(v.id)) targets.add(v.id);

  let prop: Propagation | null = null;
  let lp: LpIntervals | null = null;
  let consistent = false;
  for (const tier of TIERS) {
    prop = propagate(system, tier);
    if (prop.infeasible) {
      if (tier > 0) system.warnings.push(`the release contradicts the intruder's ${TIER_NAMES[tier]} (${prop.infeasible}): attacked again without them`);
      else system.warnings.push(`the release contradicts its own declarations: ${prop.infeasible}`);
      continue;
    }
    lp = await lpIntervals(system, prop, targets, { everySide: options.everyLpSide });
    if (lp.infeasible) {
      if (tier > 0) system.warnings.push(`the release contradicts the intruder's ${TIER_NAMES[tier]} (${lp.infeasible}): attacked again without them`);
      else system.warnings.push(`the release contradicts its own declarations: ${lp.infeasible}`);
      lp = null;
      continue;
    }
    consistent = true;
    break;
  }

  const cells = cellFindings(system, cellVars, prop!, lp);
  const complements = complementFindings(system, prop!, lp);
  const revisions: RevisionFinding[] = comparison.revisions.map((rev) => {
    const cur = system.variables[rev.current];
    const by = cur.publishedBy!;
    const table = system.tables[by.table];
    const key: Record<string, string> = {};
    table.control.dimensions.forEach((d, i) => (key[d.field] = table.rows[by.row].codes[i]));
    return {
      kind: "revision",
      dataset: table.dataset,
      key,
      measure: by.field,
      concept: cur.concept,
      figure: cur.figure,
      lower: rev.difference - rev.halfWidth,
      upper: rev.difference + rev.halfWidth,
      attack: "revision",
      derivation: `published in both releases with different values: ${cur.name} minus ${system.variables[rev.previous].name}`,
      uses: ["previous-release"],
      exact: true,
    };
  });
  const attributes: AttributeFinding[] = lone
    .filter((s) => system.tables[s.table].release === "current" && system.tables[s.table].rows[s.row].confidential)
    .map((s) => {
      const table = system.tables[s.table];
      const key: Record<string, string> = {};
      table.control.dimensions.forEach((d, i) => (key[d.field] = table.rows[s.row].codes[i]));
      const field = table.control.dimensions[s.dimension].field;
      const childCode = table.rows[s.child].codes[s.dimension];
      return {
        kind: "attribute",
        attack: "single-child",
        dataset: table.dataset,
        key,
        dimension: field,
        childCode,
        derivation: `${table.dataset}: every other code under ${field}=${table.rows[s.row].codes[s.dimension]} is known empty (${table.rowsMode === "nonEmpty" ? "absent rows" : "published zero counts"}), so the whole group has ${field}=${childCode}`,
      };
    });

  const knowledge: Record<string, number> = {
    "tables read": tables.length,
    "cells read": cellsPublished,
    unknowns: [...targets].length,
    "complements implied": complements.length,
    "revisions seen": revisions.length,
    "groups unchanged across releases": comparison.unifiedGroups,
    "single children": lone.length,
  };
  for (const c of system.constraints) knowledge[`constraints: ${c.kind}`] = (knowledge[`constraints: ${c.kind}`] ?? 0) + 1;
  for (const f of system.facts) knowledge[`facts: ${f.kind}`] = (knowledge[`facts: ${f.kind}`] ?? 0) + 1;
  return {
    version: current.version,
    previousVersion: previous?.version,
    datasets: current.tables.map((t) => t.dataset),
    cells,
    complements,
    revisions,
    attributes,
    consistent,
    warnings: [...new Set(system.warnings)],
    knowledge,
    stats: {
      variables: system.variables.length,
      unknowns: targets.size,
      constraints: system.constraints.length,
      components: lp?.components ?? 0,
      lpSolves: lp?.solves ?? 0,
      millis: Math.round(performance.now() - started),
    },
  };
}
