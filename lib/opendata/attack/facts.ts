/**
 * What the files reveal besides additive relations: signs (declared, or inferred from the
 * published values), a row's existence in a nonEmpty table, a published status, ratios whose
 * numerator or denominator is hidden, units >= orders.
 */
import { POLICY, type PopulationKind, type StatisticalConfidentialityPolicy } from "../../policy";
import { childrenByDimension, figureOf, measureConcept, type CellVars } from "./figures";
import { IntruderSystem, type Variable } from "./system";
import type { PublishedTable } from "./types";

export interface FactOptions {
  policy?: Pick<StatisticalConfidentialityPolicy, "frequency">;
  /** Whom a scope's cells describe (for a published status); default: read from the scope's name. */
  populationOf?: (scope: string) => PopulationKind | undefined;
  /** Pairs of concepts counting the same lines, the first never below the second. */
  orderedConcepts?: [string, string][];
}

export const DEFAULT_ORDERED_CONCEPTS: [string, string][] = [["units", "orders"]];

/** Lower bounds the declarations make certain: a declared lowerBound holds for every figure of the concept. */
export function addDeclaredSigns(system: IntruderSystem): void {
  for (const v of system.variables) {
    const info = system.concepts.get(v.concept);
    if (info && info.lowerBound !== null) system.addFact({ v: v.id, lower: info.lowerBound, tier: 0, kind: "declared-sign" });
  }
}

/**
 * Signs beyond the declarations, as an intruder reads them off the published values: the codes
 * that explain every negative published value of a concept (a greedy cover: the code shared by
 * most negative rows first, e.g. the `unknown` category holding returns) are "negative-prone";
 * a figure that neither is nor contains such a code is taken as non-negative. A concept with a
 * negative figure at its grand total has no inferred sign. Tier 3: the first fact dropped if the
 * release contradicts it.
 */
export function addInferredSigns(system: IntruderSystem): void {
  const ancestors = ancestorsByField(system.tables);
  const byConcept = new Map<string, Variable[]>();
  for (const v of system.variables) {
    const info = system.concepts.get(v.concept);
    if (!system.isRoot(v.id) || !info || info.lowerBound !== null || v.concept.includes("(")) continue;
    const list = byConcept.get(v.concept) ?? [];
    list.push(v);
    byConcept.set(v.concept, list);
  }
  for (const [concept, vars] of [...byConcept].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const negatives = vars.filter((v) => v.published !== null && v.published < -v.halfUnit);
    if (negatives.some((v) => Object.keys(v.figure.dims).length === 0)) continue;
    // A figure at a total of the field (or at an ancestor of the code) contains the code.
    const contains = (dims: Record<string, string>, field: string, code: string): boolean => {
      const mine = dims[field];
      return mine === undefined || mine === code || (ancestors.get(field)?.get(code) ?? []).includes(mine);
    };
    const candidates = [...new Set(negatives.flatMap((v) => Object.entries(v.figure.dims).map(([f, c]) => `${f}\u0001${c}`)))].sort();
    const prone: [string, string][] = [];
    let uncovered = negatives.map((v) => v.figure.dims);
    while (uncovered.length > 0) {
      let best = "";
      let bestCount = 0;
      for (const candidate of candidates) {
        const [field, code] = candidate.split("\u0001");
        const n = uncovered.filter((dims) => contains(dims, field, code)).length;
        if (n > bestCount) {
          best = candidate;
          bestCount = n;
        }
      }
      const [field, code] = best.split("\u0001");
      prone.push([field, code]);
      uncovered = uncovered.filter((dims) => !contains(dims, field, code));
    }
    if (prone.length > 0) {
      system.warnings.push(`inferred sign of ${concept}: negative published values explained by ${prone.map(([f, c]) => `${f}=${c}`).join(", ")}; other figures taken as non-negative`);
    }
    for (const v of vars) {
      if (v.published !== null) continue;
      if (!prone.some(([field, code]) => contains(v.figure.dims, field, code))) system.addFact({ v: v.id, lower: 0, tier: 3, kind: "inferred-sign" });
    }
  }
}

function ancestorsByField(tables: PublishedTable[]): Map<string, Map<string, string[]>> {
  const result = new Map<string, Map<string, string[]>>();
  for (const t of tables) {
    for (const d of t.control.dimensions) {
      const map = result.get(d.field) ?? new Map<string, string[]>();
      for (const code of d.codes) {
        const chain: string[] = [];
        let p = d.parents?.[code];
        while (p !== undefined && !chain.includes(p)) {
          chain.push(p);
          p = d.parents?.[p];
        }
        if (chain.length > 0) map.set(code, [...new Set([...(map.get(code) ?? []), ...chain])]);
      }
      result.set(d.field, map);
    }
  }
  return result;
}

