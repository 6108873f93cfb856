import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isUtf8 } from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import * as zlib from "node:zlib";
import { InputError } from "./inputError";

/** How one CSV file is read: its profile's name (for messages), header and dialect. */
export interface CsvFormat {
  profileName: string;
  header: string[];
  delimiter: string;
  quote: string;
  encoding?: "utf-8" | "latin-1" | "utf-16";
}

/** An input the pipeline cannot use at all: it stops the run, names the file and says the fix. */
export { InputError };

export interface InputFacts {
  bytes: number;
  sha256: string;
  compressed: boolean;
  /** Newline characters in the (decompressed) file: physical lines, header included. */
  physicalLines: number;
}

const HEADER_PROBE_BYTES = 1 << 20;

/** The Node encoding that decodes a profile's `format.encoding` (UTF-16 little-endian, as DuckDB reads it). */
export const NODE_ENCODING: Record<NonNullable<CsvFormat["encoding"]>, BufferEncoding> = { "utf-8": "utf8", "latin-1": "latin1", "utf-16": "utf16le" };

/** Fast checks before any work: the file exists, is not empty, and its header is the profile's. */
export function checkHeader(file: string, format: CsvFormat, parquet = false): void {
  if (!fs.existsSync(file)) {
    throw new InputError(file, "input file not found", "check the path, or run `npm start -- generate` to create the default export");
  }
  if (fs.statSync(file).isDirectory()) throw new InputError(file, "is a directory, not a CSV file", "pass the path of the export file");
  if (fs.statSync(file).size === 0) throw new InputError(file, "the file is empty", "export the data again");
  if (parquet) {
    checkParquetMagic(file, format.profileName);
    return;
  }
  const profile = { name: format.profileName, format };
  const head = readHead(file);
  const other = binaryFormatOf(head);
  if (other) throw new InputError(file, `is ${other.what}, not a CSV file`, other.fix);
  const header = profile.format.encoding === "utf-16" ? utf16HeaderLine(file, head) : byteHeaderLine(file, head, profile.format.encoding === "latin-1");
  const found = splitHeader(header, profile.format.delimiter, profile.format.quote);
  const expected = profile.format.header;
  const missing = expected.filter((c) => !found.includes(c));
  const unexpected = found.filter((c) => !expected.includes(c));
  if (missing.length || unexpected.length || found.join() !== expected.join()) {
    const parts = [];
    const named = unexpected.filter((c) => c.trim() !== "");
    const unnamed = found.filter((c) => c.trim() === "").length;
    const twice = [...new Set(found.filter((c, i) => c.trim() !== "" && found.indexOf(c) !== i))];
    if (missing.length) parts.push(`missing ${missing.map((c) => `"${c}"`).join(", ")}`);
    if (named.length) parts.push(`unexpected ${named.map((c) => `"${c}"`).join(", ")}`);
    if (unnamed) parts.push(`${unnamed === 1 ? "a column" : `${unnamed} columns`} without a name${found[found.length - 1].trim() === "" ? " (a separator at the end of the line?)" : ""}`);
    if (twice.length) parts.push(`${twice.map((c) => `"${c}"`).join(", ")} more than once`);
    if (!parts.length) parts.push("columns in another order");
    // The right columns in another case or with spaces around them: column names are matched exactly.
    const loose = (c: string) => c.trim().toLowerCase();
    if (found.length === expected.length && found.every((c, i) => loose(c) === loose(expected[i]))) {
      const first = found.find((c, i) => c !== expected[i])!;
      parts.splice(0, parts.length, `the profile's columns, but spelt otherwise: "${first}" for "${expected[found.indexOf(first)]}"; names are matched exactly, case and spaces included`);
    }
    // The right columns behind another delimiter (a spreadsheet's regional CSV uses ';'): say so.
    const delimiter = [",", ";", "\t", "|"].find((d) => d !== profile.format.delimiter && expected.every((c) => splitHeader(header, d, profile.format.quote).includes(c)));
    if (delimiter !== undefined) {
      const shown = (d: string) => (d === "\t" ? "a tab" : `'${d}'`);
      throw new InputError(
        file,
        `wrong delimiter for source profile "${profile.name}": the header holds the profile's columns separated by ${shown(delimiter)}, not by ${shown(profile.format.delimiter)}`,
        `export it again separated by ${shown(profile.format.delimiter)}, or use a copy of profile "${profile.name}" whose format.delimiter is ${JSON.stringify(delimiter)} (data/sources/, --profile <name>)`,
        1,
      );
    }
    throw new InputError(
      file,
      `wrong header for source profile "${profile.name}" (${parts.join("; ")})`,
      `export with the documented header (data/README.md), or pick or write a source profile for this export (--profile <name>, data/sources/)`,
      1,
    );
  }
}

