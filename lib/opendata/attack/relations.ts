/**
 * The additive relations an intruder writes down: the margins and hierarchies of each table
 * (periods summing to their whole period included), nested scopes (a cell of a scope is the sum
 * of the same cell in its parts, a part no table shows being an unknown complement), and periods
 * of one grain tiling a longer one across tables. Only measures declared additive take part.
 */
import { cellName, childrenByDimension, figureOf, measureConcept, rowIndex, type CellVars } from "./figures";
import { periodRange, rangeKey, tilings } from "./periods";
import { IntruderSystem } from "./system";
import type { FigureIdentity, PeriodRange, PublishedTable, ScopeDeclaration } from "./types";

function describeCodes(fields: string[], codes: readonly string[], skip: number): string {
  const parts = codes.map((c, i) => (i === skip ? null : `${fields[i]}=${c}`)).filter((x): x is string => x !== null);
  return parts.length > 0 ? parts.join(", ") : "the whole table";
}

export function addMargins(system: IntruderSystem, cellVars: CellVars): void {
  system.tables.forEach((table, t) => {
    const children = childrenByDimension(table);
    const index = rowIndex(table);
    const fields = table.control.dimensions.map((d) => d.field);
    const additive = table.control.measures.filter((m) => m.additive !== false);
    let missing = 0;
    table.rows.forEach((row, r) => {
      table.control.dimensions.forEach((d, i) => {
        const kids = children[i].get(row.codes[i]);
        if (!kids || kids.length === 0) return;
        const childRows: (number | null)[] = kids.map((code) => {
          const codes = row.codes.slice();
          codes[i] = code;
          const at = index.get(codes.join("\u0001"));
          return at === undefined ? null : at;
        });
        const absent = childRows.filter((x) => x === null).length;
        if (absent > 0 && table.rowsMode === "grid") missing += absent;
        const label = `${table.dataset}${table.release === "previous" ? " (previous release)" : ""}: ${d.field} ${row.codes[i]} = sum of the ${kids.length} codes under it, at ${describeCodes(fields, row.codes, i)}`;
        for (const m of additive) {
          const terms = [{ v: cellVars[t][r][m.field], a: 1 }];
          childRows.forEach((c, k) => {
            if (c !== null) {
              terms.push({ v: cellVars[t][c][m.field], a: -1 });
            } else if (table.rowsMode === "grid") {
              // A grid table promises every combination; a missing one is an unknown, not a zero.
              const codes = row.codes.slice();
              codes[i] = kids[k];
              const figure = figureOf(table, codes, measureConcept(table, m.field));
              terms.push({ v: system.variable(table.release, figure, `${cellName(table, codes, m.field)} (row missing)`), a: -1 });
            }
          });
          system.addConstraint({
            terms,
            lo: 0,
            hi: 0,
            kind: i === table.periodDimension ? "period" : "margin",
            tier: 0,
            label,
            absentTerms: table.rowsMode === "nonEmpty" ? absent : 0,
            fromPrevious: table.release === "previous",
          });
        }
      });
    });
    if (missing > 0) system.warnings.push(`${table.release} release ${table.dataset}: rows are declared "grid" but ${missing} combination(s) are missing; read as unknowns`);
  });
}


function describeFigure(figure: FigureIdentity): string {
  const dims = Object.keys(figure.dims)
    .sort()
    .map((k) => `${k}=${figure.dims[k]}`);
  return `${figure.concept} over ${figure.period.start}..${figure.period.end}${dims.length > 0 ? ` at ${dims.join(", ")}` : " (all)"}`;
}

export function complementName(figure: FigureIdentity): string {
  return `complement ${figure.scope}: ${describeFigure(figure)}`;
}

/**
 * The nonEmpty table of the figure's scope that would hold it as a row, if any: its absence
 * there says the figure is empty (0). The table must carry the concept, every code of the
 * figure, the figure's period, and a total on each of its other dimensions.
 */
const rowKeys = new WeakMap<PublishedTable, Set<string>>();

function absentFrom(system: IntruderSystem, release: "current" | "previous", figure: FigureIdentity): string | null {
  for (const table of system.tables) {
    if (table.release !== release || table.scope !== figure.scope || table.rowsMode !== "nonEmpty") continue;
    if (!table.control.measures.some((m) => (m.concept ?? m.field) === figure.concept && m.additive !== false)) continue;
    const fields = table.control.dimensions.map((d) => d.field);
    if (Object.keys(figure.dims).some((f) => !fields.includes(f))) continue;
    const codes = table.control.dimensions.map((d, i) => {
      if (i === table.periodDimension && !(d.field in figure.dims)) {
        if (rangeKey(figure.period) === rangeKey(table.period)) return d.total ?? null;
        return d.codes.find((c) => periodRange(c) !== null && rangeKey(periodRange(c)!) === rangeKey(figure.period)) ?? null;
      }
      const code = figure.dims[d.field];
      if (code === undefined) return d.total ?? null;
      return d.codes.includes(code) ? code : null;
    });
    if (codes.some((c) => c === null)) continue;
    if (table.periodDimension < 0 && rangeKey(figure.period) !== rangeKey(table.period)) continue;
    let keys = rowKeys.get(table);
    if (!keys) {
      keys = new Set(table.rows.map((row) => row.codes.join("\u0001")));
      rowKeys.set(table, keys);
    }
    if (!keys.has(codes.join("\u0001"))) return table.dataset;
  }
  return null;
}

