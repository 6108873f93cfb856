/**
 * Fuzzed raw exports (issue 26 item 4): a valid export of the default layout, written by the
 * project's own generator, then damaged the ways real exports are: hostile values (quotes,
 * commas, newlines, NULs, formula payloads, values beyond the field-length policy), a BOM,
 * CRLF/LF mixes, rows with a field too many or too few, a reordered, short or renamed header,
 * and byte-level damage (invalid UTF-8, random bytes, raw NULs, stray quotes, a truncated end).
 *
 * Each case says what the pipeline owes it, as far as its damage allows one to know: a file whose
 * header and escaping are intact must go through with every record counted; a file with a wrong
 * header or bytes that are never UTF-8 must stop with an InputError; for the rest (random bytes,
 * a cut in the middle of a quoted field) either outcome is fair, but not a crash.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import { parse } from "csv-parse/sync";
import { fieldLengthLimit } from "../../policy";
import { RAW_HEADER } from "../../raw/contract";
import { DEFAULT_SEED, generateRawExport } from "../../raw/generator";

/** Rows of the valid export the cases are cut from (the generator's minimum). */
const BASE_ROWS = 100;

/** The valid export: its data rows as text values, in the contract's column order. */
export interface BaseExport {
  header: readonly string[];
  rows: string[][];
}

/** A fuzzed file and what the pipeline owes it. */
export interface FuzzExport {
  bytes: Buffer;
  /** What was done to the valid export, in order: the case's name when it fails. */
  mutations: string[];
  /** Records the file holds, when its header and escaping are intact (every one must be read); else undefined. */
  records?: number;
  /** True when the file cannot be used whatever the reader does (wrong header, bytes never valid UTF-8): an InputError is owed. */
  unusable: boolean;
  /**
   * True when a clear refusal is as fair as a run: records ending now in CRLF, now in LF. DuckDB's
   * strict reader reads some such files (the sniffed ending is LF: a CRLF line keeps its CR in its
   * last field) and finds no dialect for others (lib/split/readSource.ts then names the mix).
   */
  mayRefuse: boolean;
}

export interface ShapeOptions {
  /** Longest value the long-field mutation writes, in characters (beyond the field-length policy). */
  longFieldChars: number;
  /** Up to how many times the chosen rows are repeated (bigger files, for seconds per MiB). */
  maxRepeat: number;
}

/** The jest suite's shapes: small files, values a few times the longest the policy allows. */
export const SMALL_SHAPES: ShapeOptions = { longFieldChars: 5 * fieldLengthLimit("text"), maxRepeat: 1 };

let cachedBase: BaseExport | undefined;

/** The valid export, generated once per process (the generator is deterministic: same seed, same rows). */
export async function loadBaseExport(): Promise<BaseExport> {
  if (cachedBase) return cachedBase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-fuzz-base-"));
  try {
    const file = path.join(dir, "base.csv");
    await generateRawExport({ outPath: file, rows: BASE_ROWS, seed: DEFAULT_SEED, writeSummary: false });
    const [header, ...rows] = parse(fs.readFileSync(file, "utf8"), { relax_column_count: false }) as string[][];
    if (header.join() !== RAW_HEADER.join()) throw new Error("fuzz: the generator's header is not the contract's (lib/raw/contract.ts changed?)");
    cachedBase = { header, rows };
    return cachedBase;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Pieces of hostile text; a value is a few of them, or an arbitrary string. */
const HOSTILE_PIECES = [
  '"', '""', ",", ";", "\n", "\r\n", "\r", "\t", " ", "\u0000", "\uFEFF", "é", "Ł", "😀", "\u200B", "\u202E",
  "=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "'", "\\", "NULL", "NaN", "1e309", "-0", "2023-02-30", "<b>x</b>",
];

const hostileValue: fc.Arbitrary<{ value: string; kind: string }> = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: 6 }).map((p) => ({ value: p.join(""), kind: "hostile" })),
  fc.string({ unit: "grapheme", maxLength: 30 }).map((value) => ({ value, kind: "unicode" })),
  fc.string({ unit: "binary", maxLength: 30 }).map((value) => ({ value, kind: "code points" })),
);

function longValue(options: ShapeOptions): fc.Arbitrary<{ value: string; kind: string }> {
  const floor = fieldLengthLimit("text") + 1;
  return fc
    .tuple(fc.integer({ min: floor, max: Math.max(floor, options.longFieldChars) }), fc.constantFrom("A", "é", '"', ",", "\n", "ab\r\n"))
    .map(([n, unit]) => ({ value: unit.repeat(Math.ceil(n / unit.length)), kind: `long (${n} × ${JSON.stringify(unit)})` }));
}

/** One change to the rows that keeps the file well formed (every record still one row of the header's width). */
type RowEdit =
  | { kind: "value"; row: number; column: number; value: string; what: string }
  | { kind: "duplicate"; row: number }
  | { kind: "extra field"; row: number; value: string }
  | { kind: "missing field"; row: number };

