import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { loadProfile } from "../../lib/raw/profile";
import { InputError } from "../../lib/raw/inputCheck";
import { RAW_HEADER } from "../../lib/raw/contract";
import { splitExport } from "../../lib/split/split";
import { readParquet, saleRow, stockRow, tempDir, writeRawCsv } from "../helpers/rawCsv";

const profile = loadProfile("default");

function sampleExport(dir: string): string {
  const file = path.join(dir, "export.csv");
  const rows = [
    saleRow({ order_id: "O1", line_number: "1" }),
    saleRow({ order_id: "O1", line_number: "2", street: "Bâtiment B\nRésidence \"Les Pins\", 2 allée d'Erdre" }),
    stockRow(),
    saleRow({ order_id: "O2", line_number: "1", customer_id: "C2" }),
    saleRow({ record_type: "REFUND", order_id: "O3" }),
  ];
  // A record with too few columns, between the multi-line record and the stock row.
  writeRawCsv(file, rows, { 2: "SALE,O9,1" });
  return file;
}

describe("the data splitter", () => {
  test("splits by record type and entity, with the physical source line of every record", async () => {
    const dir = tempDir();
    const out = path.join(dir, "split");
    const manifest = await splitExport({ input: sampleExport(dir), profile, outDir: out });
    // header=1, O1/1=2, O1/2=3-4 (newline inside quotes), malformed=5, stock=6, O2=7, REFUND=8
    expect(manifest.records).toEqual({ read: 6, sale: 3, stock: 1, master: 0, rejected: 2 });
    expect(manifest.rejectsByReason).toEqual({ CSV_MISSING_COLUMNS: 1, UNKNOWN_RECORD_TYPE: 1 });
    const lines = await readParquet(path.join(out, "order_lines.parquet"), "select source_line::int as l, order_id from t order by 1");
    expect(lines).toEqual([{ l: 2, order_id: "O1" }, { l: 3, order_id: "O1" }, { l: 7, order_id: "O2" }]);
    const stock = await readParquet(path.join(out, "stock_snapshots.parquet"), "select source_line::int as l from t");
    expect(stock).toEqual([{ l: 6 }]);
    const rejects = fs.readFileSync(path.join(out, "rejects.csv"), "utf8").trim().split("\n");
    expect(rejects[1]).toMatch(/^5,raw,/);
    expect(rejects[2]).toMatch(/^8,raw,record_type,REFUND,UNKNOWN_RECORD_TYPE/);
    expect(manifest.outputs.customers.rows).toBe(3); // C1 twice with different streets, and C2
    expect(manifest.outputs.order_lines.rows + manifest.outputs.stock_snapshots.rows + manifest.records.rejected).toBe(manifest.records.read);
  });

  test("never stages the payment card number", async () => {
    const dir = tempDir();
    const out = path.join(dir, "split");
    const manifest = await splitExport({ input: sampleExport(dir), profile, outDir: out });
    expect(manifest.droppedColumns).toContain("card_number");
    for (const { file } of Object.values(manifest.outputs)) {
      const bytes = fs.readFileSync(path.join(out, file));
      expect(bytes.includes(Buffer.from("4970100000000000"))).toBe(false);
      const cols = await readParquet(path.join(out, file), "select column_name from (describe t)");
      expect(cols.map((c) => c.column_name)).not.toContain("card_number");
    }
  });

  test("a rerun on the same input gives identical bytes", async () => {
    const dir = tempDir();
    const input = sampleExport(dir);
    const digest = async (out: string) => {
      await splitExport({ input, profile, outDir: out });
      return fs.readdirSync(out).sort().map((f) => `${f}:${crypto.createHash("sha256").update(fs.readFileSync(path.join(out, f))).digest("hex")}`);
    };
    expect(await digest(path.join(dir, "a"))).toEqual(await digest(path.join(dir, "b")));
  });

  test("reads gzip input like plain CSV", async () => {
    const dir = tempDir();
    const plain = sampleExport(dir);
    fs.writeFileSync(`${plain}.gz`, zlib.gzipSync(fs.readFileSync(plain)));
    const manifest = await splitExport({ input: `${plain}.gz`, profile, outDir: path.join(dir, "gz") });
    expect(manifest.records.read).toBe(6);
    expect(manifest.source.physicalLines).toBe(8);
  });
});

