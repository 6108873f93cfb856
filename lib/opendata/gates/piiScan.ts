/**
 * The last gate before publication: every byte of every file of the release is searched for the
 * personal values present in the warehouse's inputs (names, full names, emails, phones, streets,
 * birth dates, customer ids, supplier contacts: lib/marts/piiKnownValues.sql) and for every
 * customer pseudonym in core. A hit fails the release. The report names the file, the kind of
 * value and how many times it occurs, never the value (a scan report must not become a leak).
 *
 * Matching is on whole tokens: a known value counts when the characters around it are not
 * letters or digits, so "Rose" inside "Rosemary" is not a hit but "Rose" as a cell, or in
 * "Mme Rose Durand", is. Emails are compared case-insensitively (as the marts scan does), the
 * rest exactly. Parquet files are compressed, so besides their raw bytes their decoded cells
 * are scanned too (as CSV text produced by DuckDB).
 *
 * One automaton of the known values per case mode, built once and run over each text in one pass
 * (knownValueMatcher.ts): the scan costs the bytes scanned, whatever the number of known values
 * (millions at ten million sale lines) and however long the longest is.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlString } from "../../engine/native";
import { renderSql } from "../../warehouse/db";
import { parseCsv } from "../publish/csv";
import { etalabDataDir } from "../../warehouse/staging";
import { buildMatcher, search, type Matcher } from "./knownValueMatcher";
import countries from "i18n-iso-countries";
// eslint-disable-next-line @typescript-eslint/no-require-imports
countries.registerLocale(require("i18n-iso-countries/langs/en.json"));

export interface KnownValue {
  kind: string;
  value: string;
}

export interface PiiFileHit {
  file: string;
  kind: string;
  occurrences: number;
}

export interface PiiScanResult {
  passed: boolean;
  filesScanned: number;
  bytesScanned: number;
  knownValues: Record<string, number>;
  hits: PiiFileHit[];
}

/** Known values from the cleansed inputs and core; core must be attached as `core`. */
export async function readKnownValues(conn: DuckDBConnection, cleanDir: string): Promise<KnownValue[]> {
  // The marts' list of known values, rendered the same way the marts scan renders it: every
  // placeholder names a cleansed file (customers, suppliers, products...) or a reference file.
  const { personal, identifiers } = knownValuesSources(cleanDir);
  const rows = await queryRows<KnownValue>(conn, `select kind, value from (${knownValuesQuery(personal, identifiers)}) order by kind, value`);
  return rows.filter((r) => typeof r.value === "string" && r.value.length >= 3);
}

function knownValuesQuery(personal: string, identifiers: string): string {
  return `select kind, value from (${personal}) union select kind, value from (${identifiers})`;
}