function rowEdit(options: ShapeOptions): fc.Arbitrary<RowEdit> {
  const at = { row: fc.nat(), column: fc.nat() };
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ ...at, v: hostileValue }).map(({ row, column, v }) => ({ kind: "value" as const, row, column, value: v.value, what: v.kind })) },
    { weight: 2, arbitrary: fc.record({ ...at, v: longValue(options) }).map(({ row, column, v }) => ({ kind: "value" as const, row, column, value: v.value, what: v.kind })) },
    { weight: 1, arbitrary: fc.record({ row: fc.nat() }).map(({ row }) => ({ kind: "duplicate" as const, row })) },
    { weight: 1, arbitrary: fc.record({ row: fc.nat(), v: hostileValue }).map(({ row, v }) => ({ kind: "extra field" as const, row, value: v.value })) },
    { weight: 1, arbitrary: fc.record({ row: fc.nat() }).map(({ row }) => ({ kind: "missing field" as const, row })) },
  );
}

/** A change to the header line (and to every row with it): each makes the file unusable for the default profile. */
type HeaderEdit =
  | { kind: "none" }
  | { kind: "permuted"; order: number[] }
  | { kind: "dropped"; column: number }
  | { kind: "extra"; name: string }
  | { kind: "renamed"; column: number };

const headerEdit: fc.Arbitrary<HeaderEdit> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: "none" as const }) },
  {
    weight: 1,
    arbitrary: fc
      .shuffledSubarray(RAW_HEADER.map((_, i) => i), { minLength: RAW_HEADER.length, maxLength: RAW_HEADER.length })
      .filter((order) => order.some((c, i) => c !== i))
      .map((order) => ({ kind: "permuted" as const, order })),
  },
  { weight: 1, arbitrary: fc.nat({ max: RAW_HEADER.length - 1 }).map((column) => ({ kind: "dropped" as const, column })) },
  { weight: 1, arbitrary: fc.constantFrom("notes", "Record_Type", "", "customer_id").map((name) => ({ kind: "extra" as const, name })) },
  { weight: 1, arbitrary: fc.nat({ max: RAW_HEADER.length - 1 }).map((column) => ({ kind: "renamed" as const, column })) },
);

/** Damage to the bytes once written, at a fraction of the file's length (0 is its first byte). */
type ByteEdit =
  | { kind: "invalid utf-8"; at: number; bytes: number[] }
  | { kind: "random bytes"; at: number; bytes: number[] }
  | { kind: "nul bytes"; at: number; bytes: number[] }
  | { kind: "stray quote"; at: number; bytes: number[] }
  | { kind: "lone cr"; at: number; bytes: number[] }
  | { kind: "truncated"; at: number };

/** Sequences that are invalid UTF-8 whatever surrounds them (0xFF and 0xFE never occur; C0/C1 are overlong leads; ED A0.. a surrogate). */
const NEVER_UTF8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xc1, 0x81], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

// Unbiased: fast-check favours small values, which would put most damage in the header line.
const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1e6);

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ at: position, bytes: fc.constantFrom(...NEVER_UTF8) }).map((e) => ({ kind: "invalid utf-8" as const, ...e })),
  fc.record({ at: position, bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 64 }) }).map((e) => ({ kind: "random bytes" as const, ...e })),
  fc.record({ at: position, n: fc.integer({ min: 1, max: 4 }) }).map(({ at, n }) => ({ kind: "nul bytes" as const, at, bytes: new Array<number>(n).fill(0) })),
  fc.record({ at: position }).map(({ at }) => ({ kind: "stray quote" as const, at, bytes: [0x22] })),
  fc.record({ at: position }).map(({ at }) => ({ kind: "lone cr" as const, at, bytes: [0x0d] })),
  fc.record({ at: position }).map(({ at }) => ({ kind: "truncated" as const, at })),
);

/** How the rows are written out. */
interface Layout {
  bom: boolean;
  /** Per row (cycled): its line ending. */
  endings: ("\n" | "\r\n")[];
  quoteAll: boolean;
  finalNewline: boolean;
}

const layout: fc.Arbitrary<Layout> = fc.record({
  bom: fc.boolean(),
  endings: fc.array(fc.constantFrom<"\n" | "\r\n">("\n", "\r\n"), { minLength: 1, maxLength: 5 }),
  quoteAll: fc.boolean(),
  finalNewline: fc.boolean(),
});

export type ShapeFamily = "well-formed" | "unusable" | "damaged";

/**
 * The fuzzed exports of one family: `well-formed` (hostile values, layout, rows of the wrong
 * width; header and escaping intact), `unusable` (a wrong header or bytes never valid UTF-8, on
 * top of the former), `damaged` (byte-level damage whose outcome cannot be known in advance).
 */
