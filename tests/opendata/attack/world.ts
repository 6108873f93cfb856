/**
 * Test fixtures for the red team: a small world of contributors and their records, published as
 * a release in the format of release-format.md (CSV + datapackage.json with disclosureControl),
 * and the truth oracle that knows that world. The publisher here is deliberately naive (the
 * frequency rule plus the suppressions a test asks for), so that each test plants a leak by hand.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { periodRange } from "../../../lib/opendata/attack/periods";
import type { FigureIdentity, OracleAnswer, OracleQuery, ScopeDeclaration, TruthOracle } from "../../../lib/opendata/attack/types";
import { toCsv, type CsvColumnFormat, type CsvValue } from "../../../lib/opendata/publish/csv";
import { POLICY, type PopulationKind } from "../../../lib/policy";

export interface Unit {
  id: string;
  population: PopulationKind;
  /** The leaf scope the unit belongs to, e.g. "customers.persons". */
  scope: string;
}

export interface FactRecord {
  unit: string;
  /** Leaf code per dimension field (period as YYYY or YYYY-MM). */
  attrs: Record<string, string>;
  /** Value per concept. */
  values: Record<string, number>;
}

export interface World {
  units: Unit[];
  records: FactRecord[];
  scopes: ScopeDeclaration[];
}

export interface DimensionSpec {
  field: string;
  total?: string | null;
  codes: string[];
  parents?: Record<string, string>;
}

export interface MeasureSpec {
  field: string;
  concept?: string;
  additive?: boolean;
  lowerBound?: number | null;
  integer?: boolean;
  decimals?: number;
}

export interface DerivedSpec {
  field: string;
  kind: "ratio" | "median";
  numerator?: string;
  denominator?: string;
  factor?: number;
  decimals: number;
  cap?: number;
}

export interface TableSpec {
  name: string;
  scope: string;
  population: PopulationKind;
  rows?: "grid" | "nonEmpty";
  period: { start: string; end: string };
  dimensions: DimensionSpec[];
  measures: MeasureSpec[];
  derived?: DerivedSpec[];
  /** Apply the frequency rule (default true). */
  primary?: boolean;
  /** Further cells hidden (secondary suppressions), by row key. */
  suppress?: (key: Record<string, string>) => boolean;
  /** Hide single values of a row that is otherwise published (keyed "field"). */
  hideValues?: (key: Record<string, string>) => string[];
  /** Publish the old `status` column. */
  status?: boolean;
  /** Drop these rows from the published file (a grid with a missing row, for instance). */
  drop?: (key: Record<string, string>) => boolean;
  /**
   * Naive secondary suppression: while a margin relation (a parent and its children) has exactly
   * one hidden member, hide its smallest published non-zero member too.
   */
  secondary?: boolean;
}

export interface Cell {
  key: Record<string, string>;
  values: Record<string, number>;
  contributors: Set<string>;
  largestShare: number;
  byUnit: Map<string, Record<string, number>>;
}

export const m = {
  net: { field: "net_amount", concept: "net_amount", additive: true, lowerBound: null, integer: false, decimals: 2 } as MeasureSpec,
  orders: { field: "orders", concept: "orders", additive: true, lowerBound: 0, integer: true } as MeasureSpec,
  units: { field: "units", concept: "units", additive: true, lowerBound: null, integer: true } as MeasureSpec,
};

function conceptOf(measure: MeasureSpec): string {
  return measure.concept ?? measure.field;
}

function ancestors(dim: DimensionSpec, code: string): string[] {
  const chain = [code];
  let p = dim.parents?.[code];
  while (p !== undefined) {
    chain.push(p);
    p = dim.parents?.[p];
  }
  if (dim.total !== undefined && dim.total !== null) chain.push(dim.total);
  return chain;
}

function matchesPeriod(code: string, attr: string): boolean {
  const range = periodRange(code);
  const own = periodRange(attr);
  if (!range || !own) return code === attr;
  return own.start >= range.start && own.end <= range.end;
}

function inScope(world: World, unitScope: string, scope: string): boolean {
  if (unitScope === scope) return true;
  const parent = world.scopes.find((s) => s.parts.includes(unitScope));
  return parent ? inScope(world, parent.id, scope) : false;
}

function matches(spec: TableSpec, record: FactRecord, key: Record<string, string>): boolean {
  return spec.dimensions.every((d) => {
    const code = key[d.field];
    if (code === d.total) return true;
    const attr = record.attrs[d.field];
    if (attr === undefined) return false;
    if (d.field === "period") return matchesPeriod(code, attr);
    return ancestors(d, attr).includes(code);
  });
}