/** The header line of a UTF-8 or Latin-1 file (a UTF-8 byte order mark left out). */
function byteHeaderLine(file: string, head: Buffer, latin1: boolean): string {
  let text = head.subarray(0, Math.max(0, head.indexOf(0x0a)) || head.length);
  if (text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf) text = text.subarray(3);
  if (looksUtf16(head)) {
    throw new InputError(file, `is UTF-16, not ${latin1 ? "Latin-1" : "UTF-8"} as its source profile says`, 'set format.encoding to "utf-16" in the source profile, or convert it, e.g. `iconv -f UTF-16 -t UTF-8 in.csv > out.csv`', 1);
  }
  if (!latin1 && !isUtf8(text)) {
    throw new InputError(file, "the header line is not valid UTF-8", "convert the file, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv`, or set format.encoding in the source profile", 1);
  }
  return text.toString(latin1 ? "latin1" : "utf8").replace(/\r$/, "");
}

/** A UTF-16 byte order mark, or the NUL bytes of ASCII text written in UTF-16. */
function looksUtf16(head: Buffer): boolean {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return true;
  const probe = head.subarray(0, 64);
  return probe.length >= 8 && probe.filter((b) => b === 0).length * 3 >= probe.length;
}

/**
 * The header line of a UTF-16 file: little-endian, with or without its byte order mark, as
 * DuckDB's reader takes it (it refuses big-endian: "File is not utf-16 encoded").
 */
function utf16HeaderLine(file: string, head: Buffer): string {
  const convert = "convert it, e.g. `iconv -f UTF-16BE -t UTF-8 in.csv > out.csv`, and set format.encoding to \"utf-8\" in the source profile";
  if (head[0] === 0xfe && head[1] === 0xff) throw new InputError(file, "is UTF-16 big-endian; the reader takes UTF-16 little-endian only", convert, 1);
  const text = head.subarray(0, head.length - (head.length % 2)).toString("utf16le").replace(/^\ufeff/, "");
  const line = text.slice(0, text.includes("\n") ? text.indexOf("\n") : text.length).replace(/\r$/, "");
  // A big-endian file without a mark reads as CJK-looking text with no delimiter in it.
  if (line.length > 0 && /^[\u0100-\uffff]+$/.test(line.slice(0, 16))) throw new InputError(file, "is not UTF-16 little-endian (big-endian, or another encoding)", convert, 1);
  return line;
}

/**
 * The formats an export is often delivered in by mistake, by their first bytes (their "magic
 * numbers"), each with what to do instead. Without this, a spreadsheet or an archive fails the
 * header check as "not valid UTF-8", and its fix (convert the encoding) would not help.
 */
const BINARY_FORMATS: { magic: number[]; what: string; fix: string }[] = [
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    what: "a ZIP archive (an Excel .xlsx or OpenDocument .ods workbook, or a zipped file)",
    fix: "save the sheet as CSV (UTF-8) from the spreadsheet (the export's columns as data/README.md documents them, or a source profile's), or unzip the archive and pass the file inside",
  },
  { magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: "a legacy Excel workbook (.xls)", fix: "save the sheet as CSV (UTF-8) from the spreadsheet" },
  { magic: [0x50, 0x41, 0x52, 0x31], what: "a Parquet file", fix: "pass the export as CSV, or write a source profile that reads Parquet (data/README.md, \"Source profiles\")" },
  { magic: [0x42, 0x5a, 0x68], what: "bzip2-compressed", fix: "recompress it with gzip (`bunzip2 -c in.csv.bz2 | gzip > in.csv.gz`), or decompress it with `bunzip2`" },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: "xz-compressed", fix: "recompress it with gzip (`xz -dc in.csv.xz | gzip > in.csv.gz`), or decompress it with `unxz`" },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: "zstd-compressed", fix: "recompress it with gzip (`zstd -dc in.csv.zst | gzip > in.csv.gz`), or decompress it with `unzstd`" },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: "a 7-Zip archive", fix: "extract it (`7z x`) and pass the CSV file inside" },
  { magic: [0x25, 0x50, 0x44, 0x46, 0x2d], what: "a PDF document", fix: "export the data itself as CSV (UTF-8): a report printed to PDF cannot be read back" },
  { magic: [...Buffer.from("SQLite format 3\0")], what: "an SQLite database", fix: "export the table as CSV, e.g. `sqlite3 -header -csv db.sqlite 'select * from sales' > export.csv`" },
];

