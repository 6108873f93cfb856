/**
 * Line endings, found by the fuzz suite (tests/fuzz/): a CRLF export with a rejected record gave
 * every later record a source line one too high (DuckDB's text of a rejected CRLF record starts
 * with the previous line's LF); an export whose records end now in CRLF, now in LF stopped with
 * DuckDB's own error, or one that blamed the line length, instead of naming the mix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { RAW_HEADER } from "../../lib/raw/contract";
import { InputError } from "../../lib/raw/inputCheck";
import { loadProfile } from "../../lib/raw/profile";
import { splitExport } from "../../lib/split/split";
import { readParquet, saleRow, stockRow, tempDir } from "../helpers/rawCsv";

const line = (row: Record<string, string>, ending: string) => stringify([RAW_HEADER.map((c) => row[c] ?? "")], { record_delimiter: ending });

async function split(text: string) {
  const dir = tempDir("endings-");
  const input = path.join(dir, "export.csv");
  fs.writeFileSync(input, text);
  const manifest = await splitExport({ input, profile: loadProfile("default"), outDir: path.join(dir, "split") });
  const lines = await readParquet(path.join(dir, "split", "order_lines.parquet"), "select source_line, order_id from t order by source_line");
  const rejects = parse(fs.readFileSync(path.join(dir, "split", "rejects.csv")), { columns: true }) as Record<string, string>[];
  return { input, manifest, lines, rejects };
}

describe("line endings", () => {
  test("a CRLF export with a rejected record keeps every later record on its own line", async () => {
    const short = line(saleRow({ order_id: "O2" }), "\r\n").replace(/,\r\n$/, "\r\n"); // a field too few
    const text =
      RAW_HEADER.join(",") + "\r\n" +
      line(saleRow({ order_id: "O1" }), "\r\n") + // line 2
      short + // line 3: rejected
      line(saleRow({ order_id: "O3", street: "3 rue\r\ndes Lilas" }), "\r\n") + // lines 4-5
      line(saleRow({ order_id: "O4" }), "\r\n"); // line 6
    const { manifest, lines, rejects } = await split(text);
    expect(manifest.records).toMatchObject({ read: 4, sale: 3, rejected: 1 });
    expect(lines).toEqual([
      { source_line: "2", order_id: "O1" },
      { source_line: "4", order_id: "O3" },
      { source_line: "6", order_id: "O4" },
    ]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ source_line: "3", reason_code: "CSV_MISSING_COLUMNS" });
    expect(rejects[0].raw_value).toMatch(/^SALE,O2,/);
  });

  // (A file that starts in LF is read: DuckDB keeps the CR of a CRLF line in its last field.)
  test("records ending in CRLF, then in LF: one InputError naming the file, the first line that switches and the fix", async () => {
    const rows = Array.from({ length: 6 }, (_, i) => line(stockRow({ snapshot_date: `2023-04-${String(i + 1).padStart(2, "0")}` }), i < 3 ? "\r\n" : "\n"));
    const attempt = split(RAW_HEADER.join(",") + "\r\n" + rows.join(""));
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(/export\.csv, line 5: its records end in a mix of CRLF \(Windows\) and LF \(Unix\) line breaks \(4 CRLF, 3 LF; the first LF ends this line\)\. Fix: give every line the same ending/);
  });

  test("the mix found far into the file, past what DuckDB samples, is named the same way", async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => line(stockRow({ stock_on_hand: String(i) }), i < 25_000 ? "\r\n" : "\n"));
    await expect(split(RAW_HEADER.join(",") + "\r\n" + rows.join(""))).rejects.toThrow(/line 25002: its records end in a mix of CRLF \(Windows\) and LF \(Unix\)/);
  }, 120_000);
});
