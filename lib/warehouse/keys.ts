/**
 * The declared keys of the warehouse and the marts, and which of them DuckDB enforces.
 *
 * Every table declares its keys in its `.doc.json`: `primaryKey`, and each foreign key as a
 * `relationships` test. They drive the data dictionary, the constellation diagram and the
 * build's gates, whatever is enforced.
 *
 * Decision (issue 24): the uniqueness and the relationships of the fact tables are checked by
 * the build's gates (lib/warehouse/gates.ts: a duplicate-key query per primary key, an anti-join
 * per relationship, as dbt's `unique` and `relationships` tests do), not by DuckDB constraints. A
 * gate that counts a failure stops the build before the new warehouse replaces the live one,
 * which is what a violated constraint did. Why: DuckDB keeps a PRIMARY KEY or FOREIGN KEY as an
 * ART index that must fit in memory and is updated row by row on every insert; measured on the
 * benchmark's own rows (lib/bench/keys.ts, reports/benchmarks.md), fact_sales' primary key and
 * nine foreign keys cost 139.5 s at 10 M rows, five times the floor, and grew as N^1.23.
 *
 * A dimension keeps its enforced primary key: it is small (the largest, dim_customer, has one row
 * per customer version), so the index costs little, and an enforced key guards the references
 * every fact resolves through it. lib/bench/keys.ts measures each dimension's key on every
 * benchmark run, and reports/optimization.md shows the cost.
 */
export interface EnforcedKeys {
  /** The declared primary key is a PRIMARY KEY constraint. */
  primaryKey: boolean;
  /** The declared relationships are FOREIGN KEY constraints. */
  foreignKeys: boolean;
}

/** A table as the decision sees it: its name alone (a Model of lib/warehouse/modelDoc.ts is one). */
export interface NamedTable {
  name: string;
}

/** Whether a table is a dimension (the `dim_` prefix, in the core and in the marts). */
export function isDimension(model: NamedTable): boolean {
  return model.name.startsWith("dim_");
}

/** What DuckDB enforces for a table: the primary key of a dimension; never a foreign key. */
export function enforcedKeys(model: NamedTable): EnforcedKeys {
  return { primaryKey: isDimension(model), foreignKeys: false };
}

/** Every declared key enforced (the measurement of what the decision saves, lib/bench/keys.ts). */
export const ALL_KEYS: EnforcedKeys = { primaryKey: true, foreignKeys: true };

/** No constraint at all. */
export const NO_KEYS: EnforcedKeys = { primaryKey: false, foreignKeys: false };