const unitIndex = new WeakMap<World, Map<string, Unit>>();

function unitOf(world: World, id: string): Unit {
  let index = unitIndex.get(world);
  if (!index) {
    index = new Map(world.units.map((u) => [u.id, u]));
    unitIndex.set(world, index);
  }
  const unit = index.get(id);
  if (!unit) throw new Error(`fixture: record of unknown unit ${id}`);
  return unit;
}

function aggregate(world: World, records: FactRecord[], key: Record<string, string>, concepts: string[]): Cell {
  const values: Record<string, number> = Object.fromEntries(concepts.map((c) => [c, 0]));
  const byUnit = new Map<string, Record<string, number>>();
  for (const r of records) {
    const own = byUnit.get(r.unit) ?? Object.fromEntries(concepts.map((c) => [c, 0]));
    for (const c of concepts) {
      values[c] += r.values[c] ?? 0;
      own[c] += r.values[c] ?? 0;
    }
    byUnit.set(r.unit, own);
  }
  const first = concepts[0];
  const total = Math.abs(values[first]);
  let largest = 0;
  for (const own of byUnit.values()) largest = Math.max(largest, Math.abs(own[first]));
  return { key, values, contributors: new Set(byUnit.keys()), largestShare: total === 0 ? (byUnit.size > 0 ? 1 : 0) : largest / total, byUnit };
}

function combinations(dimensions: DimensionSpec[]): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const d of dimensions) {
    const codes = [...(d.total !== undefined && d.total !== null ? [d.total] : []), ...d.codes];
    combos = combos.flatMap((c) => codes.map((code) => ({ ...c, [d.field]: code })));
  }
  return combos;
}

/** The codes of a dimension a record counts in: its own, its ancestors', the total. */
function codesOf(d: DimensionSpec, attr: string | undefined): string[] {
  const codes = d.total !== undefined && d.total !== null ? [d.total] : [];
  if (attr === undefined) return codes;
  if (d.field === "period") return [...codes, ...d.codes.filter((c) => matchesPeriod(c, attr))];
  return [...codes, ...ancestors(d, attr).filter((c) => c !== d.total && d.codes.includes(c))];
}

export function tableCells(world: World, spec: TableSpec): Cell[] {
  const unitScope = new Map(world.units.map((u) => [u.id, u.scope]));
  const records = world.records.filter((r) => inScope(world, unitScope.get(r.unit) ?? "", spec.scope));
  // A ratio's numerator may be a concept this table does not publish (it is in another table).
  const operands = (spec.derived ?? []).flatMap((d) => [d.numerator, d.denominator]).filter((f): f is string => f !== undefined);
  const concepts = [...new Set([...spec.measures.map(conceptOf), ...operands.map((f) => conceptOf(spec.measures.find((x) => x.field === f) ?? { field: f }))])];
  // Each record adds to every combination of the codes it counts in (one pass over the records).
  const byKey = new Map<string, FactRecord[]>();
  for (const r of records) {
    let keys: string[] = [""];
    for (const d of spec.dimensions) {
      const codes = codesOf(d, r.attrs[d.field]);
      keys = keys.flatMap((k) => codes.map((c) => (k === "" ? c : `${k}\u0001${c}`)));
    }
    for (const k of keys) {
      const list = byKey.get(k) ?? [];
      list.push(r);
      byKey.set(k, list);
    }
  }
  const cells: Cell[] = [];
  for (const key of combinations(spec.dimensions)) {
    const mine = byKey.get(spec.dimensions.map((d) => key[d.field]).join("\u0001")) ?? [];
    if (spec.rows === "nonEmpty" && mine.length === 0) continue;
    cells.push(aggregate(world, mine, key, concepts));
  }
  return cells;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

export interface PublishedCell extends Cell {
  confidential: boolean;
  status: string;
}

export function publishTable(world: World, spec: TableSpec): PublishedCell[] {
  const threshold = POLICY.statisticalConfidentiality.frequency.minContributors[spec.population];
  const cells = tableCells(world, spec).map((cell) => {
    const primary = spec.primary !== false && cell.contributors.size > 0 && cell.contributors.size < threshold;
    const secondary = !primary && (spec.suppress?.(cell.key) ?? false);
    return { ...cell, confidential: primary || secondary, status: primary ? "primary_frequency" : secondary ? "secondary" : "published" };
  });
  if (spec.secondary) hideSecondaries(spec, cells);
  return cells;
}

function hideSecondaries(spec: TableSpec, cells: PublishedCell[]): void {
  const keyOf = (key: Record<string, string>): string => spec.dimensions.map((d) => key[d.field]).join("\u0001");
  const index = new Map(cells.map((c) => [keyOf(c.key), c]));
  const relations: PublishedCell[][] = [];
  for (const cell of cells) {
    spec.dimensions.forEach((d) => {
      const code = cell.key[d.field];
      const kids = d.codes.filter((c) => (d.parents?.[c] ?? d.total) === code && c !== code);
      if (code === d.total || d.codes.some((c) => d.parents?.[c] === code)) {
        const members = kids.map((k) => index.get(keyOf({ ...cell.key, [d.field]: k }))).filter((x): x is PublishedCell => x !== undefined);
        if (members.length > 0) relations.push([cell, ...members]);
      }
    });
  }
  const firstMeasure = conceptOf(spec.measures[0]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const relation of relations) {
      if (relation.filter((c) => c.confidential).length !== 1) continue;
      const candidates = relation.filter((c) => !c.confidential && c.contributors.size > 0);
      if (candidates.length === 0) continue;
      candidates.sort((a, b) => Math.abs(a.values[firstMeasure]) - Math.abs(b.values[firstMeasure]) || (keyOf(a.key) < keyOf(b.key) ? -1 : 1));
      candidates[0].confidential = true;
      candidates[0].status = "secondary";
      changed = true;
    }
  }
}

