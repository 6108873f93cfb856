/**
 * Which figure each published cell is: its scope, the concept of its measure, the period it
 * covers and its dimension codes with totals left out (release-format.md, "the same figure").
 * Every cell of every table, of both releases, becomes (a reference to) one unknown.
 */
import { periodRange } from "./periods";
import { IntruderSystem, sameValue, type ConceptInfo } from "./system";
import type { DeclaredDerived, FigureIdentity, PublishedTable } from "./types";

/** The concept a derived value stands for, so that the same ratio in two tables is one figure. */
export function derivedConcept(table: PublishedTable, d: DeclaredDerived): string {
  if (d.kind === "ratio" && d.numerator && d.denominator) {
    return `ratio(${measureConcept(table, d.numerator)}/${measureConcept(table, d.denominator)}${d.factor && d.factor !== 1 ? ` x${d.factor}` : ""})`;
  }
  // two quantiles of the same distribution (a median and a 90th percentile) are two figures
  return `${d.kind}(${d.of ?? d.field}${d.probability !== undefined ? `, p=${d.probability}` : ""})`;
}

/** A measure field's concept, or the name itself when the table has no such field (a concept named across tables). */
export function measureConcept(table: PublishedTable, field: string): string {
  const m = table.control.measures.find((x) => x.field === field);
  return m ? (m.concept ?? m.field) : field;
}

export function conceptOfField(table: PublishedTable, field: string): string {
  const d = (table.control.derived ?? []).find((x) => x.field === field);
  return d ? derivedConcept(table, d) : measureConcept(table, field);
}

/** The figure of a combination of codes of `table` (a published row or a missing one). */
export function figureOf(table: PublishedTable, codes: readonly string[], concept: string): FigureIdentity {
  const dims: Record<string, string> = {};
  let period = table.period;
  table.control.dimensions.forEach((d, i) => {
    const code = codes[i];
    if (code === d.total) return;
    if (i === table.periodDimension) {
      const range = periodRange(code);
      if (range) {
        period = range;
        return;
      }
    }
    dims[d.field] = code;
  });
  return { scope: table.scope, concept, period, dims };
}

export function cellName(table: PublishedTable, codes: readonly string[], field: string): string {
  return `${table.dataset}[${codes.join(",")}].${field}${table.release === "previous" ? " (previous release)" : ""}`;
}

/** The fields of a table whose values are figures: its measures and the derived values it publishes. */
export function valueFields(table: PublishedTable): string[] {
  return [...table.control.measures.map((m) => m.field), ...(table.control.derived ?? []).map((d) => d.field).filter((f) => f in table.halfUnit)];
}

/** Concept declarations merged across tables; a conflict is reported and the weaker claim kept. */
export function registerConcepts(system: IntruderSystem, tables: PublishedTable[]): void {
  for (const table of tables) {
    for (const m of table.control.measures) {
      const concept = m.concept ?? m.field;
      const info: ConceptInfo = { integer: m.integer === true, additive: m.additive !== false, lowerBound: m.lowerBound ?? null };
      const known = system.concepts.get(concept);
      if (!known) {
        system.concepts.set(concept, info);
        continue;
      }
      if (known.integer !== info.integer || known.additive !== info.additive || known.lowerBound !== info.lowerBound) {
        system.warnings.push(`concept ${concept}: ${table.dataset} declares it differently from another table; the weaker declaration is used`);
        known.integer = known.integer && info.integer;
        known.additive = known.additive && info.additive;
        known.lowerBound = known.lowerBound === null || info.lowerBound === null ? null : Math.min(known.lowerBound, info.lowerBound);
      }
    }
    for (const d of table.control.derived ?? []) {
      const concept = derivedConcept(table, d);
      if (!system.concepts.has(concept)) system.concepts.set(concept, { integer: false, additive: false, lowerBound: null });
    }
  }
}

/** cellVars[table][row][field]: the unknown of each cell (before merges). */
export type CellVars = Record<string, number>[][];

export function registerCells(system: IntruderSystem): CellVars {
  const cellVars: CellVars = [];
  system.tables.forEach((table, t) => {
    const fields = valueFields(table);
    const concepts = fields.map((f) => conceptOfField(table, f));
    const perRow: Record<string, number>[] = [];
    table.rows.forEach((row, r) => {
      const vars: Record<string, number> = {};
      fields.forEach((field, k) => {
        const v = system.variable(table.release, figureOf(table, row.codes, concepts[k]), cellName(table, row.codes, field));
        vars[field] = v;
        const variable = system.variables[v];
        variable.cells.push({ table: t, row: r, field });
        const value = row.values[field];
        if (value === null || value === undefined) return;
        const half = table.halfUnit[field] ?? 0;
        if (variable.published === null) {
          variable.published = value;
          variable.halfUnit = half;
          variable.publishedBy = { table: t, row: r, field };
        } else if (!sameValue(variable.published, variable.halfUnit, value, half)) {
          const first = variable.publishedBy!;
          system.warnings.push(
            `${cellName(table, row.codes, field)} and ${cellName(system.tables[first.table], system.tables[first.table].rows[first.row].codes, first.field)} are the same figure by their declarations but are published with different values; the first is used`,
          );
        }
      });
      perRow.push(vars);
    });
    cellVars.push(perRow);
  });
  return cellVars;
}

/** Children of each code of each dimension, from the declared hierarchy. */
export function childrenByDimension(table: PublishedTable): Map<string, string[]>[] {
  return table.control.dimensions.map((d) => {
    const children = new Map<string, string[]>();
    for (const code of d.codes) {
      if (code === d.total) continue;
      const parent = d.parents?.[code] ?? d.total;
      if (parent === undefined || parent === null) continue;
      const list = children.get(parent) ?? [];
      list.push(code);
      children.set(parent, list);
    }
    return children;
  });
}

export function rowIndex(table: PublishedTable): Map<string, number> {
  return new Map(table.rows.map((row, i) => [row.codes.join("\u0001"), i]));
}