/** The binary format a file's first bytes name, if any (BINARY_FORMATS). */
export function binaryFormatOf(head: Buffer): { what: string; fix: string } | null {
  // bzip2's "BZh" is followed by the block size, a digit 1-9: text starting "BZh" is not bzip2.
  const found = BINARY_FORMATS.find((f) => f.magic.every((b, i) => head[i] === b) && (f.magic[0] !== 0x42 || (head[3] >= 0x31 && head[3] <= 0x39)));
  return found ? { what: found.what, fix: found.fix } : null;
}

/** A profile that reads Parquet: the file must start and end with Parquet's magic number, "PAR1". */
function checkParquetMagic(file: string, profileName: string): void {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(64, size));
    fs.readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(4);
    fs.readSync(fd, tail, 0, 4, Math.max(0, size - 4));
    if (size >= 12 && head.subarray(0, 4).toString("latin1") === "PAR1" && tail.toString("latin1") === "PAR1") return;
    const starts = head.subarray(0, 4).toString("latin1") === "PAR1";
    const other = starts ? null : binaryFormatOf(head);
    const what = starts
      ? "a truncated Parquet file (it does not end with PAR1, its footer)"
      : other
        ? other.what
        : head[0] === 0x1f && head[1] === 0x8b
          ? "gzip-compressed"
          : "not a Parquet file (it does not start and end with PAR1)";
    throw new InputError(file, `source profile "${profileName}" reads this file as Parquet, but it is ${what}`, "pass the file the profile describes (data/README.md, \"Source profiles\"), or a profile that reads it as it is");
  } finally {
    fs.closeSync(fd);
  }
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(HEADER_PROBE_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const raw = buf.subarray(0, n);
    const gzip = raw[0] === 0x1f && raw[1] === 0x8b;
    if (!file.endsWith(".gz")) {
      // The readers choose gzip by the name: a compressed file named otherwise reads as binary.
      if (gzip) throw new InputError(file, "is gzip-compressed but its name does not end in .gz", `rename it so that it does (e.g. \`mv ${path.basename(file)} ${path.basename(file)}.gz\`), or decompress it with \`gunzip -c\``);
      return raw;
    }
    const other = gzip ? null : binaryFormatOf(raw);
    if (other) throw new InputError(file, `is named .gz but is ${other.what}, not a gzip file`, other.fix);
    try {
      // A partial gzip member: decompress what we have, tolerating the missing end.
      return zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      throw new InputError(file, "is named .gz but is not a gzip file", "compress it with `gzip`, or drop the .gz suffix if it is plain CSV");
    }
  } finally {
    fs.closeSync(fd);
  }
}

function splitHeader(line: string, delimiter: string, quote: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === quote && line[i + 1] === quote) (field += quote), i++;
      else if (ch === quote) quoted = false;
      else field += ch;
    } else if (ch === quote) quoted = true;
    else if (ch === delimiter) out.push(field.trim()), (field = "");
    else field += ch;
  }
  out.push(field.trim());
  return out;
}

/**
 * One streaming pass over the whole file: checksum, gzip integrity (a truncated archive is an
 * error, not a shorter dataset: DuckDB silently reads a truncated gzip up to where it stops),
 * UTF-8 validity with the line of the first bad byte, and the physical line count.
 */