function ratioValue(d: DerivedSpec, cell: Cell, spec: TableSpec): number | null {
  const concept = (field: string): string => conceptOf(spec.measures.find((x) => x.field === field) ?? { field });
  const num = cell.values[concept(d.numerator!)];
  const den = cell.values[concept(d.denominator!)];
  if (num === undefined || den === undefined || den === 0) return null;
  let r = ((d.factor ?? 1) * num) / den;
  if (d.cap !== undefined) r = Math.min(r, d.cap);
  return round(r, d.decimals);
}

/**
 * Writes `dir/<name>.csv` per table and `dir/datapackage.json`. `legacy`: the older format, with
 * no disclosureControl (the status column is the spec's own choice).
 */
export function writeRelease(dir: string, world: World, specs: TableSpec[], version: string, legacy = false): string {
  mkdirSync(dir, { recursive: true });
  const resources = specs.map((spec) => {
    const cells = publishTable(world, spec);
    const columns: CsvColumnFormat[] = [
      ...spec.dimensions.map((d) => ({ name: d.field, type: "string" as const })),
      ...spec.measures.map((x) => ({ name: x.field, type: x.integer ? ("integer" as const) : ("number" as const), decimals: x.decimals ?? 2 })),
      ...(spec.derived ?? []).map((d) => ({ name: d.field, type: "number" as const, decimals: d.decimals })),
      ...(spec.status ? [{ name: "status", type: "string" as const }] : []),
      { name: "flag", type: "string" as const },
    ];
    const rows: Record<string, CsvValue>[] = [];
    for (const cell of cells) {
      if (spec.drop?.(cell.key)) continue;
      const row: Record<string, CsvValue> = { ...cell.key };
      const hidden = new Set(spec.hideValues?.(cell.key) ?? []);
      for (const x of spec.measures) row[x.field] = cell.confidential || hidden.has(x.field) ? null : x.integer ? cell.values[conceptOf(x)] : round(cell.values[conceptOf(x)], x.decimals ?? 2);
      for (const d of spec.derived ?? []) row[d.field] = cell.confidential || hidden.has(d.field) || d.kind !== "ratio" ? null : ratioValue(d, cell, spec);
      if (spec.status) row.status = cell.status;
      row.flag = cell.confidential ? "c" : null;
      rows.push(row);
    }
    writeFileSync(path.join(dir, `${spec.name}.csv`), toCsv(columns, rows));
    const resource = {
      name: spec.name,
      path: `${spec.name}.csv`,
      format: "csv",
      schema: { fields: columns.map((c) => ({ name: c.name, type: c.type })), primaryKey: spec.dimensions.map((d) => d.field) },
    };
    if (legacy) return resource;
    return {
      ...resource,
      disclosureControl: {
        flag: { field: "flag", confidential: "c" },
        scope: spec.scope,
        rows: spec.rows ?? "grid",
        period: spec.period,
        dimensions: spec.dimensions.map((d) => ({ field: d.field, total: d.total ?? null, codes: d.codes, parents: d.parents ?? {} })),
        measures: spec.measures.map((x) => ({ field: x.field, concept: conceptOf(x), additive: x.additive !== false, lowerBound: x.lowerBound ?? null, integer: x.integer === true })),
        derived: (spec.derived ?? []).map((d) => ({ field: d.field, kind: d.kind, numerator: d.numerator, denominator: d.denominator, factor: d.factor, cap: d.cap })),
      },
    };
  });
  const pkg = {
    $schema: "https://datapackage.org/profiles/2.0/datapackage.json",
    name: "fixture",
    version,
    resources: [...resources, ...resources.map((r) => ({ name: `${r.name}-parquet`, path: `${r.name}.parquet`, format: "parquet" }))],
    ...(legacy ? {} : { disclosureControl: { scopes: world.scopes } }),
  };
  writeFileSync(path.join(dir, "datapackage.json"), JSON.stringify(pkg, null, 2));
  return dir;
}

