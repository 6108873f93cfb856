/**
 * Searches committed documents (notebooks, reports) for the raw personal values of an export:
 * every email, phone number, street, full name, birth date, card number and customer number it
 * holds. A committed notebook is published with the code; if rerunning it on a company's real
 * export ever printed a customer's data, that data would land in git. The scan is the proof that
 * it does not (tests/notebook/personalValues.test.ts runs it on the bundled export).
 *
 * Matching is by words, not bytes, so that formatting cannot hide a value: text and values are
 * cut into runs of letters and digits, lower-cased, after HTML entities and JSON escapes are
 * decoded (`D&#39;Artagnan` and `D'Artagnan` are the same words). A phone is also searched in
 * its digit forms (national, E.164, with the international prefix). Values shorter than
 * MIN_VALUE_LENGTH characters are skipped: a 5-digit postal code or a first name alone is not a
 * person, and would match ordinary text.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { openNative, queryRows, sqlIdent, sqlString } from "../engine/native";

export const MIN_VALUE_LENGTH = 6;

/** Columns of the export whose values are searched, alone. */
const SINGLE_COLUMNS = ["customer_id", "email", "phone", "birth_date", "street", "card_number", "supplier_contact_name", "supplier_contact_email"];

export interface KnownValue {
  kind: string;
  /** The value's words, joined by one space (the matching key). */
  words: string;
}

/** The words of a text: runs of letters and digits, lower case. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** HTML character references decoded (`&#39;`, `&#x27;`, `&amp;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : match;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? match;
  });
}

/** A phone number's digit forms: national (0...), E.164 without the plus (33...), and 0033.... */
function phoneForms(value: string): string[] {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 9) return [];
  const national = digits.startsWith("0033") ? `0${digits.slice(4)}` : digits.startsWith("33") && digits.length === 11 ? `0${digits.slice(2)}` : digits;
  if (!/^0\d{9}$/.test(national)) return [digits];
  return [national, `33${national.slice(1)}`, `0033${national.slice(1)}`];
}

function add(out: Map<string, string>, kind: string, value: string): void {
  const trimmed = value.trim();
  if (trimmed.length < MIN_VALUE_LENGTH) return;
  const key = words(trimmed).join(" ");
  if (key !== "" && !out.has(key)) out.set(key, kind);
}

/**
 * Every personal value of a CSV export (gzip or plain), as matching keys, read by DuckDB (all
 * text, every distinct value once). A column this file lacks is skipped.
 */
export async function personalValuesOfExport(file: string): Promise<KnownValue[]> {
  const out = new Map<string, string>();
  const { instance, conn } = await openNative();
  try {
    await conn.run(`create view export as select * from read_csv(${sqlString(file)}, header = true, all_varchar = true)`);
    const present = new Set((await queryRows<{ column_name: string }>(conn, "select column_name from (describe export)")).map((r) => r.column_name));
    for (const column of SINGLE_COLUMNS.filter((c) => present.has(c))) {
      const rows = await queryRows<{ v: string }>(conn, `select distinct ${sqlIdent(column)} as v from export where ${sqlIdent(column)} is not null order by v`);
      for (const { v } of rows) {
        add(out, column, v);
        if (column === "phone") for (const form of phoneForms(v)) add(out, column, form);
      }
    }
    if (present.has("first_name") && present.has("last_name")) {
      const names = await queryRows<{ f: string; l: string }>(conn, "select distinct trim(first_name) as f, trim(last_name) as l from export where first_name is not null and last_name is not null order by f, l");
      for (const { f, l } of names) {
        if (!f || !l) continue;
        add(out, "full_name", `${f} ${l}`);
        add(out, "full_name", `${l} ${f}`);
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return [...out].map(([key, kind]) => ({ kind, words: key }));
}

export interface PersonalValueHit {
  /** Path relative to the scanned root. */
  file: string;
  kind: string;
  /** The value, masked (the hit report itself must not print it). */
  masked: string;
}

/** The texts of a document: every string of a JSON file (a notebook's cells and outputs), or the file itself. */
export function documentTexts(file: string): string[] {
  const text = readFileSync(file, "utf8");
  if (![".ipynb", ".json", ".jsonld"].includes(extname(file))) return [decodeEntities(text)];
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") strings.push(value);
    else if (Array.isArray(value)) {
      // A notebook stores text as a list of lines: one string, so a value split across lines is found.
      if (value.every((v) => typeof v === "string")) strings.push(value.join(""));
      else value.forEach(walk);
    } else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(JSON.parse(text));
  return strings.map(decodeEntities);
}

/** The files under `dirs` (relative to `root`) that can hold text: everything but images and databases. */
export function documentsUnder(root: string, dirs: readonly string[]): string[] {
  const skip = new Set([".png", ".jpg", ".gif", ".duckdb", ".parquet", ".gz", ".wasm"]);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!skip.has(extname(name))) files.push(path);
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return files;
}

function maskKey(key: string): string {
  return key
    .split(" ")
    .map((w) => `${w[0]}${"*".repeat(Math.max(2, w.length - 1))}`)
    .join(" ");
}

/** Every known value found in the documents, one hit per file and value. */
export function scanDocuments(root: string, files: readonly string[], known: readonly KnownValue[]): PersonalValueHit[] {
  const byKey = new Map(known.map((k) => [k.words, k.kind]));
  // A loop, not Math.max(...): a quarter of a million known values overflow the call stack.
  let longest = 1;
  for (const k of known) longest = Math.max(longest, k.words.split(" ").length);
  const hits: PersonalValueHit[] = [];
  for (const file of files) {
    const seen = new Set<string>();
    for (const text of documentTexts(file)) {
      const w = words(text);
      for (let i = 0; i < w.length; i++) {
        let key = "";
        for (let n = 1; n <= longest && i + n <= w.length; n++) {
          key = n === 1 ? w[i] : `${key} ${w[i + n - 1]}`;
          const kind = byKey.get(key);
          if (kind !== undefined && !seen.has(key)) {
            seen.add(key);
            hits.push({ file: relative(root, file), kind, masked: maskKey(key) });
          }
        }
      }
    }
  }
  return hits;
}