function knownValuesSources(cleanDir: string): { personal: string; identifiers: string } {
  const knownValuesSql = path.join(__dirname, "..", "..", "marts", "piiKnownValues.sql");
  const placeholders = [...readFileSync(knownValuesSql, "utf8").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
  const vars: Record<string, string> = {};
  for (const name of placeholders) {
    vars[name] = sqlString(name === "departements" || name === "regions" ? path.join(etalabDataDir(), `${name}.json`) : path.join(cleanDir, `${name}.parquet`));
  }
  return { personal: renderSql(knownValuesSql, vars), identifiers: renderSql(path.join(__dirname, "knownValues.sql"), { customers: sqlString(path.join(cleanDir, "customers.parquet")) }) };
}

/**
 * The known values kept in the engine (a temp table), for releases whose files are small beside
 * the list (millions of pseudonyms at ten million sale lines, a few hundred kilobytes of files):
 * reading every value into Node and building its automaton cost seconds per million values.
 * `scanKnownValuesIn` hands the automaton only the values that can occur in the files scanned,
 * so the scan costs the files' bytes plus one pass of the engine over the list.
 */
export interface KnownValueTable {
  table: string;
  /** Known values per kind (as scanForKnownValues counts them: every value of 3 characters or more). */
  knownValues: Record<string, number>;
}

/** Word characters of the match rule (isWordByte: ASCII letters and digits, every non-ASCII character). */
const SQL_WORD = "[0-9A-Za-z\\x{80}-\\x{10FFFF}]+";

/** Loads the known values into `table` (core attached as `core`), with the longest word of each. */
export async function loadKnownValues(conn: DuckDBConnection, cleanDir: string, table = "od_known_values"): Promise<KnownValueTable> {
  const { personal, identifiers } = knownValuesSources(cleanDir);
  return knownValueTable(conn, knownValuesQuery(personal, identifiers), table);
}

/** A KnownValueTable of the rows (kind, value) of `query`. */
export async function knownValueTable(conn: DuckDBConnection, query: string, table = "od_known_values"): Promise<KnownValueTable> {
  // A value's length as JavaScript counts it (UTF-16 code units: a character beyond U+FFFF counts
  // two), so that the list is exactly readKnownValues' (values of 3 units or more). Counted only
  // for values shorter than 3 characters, which alone can need it: the regular expression on every
  // value was 1.9 s of the stage's 16 s at 1 M rows (a million known values).
  await conn.run(
    `create or replace temp table ${table} as
     with v as (${query})
     select kind, value, case when len(words) = 0 then '' else lower(list_reduce(words, (a, b) -> case when length(b) > length(a) then b else a end)) end as word
     from (select kind, value, regexp_extract_all(value, '${SQL_WORD}') as words from v
           where value is not null and case when length(value) >= 3 then true else length(value) + length(regexp_replace(value, '[^\\x{10000}-\\x{10FFFF}]', '', 'g')) >= 3 end)`,
  );
  const counts = await queryRows<{ kind: string; n: bigint | number }>(conn, `select kind, count(*) as n from ${table} group by kind order by kind`);
  return { table, knownValues: Object.fromEntries(counts.map((c) => [c.kind, Number(c.n)])) };
}

/** The words of a byte string (latin1 view) as the matcher cuts them (isWordByte), as text. */
function wordsOf(text: string, into: Set<string>): void {
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const word = i < text.length && ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128);
    if (word && start < 0) start = i;
    else if (!word && start >= 0) {
      into.add(text.slice(start, i));
      start = -1;
    }
  }
}

/**
 * scanForKnownValues over the values of a KnownValueTable that can occur in the inputs. A value
 * matches only as whole units of the text (knownValueMatcher.ts), so each of its words is a whole
 * word of the text (a word of an email, letters folded, of the folded text): a value whose longest
 * word, lower-cased, is no lower-cased word of the inputs cannot match, and is left out. The
 * result, counts of known values included, is the one the whole list would give.
 */
export async function scanKnownValuesIn(conn: DuckDBConnection, known: KnownValueTable, inputs: readonly ScanInput[], vocabulary: ReadonlySet<string> = new Set()): Promise<PiiScanResult> {
  const latin1Words = new Set<string>();
  for (const input of inputs) {
    wordsOf(input.bytes.toString("latin1"), latin1Words);
    if (input.decoded !== undefined) wordsOf(asBytes(input.decoded), latin1Words);
    if (input.textCells !== undefined) wordsOf(asBytes(input.textCells), latin1Words);
  }
  const words = await conn.run(`create or replace temp table ${known.table}_words (word varchar)`).then(() => conn.createAppender(`${known.table}_words`, "main", "temp"));
  for (const w of latin1Words) {
    // Back to text: a run of bytes that is not UTF-8 (inside a compressed Parquet page) is no
    // word of any value, which are all text.
    const utf8 = Buffer.from(w, "latin1").toString("utf8");
    if (Buffer.from(utf8, "utf8").toString("latin1") !== w) continue;
    words.appendVarchar(utf8);
    words.endRow();
  }
  words.closeSync();
  const candidates = await queryRows<KnownValue>(
    conn,
    `select kind, value from ${known.table} where word is null or word = '' or word in (select lower(word) from ${known.table}_words) order by kind, value`,
  );
  const result = scanForKnownValues(inputs, candidates, vocabulary);
  return { ...result, knownValues: { ...known.knownValues } };
}

