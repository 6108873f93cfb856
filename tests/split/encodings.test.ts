/**
 * The encodings a source profile may name (format.encoding: utf-8, latin-1, utf-16, DuckDB's own):
 * the same export written in each gives the same staged records on the same physical lines, and
 * `profile check` samples the file's bytes as they are, so that it reads a Latin-1 or UTF-16
 * export as the run does and refuses what the run refuses. A UTF-16 export failed the header
 * check ("not valid UTF-8") whatever its profile said, and the check's sample, decoded as UTF-8
 * and written back, turned a Latin-1 header into replacement characters (and let a Latin-1 file
 * under a UTF-8 profile pass the check that the run then refused).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { checkProfile } from "../../lib/cli/profileCheck";
import { checkHeader, inspectInput, InputError, lineEndings } from "../../lib/raw/inputCheck";
import { loadProfile, type SourceProfile } from "../../lib/raw/profile";
import { RAW_HEADER } from "../../lib/raw/contract";
import { splitExport } from "../../lib/split/split";
import { readParquet, saleRow, stockRow, tempDir, writeRawCsv } from "../helpers/rawCsv";

jest.setTimeout(120_000);

const encoded = (encoding: "utf-8" | "latin-1" | "utf-16"): SourceProfile => {
  const base = loadProfile("default");
  return { ...base, name: `default-${encoding}`, format: { ...base.format, encoding } };
};

/** The UTF-8 export rewritten in another encoding (UTF-16 little-endian with its byte order mark). */
function reencode(utf8File: string, target: string, encoding: "latin-1" | "utf-16", bom = true): string {
  const text = fs.readFileSync(utf8File, "utf8");
  fs.writeFileSync(target, encoding === "latin-1" ? Buffer.from(text, "latin1") : Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, "utf16le")]));
  return target;
}

function accentedExport(dir: string): string {
  const file = path.join(dir, "export.csv");
  writeRawCsv(file, [
    saleRow({ order_id: "O1", city: "Orléans", street: "Bâtiment B\nRésidence « Les Pins »" }),
    saleRow({ order_id: "O2", line_number: "1", customer_id: "C2", last_name: "Müller", city: "Besançon" }),
    stockRow(),
    saleRow({ order_id: "O3", quantity: "many" }),
  ]);
  return file;
}

async function staged(input: string, profile: SourceProfile) {
  const out = path.join(tempDir("enc-split-"), "split");
  const manifest = await splitExport({ input, profile, outDir: out });
  const lines = await readParquet(path.join(out, "order_lines.parquet"), "select source_line::int as line, order_id, quantity from t order by 1");
  const customers = await readParquet(path.join(out, "customers.parquet"), "select source_line::int as line, city, street, last_name from t order by 1");
  return { records: manifest.records, physicalLines: manifest.source.physicalLines, lines, customers };
}