function populationOf(table: PublishedTable, options: FactOptions): PopulationKind | null {
  if (table.control.population) return table.control.population;
  const given = options.populationOf?.(table.scope);
  if (given) return given;
  if (/business/i.test(table.scope)) return "business";
  if (/person/i.test(table.scope)) return "person";
  return null;
}

/**
 * A row of a nonEmpty table has at least one contributor: every count is >= 1. A row whose
 * published status is `secondary` passed the primary rules: every count is at least the
 * frequency threshold of its population (the smaller threshold when the population is unknown).
 */
export function addRowFacts(system: IntruderSystem, cellVars: CellVars, options: FactOptions): void {
  const frequency = (options.policy ?? POLICY.statisticalConfidentiality).frequency.minContributors;
  system.tables.forEach((table, t) => {
    const counts = table.control.measures.filter((m) => m.integer && m.lowerBound !== null && m.lowerBound !== undefined && m.lowerBound >= 0);
    if (counts.length === 0) return;
    const population = populationOf(table, options);
    const threshold = population ? frequency[population] : Math.min(frequency.person, frequency.business);
    // Not every count counts contributors (units received can be 0 in a row that exists): the
    // intruder first checks each fact against the published rows and drops the measures that
    // contradict it.
    const published = (m: string): number[] => table.rows.filter((row) => row.values[m] !== null).map((row) => row.values[m] as number);
    const existence = counts.filter((m) => table.rowsMode === "nonEmpty" && published(m.field).every((x) => x >= 1));
    const status = counts.filter(
      (m) => table.hasStatus && table.rows.every((row) => row.status !== "published" || row.values[m.field] === null || (row.values[m.field] as number) >= threshold),
    );
    for (const m of counts) {
      if (table.rowsMode === "nonEmpty" && !existence.includes(m)) system.warnings.push(`${table.dataset}: ${m.field} is published 0 in a row that exists, so a row's existence says nothing about it`);
      if (table.hasStatus && !status.includes(m)) system.warnings.push(`${table.dataset}: ${m.field} is published below ${threshold} in a row that passed the rules, so a status says nothing about it`);
    }
    table.rows.forEach((row, r) => {
      for (const m of existence) system.addFact({ v: cellVars[t][r][m.field], lower: 1, tier: 0, kind: "row-existence" });
      if (row.status === "secondary") for (const m of status) system.addFact({ v: cellVars[t][r][m.field], lower: threshold, tier: 0, kind: "status" });
    });
  });
}

/**
 * A published ratio r = factor x num / den, rounded to its published decimals, with den > 0:
 * (r - h) den <= factor num <= (r + h) den, linear in the hidden numerator or denominator.
 * The numerator or denominator may be a field of the row or, by concept, the same figure in
 * another table. A ratio published at its cap only says num >= cap x den.
 */
export function addRatios(system: IntruderSystem, cellVars: CellVars): void {
  system.tables.forEach((table, t) => {
    for (const d of table.control.derived ?? []) {
      if (d.kind !== "ratio" || !d.numerator || !d.denominator || !(d.field in table.halfUnit)) continue;
      const factor = d.factor ?? 1;
      const h = table.halfUnit[d.field];
      table.rows.forEach((row, r) => {
        const ratioVar = system.find(cellVars[t][r][d.field]);
        const value = system.variables[ratioVar].published;
        if (value === null) return;
        const operand = (field: string): number | undefined => {
          if (field in cellVars[t][r]) return cellVars[t][r][field];
          return system.variableOf(table.release, figureOf(table, row.codes, measureConcept(table, field)));
        };
        const num = operand(d.numerator!);
        const den = operand(d.denominator!);
        if (num === undefined || den === undefined) return;
        const nv = system.variables[system.find(num)];
        const dv = system.variables[system.find(den)];
        if (nv.published !== null && dv.published !== null) return;
        const denInfo = system.concepts.get(dv.concept);
        if (!denInfo || denInfo.lowerBound === null || denInfo.lowerBound < 0) return;
        // Defined ratio: the denominator is not zero.
        system.addFact({ v: den, lower: denInfo.integer ? 1 : Number.MIN_VALUE, tier: 1, kind: "ratio" });
        const label = `${table.dataset}${table.release === "previous" ? " (previous release)" : ""}: ${d.field} published at ${table.control.dimensions.map((x, i) => `${x.field}=${row.codes[i]}`).join(", ")} = ${factor === 1 ? "" : `${factor} x `}${d.numerator} / ${d.denominator}`;
        const capped = d.cap !== undefined && value >= d.cap - h;
        const low = (capped ? d.cap! : value) - h;
        // factor num - (r - h) den >= 0
        system.addConstraint({ terms: [{ v: num, a: factor }, { v: den, a: -low }], lo: 0, hi: Infinity, kind: "ratio", tier: 1, label, absentTerms: 0 });
        if (!capped) system.addConstraint({ terms: [{ v: num, a: factor }, { v: den, a: -(value + h) }], lo: -Infinity, hi: 0, kind: "ratio", tier: 1, label, absentTerms: 0 });
      });
    }
  });
}