const ASCII = /^[\x00-\x7f]*$/;
/** The latin1 view of a string's UTF-8 bytes (an ASCII string is its own: no copy, as for most known values). */
const asBytes = (s: string) => (ASCII.test(s) ? s : Buffer.from(s, "utf8").toString("latin1"));
/** ASCII upper case to lower case, byte for byte (other bytes as they are). */
function lowerAscii(s: string): string {
  // toLowerCase would also fold the latin1 view of UTF-8 bytes (0xC0-0xDE): only for pure ASCII.
  if (s.length < 4096 && ASCII.test(s)) return s.toLowerCase();
  const bytes = Buffer.from(s, "latin1");
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 65 && bytes[i] <= 90) bytes[i] += 32;
  return bytes.toString("latin1");
}

export interface ScanInput {
  /** Shown in the report, relative to the release directory. */
  name: string;
  /** Raw bytes of the file. */
  bytes: Buffer;
  /** Extra decoded text (a Parquet file's cells), scanned with the bytes. */
  decoded?: string;
  /** The text cells of a table (string columns only), where numeric identifiers are searched. */
  textCells?: string;
}

/**
 * A customer number made only of digits (Online Retail's "17850") cannot be told apart from a
 * published count or amount of 17850: such values are searched in the text cells of the tables
 * (where a copied identifier column would land), not among numbers.
 */
const NUMERIC = /^[0-9]+([.,][0-9]+)?$/;