export function tempDir(prefix = "attack-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

function populationOf(world: World, units: Iterable<string>, fallback: PopulationKind): PopulationKind {
  const list = [...units].map((u) => unitOf(world, u).population);
  if (list.length === 0) return fallback;
  return list.every((p) => p === "business") ? "business" : "person";
}

/**
 * The truth: cells of the tables as the world has them, complements aggregated from the
 * records of the complement's scope, revisions as the difference between two worlds.
 */
export function oracleFor(world: World, specs: TableSpec[], previous?: { world: World; specs: TableSpec[] }): TruthOracle {
  const allDims = new Map<string, DimensionSpec>();
  for (const s of specs) for (const d of s.dimensions) if (!allDims.has(d.field)) allDims.set(d.field, d);
  const cellOf = (w: World, spec: TableSpec, key: Record<string, string>): Cell => {
    const records = w.records.filter((r) => inScope(w, unitOf(w, r.unit).scope, spec.scope) && matches(spec, r, key));
    return aggregate(w, records, key, [...new Set(spec.measures.map(conceptOf))]);
  };
  const byField = (spec: TableSpec, cell: Cell): Record<string, number> => Object.fromEntries(spec.measures.map((x) => [x.field, cell.values[conceptOf(x)]]));
  return (query: OracleQuery): OracleAnswer | undefined => {
    if (query.kind === "cell") {
      const spec = specs.find((s) => s.name === query.dataset);
      if (!spec) return undefined;
      const cell = cellOf(world, spec, query.key);
      return { values: byField(spec, cell), contributors: cell.contributors.size, largestShare: cell.largestShare, population: spec.population };
    }
    if (query.kind === "complement") {
      const figure: FigureIdentity = query.figure;
      const records = world.records.filter((r) => {
        if (!inScope(world, unitOf(world, r.unit).scope, figure.scope)) return false;
        const own = periodRange(r.attrs.period ?? "");
        if (own && (own.start < figure.period.start || own.end > figure.period.end)) return false;
        return Object.entries(figure.dims).every(([field, code]) => {
          const d = allDims.get(field);
          const attr = r.attrs[field];
          return attr !== undefined && d !== undefined && ancestors(d, attr).includes(code);
        });
      });
      const concepts = [...new Set(specs.flatMap((s) => s.measures.map(conceptOf)))];
      const cell = aggregate(world, records, {}, [figure.concept, ...concepts.filter((c) => c !== figure.concept)]);
      return { values: cell.values, contributors: cell.contributors.size, largestShare: cell.largestShare, population: populationOf(world, cell.contributors, "person") };
    }
    if (!previous) return undefined;
    const spec = specs.find((s) => s.name === query.dataset);
    const before = previous.specs.find((s) => s.name === query.dataset);
    if (!spec || !before) return undefined;
    const now = cellOf(world, spec, query.key);
    const then = cellOf(previous.world, before, query.key);
    const changed = new Set<string>();
    const change = new Map<string, number>();
    const first = conceptOf(spec.measures[0]);
    for (const u of new Set([...now.byUnit.keys(), ...then.byUnit.keys()])) {
      const a = now.byUnit.get(u);
      const b = then.byUnit.get(u);
      const differs = !a || !b || Object.keys(a).some((c) => Math.abs(a[c] - b[c]) > 1e-9);
      if (differs) {
        changed.add(u);
        change.set(u, Math.abs((a?.[first] ?? 0) - (b?.[first] ?? 0)));
      }
    }
    const total = [...change.values()].reduce((s, x) => s + x, 0);
    const values = Object.fromEntries(spec.measures.map((x) => [x.field, now.values[conceptOf(x)] - then.values[conceptOf(x)]]));
    return { values, contributors: changed.size, largestShare: total === 0 ? 1 : Math.max(...change.values()) / total, population: populationOf(previous.world, changed, spec.population) };
  };
}

/** Units and their records, compactly: `people("p", 12, "customers.persons")`. */
export function people(prefix: string, n: number, scope: string, population: PopulationKind = "person"): Unit[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i + 1}`, population, scope }));
}