/**
 * units >= orders for the same figure (an order has at least one unit), unless a published pair
 * says otherwise (net units can fall below orders where returns are netted). Where units carry
 * no declared sign the fact is only as sure as the inferred sign (tier 3), else tier 2.
 */
export function addOrderedConcepts(system: IntruderSystem, pairs: [string, string][]): void {
  for (const [larger, smaller] of pairs) {
    const smallerByKey = new Map<string, Variable>();
    const largerVars: Variable[] = [];
    for (const v of system.variables) {
      if (v.concept === smaller) smallerByKey.set(IntruderSystem.figureKey(v.release, { ...v.figure, concept: "" }, v.dimsKey), v);
      if (v.concept === larger) largerVars.push(v);
    }
    const pairsFound: [Variable, Variable][] = [];
    for (const v of largerVars) {
      const s = smallerByKey.get(IntruderSystem.figureKey(v.release, { ...v.figure, concept: "" }, v.dimsKey));
      if (s) pairsFound.push([v, s]);
    }
    const contradicted = pairsFound.find(([l, s]) => l.published !== null && s.published !== null && l.published < s.published);
    if (contradicted) {
      system.warnings.push(`${larger} >= ${smaller} not used: ${contradicted[0].name} is published below ${contradicted[1].name}`);
      continue;
    }
    const declared = system.concepts.get(larger)?.lowerBound;
    for (const [l, s] of pairsFound) {
      if (l.published !== null && s.published !== null) continue;
      system.addConstraint({
        terms: [{ v: l.id, a: 1 }, { v: s.id, a: -1 }],
        lo: 0,
        hi: Infinity,
        kind: "units>=orders",
        tier: declared !== null && declared !== undefined && declared >= 0 ? 2 : 3,
        label: `${larger} >= ${smaller} for ${l.name}`,
        absentTerms: 0,
      });
    }
  }
}

/**
 * A total whose children are all known empty but one: the child is the whole group, for every
 * value, additive or not (medians, ratios). Known empty: absent from a nonEmpty table, or a
 * published row whose counts are all 0. Returns the totals found, per table and row.
 */
export function singleChildren(system: IntruderSystem, cellVars: CellVars): { table: number; row: number; dimension: number; child: number }[] {
  const found: { table: number; row: number; dimension: number; child: number }[] = [];
  system.tables.forEach((table, t) => {
    const counts = table.control.measures.filter((m) => m.integer && m.lowerBound !== null && m.lowerBound !== undefined && m.lowerBound >= 0);
    if (table.rowsMode === "grid" && counts.length === 0) return;
    const children = childrenByDimension(table);
    const index = new Map(table.rows.map((row, i) => [row.codes.join("\u0001"), i]));
    const nonAdditive = [
      ...table.control.measures.filter((m) => m.additive === false).map((m) => m.field),
      ...(table.control.derived ?? []).map((d) => d.field).filter((f) => f in table.halfUnit),
    ];
    table.rows.forEach((row, r) => {
      table.control.dimensions.forEach((d, i) => {
        const kids = children[i].get(row.codes[i]);
        if (!kids || kids.length < 2) return;
        const live: number[] = [];
        for (const code of kids) {
          const codes = row.codes.slice();
          codes[i] = code;
          const at = index.get(codes.join("\u0001"));
          if (at === undefined) {
            if (table.rowsMode === "nonEmpty") continue;
            live.push(-1);
            continue;
          }
          const child = table.rows[at];
          const empty = counts.length > 0 && counts.every((m) => child.values[m.field] === 0);
          if (!empty) live.push(at);
        }
        if (live.length !== 1 || live[0] < 0) return;
        found.push({ table: t, row: r, dimension: i, child: live[0] });
        for (const f of nonAdditive) system.merge(cellVars[t][r][f], cellVars[t][live[0]][f], `${table.dataset}: single child ${d.field}=${table.rows[live[0]].codes[i]}`);
      });
    });
  });
  return found;
}