describe("an export in Latin-1 or UTF-16 (little-endian), as its profile says", () => {
  test("stages the same records, values and physical lines as the same export in UTF-8", async () => {
    const dir = tempDir("enc-");
    const utf8 = accentedExport(dir);
    const expected = await staged(utf8, encoded("utf-8"));
    expect(expected.customers.map((c) => c.city)).toEqual(expect.arrayContaining(["Orléans", "Besançon"]));
    expect(expected.physicalLines).toBe(6); // header, O1 on two lines, O2, stock, O3
    expect(await staged(reencode(utf8, path.join(dir, "latin1.csv"), "latin-1"), encoded("latin-1"))).toEqual(expected);
    expect(await staged(reencode(utf8, path.join(dir, "utf16.csv"), "utf-16"), encoded("utf-16"))).toEqual(expected);
    expect(await staged(reencode(utf8, path.join(dir, "utf16-nobom.csv"), "utf-16", false), encoded("utf-16"))).toEqual(expected);
    const gz = path.join(dir, "utf16.csv.gz");
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(path.join(dir, "utf16.csv"))));
    expect(await staged(gz, encoded("utf-16"))).toEqual(expected);
  });

  test("a file in another encoding than its profile's, or in UTF-16 big-endian: stopped at line 1, saying which and how to convert", async () => {
    const dir = tempDir("enc-");
    const utf8 = accentedExport(dir);
    const utf16 = reencode(utf8, path.join(dir, "utf16.csv"), "utf-16");
    const format = (p: SourceProfile) => ({ profileName: p.name, header: [...RAW_HEADER], delimiter: ",", quote: '"', encoding: p.format.encoding });
    const stop = (file: string, p: SourceProfile) => {
      try {
        checkHeader(file, format(p));
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        expect(error).toMatchObject({ file, line: 1 });
        return (error as Error).message;
      }
      throw new Error(`${file} passed the header check under ${p.name}`);
    };
    expect(stop(utf16, encoded("utf-8"))).toMatch(/is UTF-16, not UTF-8 as its source profile says\. Fix: set format\.encoding to "utf-16"/);
    expect(stop(utf16, encoded("latin-1"))).toMatch(/is UTF-16, not Latin-1 as its source profile says/);
    const bigEndian = path.join(dir, "be.csv");
    const text = fs.readFileSync(utf8, "utf8");
    fs.writeFileSync(bigEndian, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]));
    expect(stop(bigEndian, encoded("utf-16"))).toMatch(/is UTF-16 big-endian; the reader takes UTF-16 little-endian only\. Fix: convert it, e\.g\. `iconv -f UTF-16BE -t UTF-8/);
    fs.writeFileSync(bigEndian, Buffer.from(text, "utf16le").swap16());
    expect(stop(bigEndian, encoded("utf-16"))).toMatch(/is not UTF-16 little-endian/);
    const odd = path.join(dir, "odd.csv");
    fs.writeFileSync(odd, Buffer.concat([fs.readFileSync(utf16), Buffer.from([0x41])]));
    await expect(inspectInput(odd, { encoding: "utf-16" })).rejects.toThrow(/ends in the middle of a UTF-16 character/);
  });

  test("line endings are counted per character in UTF-16 (a 0x0A byte is half of many characters)", async () => {
    const dir = tempDir("enc-");
    const file = path.join(dir, "crlf16.csv");
    // "Ċ" (U+010A) is the bytes 0A 01 in UTF-16LE: not a line break.
    fs.writeFileSync(file, Buffer.from('a,b\r\n"Ċ",1\r\nx,"2\n3"\r\n', "utf16le"));
    expect(await lineEndings(file, '"', "utf-16")).toEqual({ crlf: 3, lf: 0, firstEnding: "CRLF" });
    expect((await inspectInput(file, { encoding: "utf-16" })).physicalLines).toBe(4);
  });
});

describe("profile check reads the export's bytes as the run does", () => {
  test("a Latin-1 export under a Latin-1 profile: its header and values read, its lines kept", async () => {
    const dir = tempDir("enc-check-");
    const latin1 = reencode(accentedExport(dir), path.join(dir, "latin1.csv"), "latin-1");
    const report = await checkProfile({ input: latin1, profile: encoded("latin-1"), rows: 10 });
    expect(report.split.records).toMatchObject({ read: 4, sale: 3, stock: 1 });
    expect(report.examples).toEqual(expect.arrayContaining([expect.objectContaining({ entity: "order_lines", source_line: "6", reason: "INVALID_INTEGER" })]));
    const utf16 = reencode(path.join(dir, "export.csv"), path.join(dir, "utf16.csv"), "utf-16");
    expect((await checkProfile({ input: utf16, profile: encoded("utf-16"), rows: 10 })).split.records).toMatchObject({ read: 4, sale: 3, stock: 1 });
  });

  test("a Latin-1 export under a UTF-8 profile fails the check as it fails the run, at the same line", async () => {
    const dir = tempDir("enc-check-");
    const latin1 = reencode(accentedExport(dir), path.join(dir, "latin1.csv"), "latin-1");
    const run = await splitExport({ input: latin1, profile: encoded("utf-8"), outDir: path.join(dir, "split") }).then(() => null, (e: unknown) => e as InputError);
    expect(run).toMatchObject({ name: "InputError", file: latin1, line: 2 });
    expect(run!.message).toMatch(/is not valid UTF-8/);
    await expect(checkProfile({ input: latin1, profile: encoded("utf-8"), rows: 10 })).rejects.toMatchObject({ name: "InputError", file: latin1, line: 2, message: run!.message });
  });

  test("a sample keeps the export's line endings: a file that mixes CRLF and LF fails the check as it fails the run", async () => {
    const dir = tempDir("enc-check-");
    const lines = fs.readFileSync(accentedExport(dir), "utf8").replace(/\n$/, "").split(/\n(?=[A-Z])/);
    const crlf = path.join(dir, "crlf.csv");
    fs.writeFileSync(crlf, lines.map((l) => `${l}\r\n`).join(""));
    expect(await lineEndings(crlf)).toMatchObject({ lf: 0, firstEnding: "CRLF" });
    expect((await checkProfile({ input: crlf, profile: encoded("utf-8"), rows: 10 })).split.records).toMatchObject({ read: 4, sale: 3, stock: 1, rejected: 0 });
    // The header and the first record end in CRLF, the others in LF.
    const mixed = path.join(dir, "mixed.csv");
    fs.writeFileSync(mixed, lines.map((l, i) => l + (i < 2 ? "\r\n" : "\n")).join(""));
    const run = await splitExport({ input: mixed, profile: encoded("utf-8"), outDir: path.join(dir, "split") }).then(() => null, (e: unknown) => e as InputError);
    expect(run).toMatchObject({ name: "InputError", file: mixed });
    expect(run!.message).toMatch(/a mix of CRLF \(Windows\) and LF \(Unix\) line breaks/);
    await expect(checkProfile({ input: mixed, profile: encoded("utf-8"), rows: 10 })).rejects.toMatchObject({ name: "InputError", file: mixed, message: run!.message });
  });
});