/** The words of a text, as the scan delimits them (for the public vocabulary). */
export function tokens(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

/**
 * `vocabulary`: public words the release legitimately holds (région, département and country
 * names, the business labels of the marts, the words of the release's own documentation). A
 * known value that is one of these words ("France" is a first name and part of "Hauts-de-France")
 * is not searched, as the marts scan leaves out public vocabulary; values of several words (full
 * names, streets, emails) are always searched.
 */
export function scanForKnownValues(inputs: readonly ScanInput[], allKnown: readonly KnownValue[], vocabulary: ReadonlySet<string> = new Set()): PiiScanResult {
  return knownValueScanner(allKnown, vocabulary).scan(inputs);
}

interface Automata {
  numeric: readonly KnownValue[];
  exact: readonly KnownValue[];
  folded: readonly KnownValue[];
  numericMatcher: Matcher;
  exactMatcher: Matcher;
  foldedMatcher: Matcher;
  knownValues: Record<string, number>;
}

/**
 * Automata by list of known values: the release scans twice with the same list (a provisional scan
 * for the assessment, then the gate), and building them costs seconds at ten million sale lines.
 * A list is read once: pass a new array, not a changed one.
 */
const automataByList = new WeakMap<readonly KnownValue[], Automata>();

function automataFor(allKnown: readonly KnownValue[]): Automata {
  const cached = automataByList.get(allKnown);
  if (cached) return cached;
  const numeric = allKnown.filter((k) => NUMERIC.test(k.value));
  const text = allKnown.filter((k) => !NUMERIC.test(k.value));
  const exact = text.filter((k) => !k.kind.includes("email"));
  const folded = text.filter((k) => k.kind.includes("email"));
  const knownValues: Record<string, number> = {};
  for (const k of allKnown) knownValues[k.kind] = (knownValues[k.kind] ?? 0) + 1;
  const automata = {
    numeric,
    exact,
    folded,
    numericMatcher: buildMatcher(numeric.map((k) => k.value)),
    exactMatcher: buildMatcher(exact.map((k) => asBytes(k.value))),
    foldedMatcher: buildMatcher(folded.map((k) => lowerAscii(asBytes(k.value)))),
    knownValues,
  };
  automataByList.set(allKnown, automata);
  return automata;
}

/**
 * The scan of `scanForKnownValues` in two steps: its automata built (or found) for the known
 * values, then any number of scans (the benchmark times them apart: lib/bench/piiScan.ts). The
 * vocabulary is applied to the matches, so one list's automata serve any vocabulary.
 */
export function knownValueScanner(allKnown: readonly KnownValue[], vocabulary: ReadonlySet<string> = new Set()): { scan(inputs: readonly ScanInput[]): PiiScanResult } {
  const { numeric, exact, folded, numericMatcher, exactMatcher, foldedMatcher, knownValues } = automataFor(allKnown);
  const scan = (inputs: readonly ScanInput[]): PiiScanResult => {
    const counts = new Map<string, number>();
    let bytesScanned = 0;
    for (const input of inputs) {
      const count = (list: readonly KnownValue[]) => (p: number) => {
        if (!vocabulary.has(list[p].value)) bump(counts, `${input.name}\u0000${list[p].kind}`);
      };
      if (input.textCells !== undefined) search(numericMatcher, asBytes(input.textCells), count(numeric));
      const texts = [input.bytes.toString("latin1"), ...(input.decoded !== undefined ? [asBytes(input.decoded)] : [])];
      for (const text of texts) {
        bytesScanned += text.length;
        search(exactMatcher, text, count(exact));
        search(foldedMatcher, lowerAscii(text), count(folded));
      }
    }
    const hits = [...counts.entries()]
      .map(([key, occurrences]) => {
        const [file, kind] = key.split("\u0000");
        return { file, kind, occurrences };
      })
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    return { passed: hits.length === 0, filesScanned: inputs.length, bytesScanned, knownValues: { ...knownValues }, hits };
  };
  return { scan };
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Reads a file for the scan; Parquet files also get their decoded cells. */
/** `stringColumns`: the columns of text type in the release's schemas (a CSV's other columns hold numbers). */
export async function scanInputFor(conn: DuckDBConnection, file: string, name: string, stringColumns: ReadonlySet<string> = new Set()): Promise<ScanInput> {
  const bytes = readFileSync(file);
  if (file.endsWith(".csv")) {
    const [header = [], ...records] = parseCsv(bytes.toString("utf8"));
    const textual = header.map((h, i) => (stringColumns.has(h) ? i : -1)).filter((i) => i >= 0);
    return { name, bytes, textCells: [...header, ...records.flatMap((r) => textual.map((i) => r[i] ?? ""))].join("\u0001") };
  }
  if (!file.endsWith(".parquet")) return { name, bytes };
  const rows = await queryRows<Record<string, unknown>>(conn, `select * from read_parquet(${sqlString(file)})`);
  const decoded = rows.map((r) => Object.values(r).map((v) => (v === null ? "" : String(v))).join("\u0001")).join("\n");
  const textCells = rows.flatMap((r) => Object.values(r).filter((v): v is string => typeof v === "string")).join("\u0001");
  return { name, bytes, decoded, textCells };
}

/**
 * The public vocabulary of a release: région, département and country names, the tables' own
 * labels and the words of the documents the release generated. A one-word known value equal to
 * one of these words (a surname that is also a town, "Martin", "France") is not searched: it
 * would be found in every release without saying anything about a person. The release gate and
 * the portal's scan use the same list; callers may add the words of later documents.
 */
export function publicVocabulary(labels: Iterable<string>, documents: Iterable<string>): Set<string> {
  const vocabulary = new Set<string>();
  const add = (text: string) => tokens(text).forEach((t) => vocabulary.add(t));
  for (const f of ["regions.json", "departements.json"]) for (const r of JSON.parse(readFileSync(path.join(etalabDataDir(), f), "utf8")) as { nom: string }[]) add(r.nom);
  for (const name of Object.values(countries.getNames("en"))) add(String(name));
  for (const label of labels) add(label);
  for (const text of documents) add(text);
  return vocabulary;
}