describe("unusable input stops the run, names the file and the fix, and keeps the previous outputs", () => {
  async function expectStop(input: string, pattern: RegExp) {
    const dir = tempDir();
    const out = path.join(dir, "split");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "manifest.json"), "previous run");
    const error = await splitExport({ input, profile, outDir: out }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(input);
    expect((error as Error).message).toMatch(/Fix: /);
    expect((error as Error).message).toMatch(pattern);
    expect(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).toBe("previous run");
    expect(fs.readdirSync(dir)).toEqual(["split"]);
  }

  test("a missing file", async () => {
    await expectStop(path.join(tempDir(), "nope.csv"), /not found/);
  });

  test("a wrong header", async () => {
    const file = path.join(tempDir(), "wrong.csv");
    fs.writeFileSync(file, "record_type,order_ref,foo\nSALE,1,2\n");
    await expectStop(file, /wrong header.*missing "order_id".*unexpected "order_ref", "foo"/);
  });

  test("a truncated gzip", async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 3000 }, (_, i) => saleRow({ order_id: `O${i}`, product_name: crypto.randomBytes(20).toString("hex") }));
    writeRawCsv(path.join(dir, "big.csv"), rows);
    const gz = zlib.gzipSync(fs.readFileSync(path.join(dir, "big.csv")));
    const file = path.join(dir, "truncated.csv.gz");
    fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    await expectStop(file, /gzip archive is damaged or truncated/);
  });

  test("the right columns behind another delimiter: the delimiter is named, not every column as missing", async () => {
    const dir = tempDir();
    const header = RAW_HEADER.join(",");
    for (const [name, d, shown] of [["semicolons.csv", ";", "';'"], ["tabs.tsv", "\t", "a tab"]]) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, header.split(",").join(d) + "\n");
      const literal = `line 1: wrong delimiter for source profile "default": the header holds the profile's columns separated by ${shown}, not by ','. Fix: export it again separated by ',', or use a copy of profile "default" whose format.delimiter is ${JSON.stringify(d)} `;
      await expectStop(file, new RegExp(literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    }
  });

  test("the right columns in capitals: the first one spelt otherwise is named", async () => {
    const dir = tempDir();
    const header = RAW_HEADER.join(",");
    const file = path.join(dir, "capitals.csv");
    fs.writeFileSync(file, header.toUpperCase() + "\n");
    await expectStop(file, /line 1: wrong header for source profile "default" \(the profile's columns, but spelt otherwise: "RECORD_TYPE" for "record_type"; names are matched exactly, case and spaces included\)/);
  });

  test("a separator at the end of the header, a column twice: named as such (they were 'unexpected \"\"' and 'columns in another order')", async () => {
    const dir = tempDir();
    const header = RAW_HEADER.join(",");
    const trailing = path.join(dir, "trailing.csv");
    fs.writeFileSync(trailing, `${header},\n`);
    await expectStop(trailing, /line 1: wrong header for source profile "default" \(a column without a name \(a separator at the end of the line\?\)\)/);
    const twice = path.join(dir, "twice.csv");
    fs.writeFileSync(twice, `${header},city\n`);
    await expectStop(twice, /line 1: wrong header for source profile "default" \("city" more than once\)/);
  });

  test("a spreadsheet, an archive or a compressed file: named as what it is, with its own fix (they were all \"not valid UTF-8\", fix iconv)", async () => {
    const dir = tempDir();
    const csv = path.join(dir, "ok.csv");
    writeRawCsv(csv, [saleRow()]);
    const text = fs.readFileSync(csv);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from("[Content_Types].xml"), Buffer.alloc(64)]);
    const cases: [string, Buffer, RegExp][] = [
      ["sales.xlsx", zip, /: is a ZIP archive \(an Excel \.xlsx .*\), not a CSV file\. Fix: save the sheet as CSV \(UTF-8\)/],
      ["sales.csv", zip, /: is a ZIP archive .*not a CSV file/],
      ["sales.xls", Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]), /: is a legacy Excel workbook \(\.xls\), not a CSV file\. Fix: save the sheet as CSV/],
      ["export.csv", zlib.gzipSync(text), /: is gzip-compressed but its name does not end in \.gz\. Fix: rename it .*`mv export\.csv export\.csv\.gz`/],
      ["export.csv.gz", zip, /: is named \.gz but is a ZIP archive .*, not a gzip file\. Fix: save the sheet as CSV/],
      ["export.csv.bz2", Buffer.concat([Buffer.from("BZh91AY&SY"), Buffer.alloc(32)]), /: is bzip2-compressed, not a CSV file\. Fix: recompress it with gzip/],
      ["export.csv.zst", Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(32)]), /: is zstd-compressed, not a CSV file/],
      ["export.csv.xz", Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(32)]), /: is xz-compressed, not a CSV file/],
      ["export.7z", Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), Buffer.alloc(32)]), /: is a 7-Zip archive, not a CSV file/],
      ["sales.sqlite", Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(84)]), /: is an SQLite database, not a CSV file\. Fix: export the table as CSV/],
      ["export.pdf", Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"), /: is a PDF document, not a CSV file/],
    ];
    for (const [name, bytes, pattern] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      await expectStop(file, pattern);
    }
    // A text header that merely starts with a magic number's letters is read as text: its header is wrong, that is all.
    const bzh = path.join(dir, "bzh.csv");
    fs.writeFileSync(bzh, "BZh,PAR1\n1,2\n");
    await expectStop(bzh, /line 1: wrong header for source profile "default".*unexpected "BZh", "PAR1"/);
  });

  test("a file that is not UTF-8, with the line of the first bad byte", async () => {
    const dir = tempDir();
    const utf8 = path.join(dir, "ok.csv");
    writeRawCsv(utf8, [saleRow(), saleRow({ order_id: "O2", city: "Orléans" })]);
    const file = path.join(dir, "latin1.csv");
    fs.writeFileSync(file, Buffer.from(fs.readFileSync(utf8, "utf8"), "latin1"));
    await expectStop(file, /line 3: is not valid UTF-8.*iconv/);
  });
});
