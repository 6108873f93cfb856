/**
 * What the Frictionless JSON Schema profiles cannot express, checked on a written package:
 * - every resource file exists (and its bytes and sha256 match the descriptor);
 * - a CSV's header is exactly its schema's field names, in order;
 * - primary keys are unique (and present);
 * - foreign keys resolve (for the resources that declare them);
 * - every value parses as its declared type (integer, number, string with pattern / enum),
 *   the missing-value marker "" aside.
 * Plus `validateProfile`: ajv against the official v2 profile (draft-07), read from the shared
 * standards directory, never copied into the project.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { parseCsv } from "../publish/csv";

export interface PackageProblem {
  resource: string;
  check: "file_exists" | "bytes" | "hash" | "header" | "primary_key" | "foreign_key" | "type" | "profile";
  message: string;
}

interface Field {
  name: string;
  type: string;
  constraints?: { required?: boolean; pattern?: string; enum?: string[] };
}

interface Resource {
  name: string;
  path: string;
  format?: string;
  bytes?: number;
  hash?: string;
  schema?: { fields: Field[]; primaryKey?: string[]; foreignKeys?: { fields: string[]; reference: { resource: string; fields: string[] } }[]; missingValues?: string[] };
}

function parses(value: string, field: Field): string | null {
  if (field.type === "integer" && !/^-?(0|[1-9][0-9]*)$/.test(value)) return `"${value}" is not an integer`;
  if (field.type === "number" && !/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(value)) return `"${value}" is not a number (dot decimal, no exponent)`;
  if (field.constraints?.pattern && !new RegExp(`^(?:${field.constraints.pattern})$`).test(value)) return `"${value}" does not match ${field.constraints.pattern}`;
  if (field.constraints?.enum && !field.constraints.enum.includes(value)) return `"${value}" is not one of ${field.constraints.enum.join(", ")}`;
  return null;
}

/** Reads a CSV resource into records of text (header first). */
function readCsv(dir: string, r: Resource): string[][] {
  return parseCsv(readFileSync(path.join(dir, r.path), "utf8"));
}

export function checkPackage(dir: string, descriptor: { resources: Resource[] }): PackageProblem[] {
  const problems: PackageProblem[] = [];
  const tables = new Map<string, { header: string[]; rows: string[][] }>();
  for (const r of descriptor.resources) {
    const file = path.join(dir, r.path);
    if (!existsSync(file)) {
      problems.push({ resource: r.name, check: "file_exists", message: `${r.path}: file not found` });
      continue;
    }
    const bytes = readFileSync(file);
    if (r.bytes !== undefined && r.bytes !== bytes.length) problems.push({ resource: r.name, check: "bytes", message: `${r.path}: ${bytes.length} bytes, descriptor says ${r.bytes}` });
    if (r.hash !== undefined) {
      const sha = createHash("sha256").update(bytes).digest("hex");
      if (r.hash !== `sha256:${sha}`) problems.push({ resource: r.name, check: "hash", message: `${r.path}: sha256 ${sha}, descriptor says ${r.hash}` });
    }
    if (r.format !== "csv" || !r.schema) continue;
    const [header, ...rows] = readCsv(dir, r);
    tables.set(r.name, { header: header ?? [], rows });
    const fields = r.schema.fields;
    const expected = fields.map((f) => f.name);
    if (JSON.stringify(header) !== JSON.stringify(expected)) {
      problems.push({ resource: r.name, check: "header", message: `${r.path}: header ${JSON.stringify(header)}, schema fields ${JSON.stringify(expected)}` });
      continue;
    }
    const missing = new Set(r.schema.missingValues ?? [""]);
    rows.forEach((row, i) => {
      if (row.length !== fields.length) {
        problems.push({ resource: r.name, check: "type", message: `${r.path}, line ${i + 2}: ${row.length} fields, expected ${fields.length}` });
        return;
      }
      fields.forEach((f, j) => {
        const v = row[j];
        if (missing.has(v)) {
          if (f.constraints?.required) problems.push({ resource: r.name, check: "type", message: `${r.path}, line ${i + 2}, column ${f.name}: empty, but required` });
          return;
        }
        const error = parses(v, f);
        if (error) problems.push({ resource: r.name, check: "type", message: `${r.path}, line ${i + 2}, column ${f.name}: ${error}; expected ${f.type}` });
      });
    });
    const pk = r.schema.primaryKey ?? [];
    if (pk.length > 0) {
      const idx = pk.map((k) => expected.indexOf(k));
      const seen = new Map<string, number>();
      rows.forEach((row, i) => {
        const key = JSON.stringify(idx.map((j) => row[j]));
        const first = seen.get(key);
        if (first !== undefined) problems.push({ resource: r.name, check: "primary_key", message: `${r.path}, line ${i + 2}: primary key ${pk.join(", ")} = ${key} repeats line ${first}` });
        else seen.set(key, i + 2);
      });
    }
  }
  for (const r of descriptor.resources) {
    for (const fk of r.schema?.foreignKeys ?? []) {
      const own = tables.get(r.name);
      const target = tables.get(fk.reference.resource || r.name);
      if (!own) continue;
      if (!target) {
        problems.push({ resource: r.name, check: "foreign_key", message: `foreign key to resource "${fk.reference.resource}": no such CSV resource` });
        continue;
      }
      const targetIdx = fk.reference.fields.map((f) => target.header.indexOf(f));
      const keys = new Set(target.rows.map((row) => JSON.stringify(targetIdx.map((j) => row[j]))));
      const ownIdx = fk.fields.map((f) => own.header.indexOf(f));
      own.rows.forEach((row, i) => {
        const key = JSON.stringify(ownIdx.map((j) => row[j]));
        if (!keys.has(key)) problems.push({ resource: r.name, check: "foreign_key", message: `${r.path}, line ${i + 2}: ${fk.fields.join(", ")} = ${key} not found in ${fk.reference.resource}` });
      });
    }
  }
  return problems;
}

/** ajv (draft-07) against the official Data Package v2 profile found in `profilesDir`. */
export function validateProfile(descriptor: unknown, profilesDir: string): PackageProblem[] {
  const schema = JSON.parse(readFileSync(path.join(profilesDir, "datapackage.json"), "utf8"));
  // strict off: the profiles carry annotations ajv does not know (propertyOrder, context...).
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  if (validate(descriptor)) return [];
  return (validate.errors ?? []).map((e) => ({ resource: "datapackage.json", check: "profile" as const, message: `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}` }));
}
