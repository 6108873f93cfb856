/**
 * What each mart column holds, as its `.doc.json` says in `"role"`, and which known personal
 * values are a disclosure there. The marts' PII scan (piiScan.ts) is driven by it.
 *
 * An identifier of a person is a disclosure where it stands as an identifier or in text, not where
 * the same digits are a quantity, a key or another entity's code: in the Online Retail export
 * customer numbers (12346-18287) are also quantities, unit counts and stock codes, and a product
 * whose stock code is 17850 does not reveal customer 17850. Names, emails, phones, streets and
 * birth dates are searched wherever a column can hold them (text, codes, identifiers, dates).
 *
 * The role is checked against the column's declared type (which the build checks against the
 * table): a column that can hold text must be documented as text, code or identifier, so no
 * column escapes the scan by being called a number.
 */
import * as path from "node:path";
import { listModels, loadModel, type ColumnDoc } from "../warehouse/modelDoc";

export const COLUMN_ROLES = {
  identifier: "identifies a person (a pseudonym): every known personal value is a disclosure in it",
  text: "a name, label or description: every known personal value is a disclosure in it",
  code: "the code of something that is not a person (product, supplier, carrier, warehouse, place): names, emails, phones, streets and birth dates are searched in it, not person numbers",
  date: "a calendar day: birth dates are searched in it, not person numbers",
  key: "a surrogate key or a date or month key (a number): not searched",
  number: "a quantity, count, amount, ratio, duration or calendar number: not searched",
  flag: "true or false: not searched",
} as const;

export type ColumnRole = keyof typeof COLUMN_ROLES;

/** Known-value kinds that are a person's number in the source (lib/marts/piiKnownValues.sql). */
export const PERSON_NUMBER_KINDS: readonly string[] = ["customer_id"];

/** The types a role's column may have (DuckDB type names as the docs write them). */
const ROLE_TYPES: Record<ColumnRole, RegExp> = {
  identifier: /^VARCHAR$/,
  text: /^VARCHAR$/,
  code: /^VARCHAR$/,
  date: /^DATE$/,
  key: /^(INTEGER|BIGINT)$/,
  number: /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|DOUBLE|FLOAT|DECIMAL\(\d+,\d+\))$/,
  flag: /^BOOLEAN$/,
};

/** The known-value kinds a column of `role` is searched for, out of `kinds`. */
export function searchedKinds(role: ColumnRole, kinds: readonly string[]): string[] {
  switch (role) {
    case "identifier":
    case "text":
      return [...kinds];
    case "code":
    case "date":
      return kinds.filter((k) => !PERSON_NUMBER_KINDS.includes(k));
    case "key":
    case "number":
    case "flag":
      return [];
  }
}

/** The role a doc gives a column, checked: a known role, allowed for the column's type. */
export function columnRole(column: ColumnDoc & { role?: unknown }, docFile: string): ColumnRole {
  const role = column.role;
  const roles = Object.keys(COLUMN_ROLES) as ColumnRole[];
  if (typeof role !== "string" || !roles.includes(role as ColumnRole)) {
    const found = role === undefined ? "no \"role\"" : `role ${JSON.stringify(role)}`;
    throw new Error(`${docFile}: column ${column.name} has ${found}; say what it holds, one of ${roles.join(", ")} (lib/marts/columnRoles.ts)`);
  }
  if (!ROLE_TYPES[role as ColumnRole].test(column.type)) {
    throw new Error(`${docFile}: column ${column.name} is ${column.type}, which a "${role}" column cannot be (expected ${ROLE_TYPES[role as ColumnRole].source.replace(/[\^$\\]/g, "")})`);
  }
  return role as ColumnRole;
}

export const MART_DIRS = { sales: path.join(__dirname, "sales"), inventory: path.join(__dirname, "inventory") } as const;

/** Every mart column's role, by "schema.table.column" (schemas sales and inventory). */
export function martColumnRoles(dirs: Record<string, string> = MART_DIRS): Map<string, ColumnRole> {
  const roles = new Map<string, ColumnRole>();
  for (const [schema, dir] of Object.entries(dirs)) {
    for (const name of listModels(dir)) {
      const model = loadModel(dir, name, schema);
      for (const column of model.doc.columns) roles.set(`${schema}.${name}.${column.name}`, columnRole(column, path.relative(process.cwd(), model.docFile)));
    }
  }
  return roles;
}