export async function inspectInput(file: string, format: Pick<CsvFormat, "encoding">, parquet = false): Promise<InputFacts> {
  const compressed = file.endsWith(".gz");
  const hash = crypto.createHash("sha256");
  let bytes = 0;
  let lines = 0;
  let carry = Buffer.alloc(0);
  const checkUtf8 = !parquet && (format.encoding ?? "utf-8") === "utf-8";
  // UTF-16 (little-endian): lines are counted on the decoded text, a 0x0A byte being half of many characters.
  const utf16 = !parquet && format.encoding === "utf-16" ? new StringDecoder("utf16le") : null;
  let decodedBytes = 0;

  const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  source.on("data", (chunk) => {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  });
  const stream = compressed ? source.pipe(zlib.createGunzip()) : source;

  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      let chunk = carry.length ? Buffer.concat([carry, piece]) : piece;
      if (checkUtf8) {
        // Hold back an incomplete trailing UTF-8 sequence for the next chunk.
        let end = chunk.length;
        let back = 0;
        while (back < 3 && end - back - 1 >= 0 && (chunk[end - back - 1] & 0xc0) === 0x80) back++;
        const lead = end - back - 1;
        if (lead >= 0) {
          const b = chunk[lead];
          const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
          if (need > back + 1) end = lead;
        }
        const complete = chunk.subarray(0, end);
        if (!isUtf8(complete)) {
          const at = lines + firstInvalidLine(complete);
          throw new InputError(
            file,
            "is not valid UTF-8",
            "convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv`, or set format.encoding to latin-1 in the source profile",
            at,
          );
        }
        carry = Buffer.from(chunk.subarray(end));
        chunk = complete;
      }
      if (utf16) {
        decodedBytes += chunk.length;
        const text = utf16.write(chunk);
        for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
      } else if (!parquet) for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const message = (err as Error).message;
    if (compressed) {
      throw new InputError(file, `the gzip archive is damaged or truncated (${message})`, "copy or download the export again, then check it with `gzip -t`");
    }
    throw new InputError(file, `cannot be read (${message})`, "check the file's permissions and the disk");
  }
  if (carry.length) throw new InputError(file, "ends in the middle of a UTF-8 character", "export the file again", lines + 1);
  if (decodedBytes % 2 === 1) throw new InputError(file, "ends in the middle of a UTF-16 character (an odd number of bytes)", "export the file again", lines + 1);
  return { bytes, sha256: hash.digest("hex"), compressed, physicalLines: lines };
}

function firstInvalidLine(chunk: Buffer): number {
  let line = 1;
  let start = 0;
  for (let i = chunk.indexOf(0x0a); ; i = chunk.indexOf(0x0a, i + 1)) {
    const end = i === -1 ? chunk.length : i;
    if (!isUtf8(chunk.subarray(start, end))) return line;
    if (i === -1) return line;
    line++;
    start = i + 1;
  }
}

/** How a CSV file's records end: counts of CRLF and bare LF outside quoted fields, and the first line that breaks the file's first habit. */
export interface LineEndings {
  crlf: number;
  lf: number;
  /** The first line whose ending differs from the first line's (1-based), when the file mixes them. */
  firstOther?: number;
  firstEnding?: "CRLF" | "LF";
}

/**
 * One streaming pass (gzip too) over the file's record ends: breaks inside quoted fields are
 * values, not ends, and do not count. DuckDB's strict CSV reader cannot read a file whose records
 * end now in CRLF, now in LF: this says which line switches, so the error can name it.
 */
export async function lineEndings(file: string, quote = '"', encoding: CsvFormat["encoding"] = "utf-8"): Promise<LineEndings> {
  const q = quote.charCodeAt(0);
  const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = file.endsWith(".gz") ? source.pipe(zlib.createGunzip()) : source;
  // UTF-8 and Latin-1 byte by byte (quotes and line breaks are ASCII), UTF-16 by code units.
  const decoder = encoding === "utf-16" ? new StringDecoder("utf16le") : null;
  const out: LineEndings = { crlf: 0, lf: 0 };
  let quoted = false;
  let previous = -1;
  let line = 1;
  for await (const piece of stream as AsyncIterable<Buffer>) {
    const text = decoder ? decoder.write(piece) : null;
    const chunk = text ?? piece;
    const at = text ? (i: number) => text.charCodeAt(i) : (i: number) => piece[i];
    for (let i = 0; i < chunk.length; i++) {
      const b = at(i);
      if (b === q) quoted = !quoted;
      else if (b === 0x0a) {
        if (!quoted) {
          const ending = previous === 0x0d ? "CRLF" : "LF";
          if (ending === "CRLF") out.crlf++;
          else out.lf++;
          out.firstEnding ??= ending;
          if (ending !== out.firstEnding && out.firstOther === undefined) out.firstOther = line;
        }
        line++;
      }
      previous = b;
    }
  }
  return out;
}