/**
 * For each figure, the scope tree restricted to what matters: a relation S = parts is written
 * when S is published (or lies between a published ancestor and a published descendant) and
 * something is published under one of its parts. Parts that no table shows become complements.
 */
export function addScopes(system: IntruderSystem, release: "current" | "previous", scopes: ScopeDeclaration[]): void {
  if (scopes.length === 0) return;
  const parentOf = new Map<string, string>();
  for (const s of scopes) for (const p of s.parts) parentOf.set(p, s.id);
  const groups = new Map<string, { figure: FigureIdentity; byScope: Map<string, number> }>();
  for (const v of system.variables) {
    if (v.release !== release || v.complementOf || !v.additive) continue;
    const key = [v.concept, rangeKey(v.figure.period), v.dimsKey].join("\u0001");
    const group = groups.get(key) ?? { figure: v.figure, byScope: new Map<string, number>() };
    group.byScope.set(v.figure.scope, v.id);
    groups.set(key, group);
  }
  const partsOf = new Map(scopes.map((s) => [s.id, s.parts]));
  for (const key of [...groups.keys()].sort()) {
    const { figure, byScope } = groups.get(key)!;
    // Published somewhere, or known empty by its absence from a nonEmpty table of its scope.
    const emptyIn = new Map<string, string | null>();
    const absent = (s: string): string | null => {
      if (!emptyIn.has(s)) emptyIn.set(s, absentFrom(system, release, { ...figure, scope: s }));
      return emptyIn.get(s)!;
    };
    const exists = (s: string): boolean => byScope.has(s) || absent(s) !== null;
    const below = (s: string): boolean => exists(s) || (partsOf.get(s) ?? []).some(below);
    const above = (s: string | undefined): boolean => s !== undefined && (exists(s) || above(parentOf.get(s)));
    const needed = (s: string): boolean => exists(s) || (above(parentOf.get(s)) && below(s));
    for (const decl of scopes) {
      if (!needed(decl.id) || !decl.parts.some(below)) continue;
      const relation = `${decl.id} = ${decl.parts.join(" + ")}`;
      const at = (scope: string): number => {
        const known = byScope.get(scope);
        if (known !== undefined) return known;
        const f: FigureIdentity = { ...figure, scope };
        const empty = absent(scope);
        const v = system.variable(release, f, complementName(f) + (empty ? ` (no row in ${empty}: empty)` : "") + (release === "previous" ? " (previous release)" : ""));
        const variable = system.variables[v];
        if (empty) {
          // A nonEmpty table of that scope would have the row if anyone were in it.
          variable.published = 0;
          variable.halfUnit = 0;
        } else variable.complementOf = relation;
        byScope.set(scope, v);
        return v;
      };
      system.addConstraint({
        terms: [{ v: at(decl.id), a: 1 }, ...decl.parts.map((p) => ({ v: at(p), a: -1 }))],
        lo: 0,
        hi: 0,
        kind: "scope",
        tier: 0,
        label: `scope ${relation}, for ${describeFigure(figure)}${release === "previous" ? " (previous release)" : ""}`,
        absentTerms: 0,
        fromPrevious: release === "previous",
      });
    }
  }
}

/** Months (or quarters, years) of one figure that tile a longer period of the same figure. */
export function addPeriodTilings(system: IntruderSystem, release: "current" | "previous"): void {
  const groups = new Map<string, Map<string, { range: PeriodRange; v: number }>>();
  for (const v of system.variables) {
    if (v.release !== release || !v.additive) continue;
    if (!periodRange(v.figure.period.start) || !periodRange(v.figure.period.end)) continue;
    const key = [v.figure.scope, v.concept, v.dimsKey].join("\u0001");
    const byRange = groups.get(key) ?? new Map<string, { range: PeriodRange; v: number }>();
    byRange.set(rangeKey(v.figure.period), { range: v.figure.period, v: v.id });
    groups.set(key, byRange);
  }
  for (const key of [...groups.keys()].sort()) {
    const byRange = groups.get(key)!;
    if (byRange.size < 3) continue;
    const ranges = [...byRange.values()].map((x) => x.range);
    for (const whole of [...byRange.values()]) {
      for (const tiling of tilings(whole.range, ranges)) {
        const first = system.variables[whole.v];
        system.addConstraint({
          terms: [{ v: whole.v, a: 1 }, ...tiling.map((r) => ({ v: byRange.get(rangeKey(r))!.v, a: -1 }))],
          lo: 0,
          hi: 0,
          kind: "period",
          tier: 0,
          label: `${first.figure.scope} ${describeFigure(first.figure)} = sum of its ${tiling.length} sub-periods${release === "previous" ? " (previous release)" : ""}`,
          absentTerms: 0,
          fromPrevious: release === "previous",
        });
      }
    }
  }
}