export function fuzzedExport(base: BaseExport, family: ShapeFamily, options: ShapeOptions = SMALL_SHAPES): fc.Arbitrary<FuzzExport> {
  const rows = fc.record({
    start: fc.nat({ max: base.rows.length - 1 }),
    count: fc.integer({ min: 1, max: 40 }),
    repeat: fc.integer({ min: 1, max: Math.max(1, options.maxRepeat) }),
  });
  const edits = fc.array(rowEdit(options), { maxLength: 6 });
  const header: fc.Arbitrary<HeaderEdit> = family === "unusable" ? headerEdit : fc.constant({ kind: "none" });
  const bytes: fc.Arbitrary<ByteEdit[]> =
    family === "well-formed"
      ? fc.constant<ByteEdit[]>([])
      : family === "unusable"
        ? fc.array(fc.record({ at: position, bytes: fc.constantFrom(...NEVER_UTF8) }).map((e) => ({ kind: "invalid utf-8" as const, ...e })), { maxLength: 2 })
        : fc.array(byteEdit, { minLength: 1, maxLength: 3 });
  return fc
    .record({ rows, edits, layout, header, bytes })
    .filter((c) => family !== "unusable" || c.header.kind !== "none" || c.bytes.length > 0)
    .map((c) => build(base, c.rows, c.edits, c.layout, c.header, c.bytes));
}

function build(
  base: BaseExport,
  pick: { start: number; count: number; repeat: number },
  edits: RowEdit[],
  form: Layout,
  headerChange: HeaderEdit,
  byteEdits: ByteEdit[],
): FuzzExport {
  const mutations: string[] = [];
  const chosen = base.rows.slice(pick.start, pick.start + pick.count);
  let rows: string[][] = [];
  for (let i = 0; i < pick.repeat; i++) rows.push(...chosen.map((r) => [...r]));
  mutations.push(`rows ${pick.start + 2}..${pick.start + chosen.length + 1} of the valid export${pick.repeat > 1 ? ` × ${pick.repeat}` : ""} (${rows.length} records)`);
  for (const edit of edits) {
    const row = edit.row % rows.length;
    if (edit.kind === "value") {
      const column = edit.column % base.header.length;
      rows[row][column] = edit.value;
      mutations.push(`${edit.what} value in record ${row + 1}, column ${base.header[column]}: ${preview(edit.value)}`);
    } else if (edit.kind === "duplicate") {
      rows.splice(row, 0, [...rows[row]]);
      mutations.push(`record ${row + 1} repeated`);
    } else if (edit.kind === "extra field") {
      rows[row].push(edit.value);
      mutations.push(`record ${row + 1} has a field too many: ${preview(edit.value)}`);
    } else if (rows[row].length > 1) {
      rows[row].pop();
      mutations.push(`record ${row + 1} has a field too few`);
    }
  }

  let header = [...base.header];
  let unusable = false;
  if (headerChange.kind === "permuted") {
    header = headerChange.order.map((c) => base.header[c]);
    rows = rows.map((r) => headerChange.order.map((c) => r[c] ?? ""));
    mutations.push(`columns in another order: ${header.slice(0, 4).join(",")},…`);
    unusable = true;
  } else if (headerChange.kind === "dropped") {
    header.splice(headerChange.column, 1);
    rows = rows.map((r) => r.filter((_, i) => i !== headerChange.column));
    mutations.push(`column ${base.header[headerChange.column]} missing`);
    unusable = true;
  } else if (headerChange.kind === "extra") {
    header.push(headerChange.name);
    rows = rows.map((r) => [...r, ""]);
    mutations.push(`an extra column ${JSON.stringify(headerChange.name)}`);
    unusable = true;
  } else if (headerChange.kind === "renamed") {
    header[headerChange.column] = header[headerChange.column].toUpperCase();
    mutations.push(`column ${base.header[headerChange.column]} renamed ${header[headerChange.column]}`);
    unusable = true;
  }

  const field = (v: string) => (form.quoteAll || /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [header, ...rows].map((r, i) => r.map(field).join(",") + (i === rows.length && !form.finalNewline ? "" : form.endings[i % form.endings.length]));
  let bytes = Buffer.from((form.bom ? "\uFEFF" : "") + lines.join(""), "utf8");
  // The endings actually written (the last line has none without a final newline).
  const written = new Set(lines.map((l) => (l.endsWith("\r\n") ? "\r\n" : l.endsWith("\n") ? "\n" : "")).filter(Boolean));
  const mixed = written.size > 1;

  mutations.push(`${form.bom ? "BOM, " : ""}${mixed ? "CRLF/LF mixed" : form.endings[0] === "\n" ? "LF" : "CRLF"}${form.quoteAll ? ", every field quoted" : ""}${form.finalNewline ? "" : ", no final newline"}`);

  for (const edit of byteEdits) {
    const at = Math.floor(edit.at * (bytes.length + 1));
    if (edit.kind === "truncated") {
      bytes = bytes.subarray(0, at);
      mutations.push(`truncated at byte ${at}`);
    } else {
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(edit.bytes), bytes.subarray(at)]);
      mutations.push(`${edit.kind} at byte ${at}: ${Buffer.from(edit.bytes).toString("hex").slice(0, 32)}`);
      if (edit.kind === "invalid utf-8") unusable = true;
    }
  }
  // Known only while the escaping is intact: byte damage can merge or split records.
  const records = byteEdits.length === 0 && !unusable ? rows.length : undefined;
  return { bytes, mutations, records, unusable, mayRefuse: mixed };
}

function preview(value: string): string {
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value.length > 40 ? `${shown} (${value.length} characters)` : shown;
}
