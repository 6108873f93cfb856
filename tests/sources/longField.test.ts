/**
 * Issue 26 item 1: an over-long value is a defect like any other: its row is rejected at
 * cleansing (VALUE_TOO_LONG, limits in lib/policy.ts), never handed to a rule, and the rejects
 * file quotes only its beginning. A 1 MiB field and a 10 MiB line go through split and cleanse
 * (the jest timeout guards against a hang; the time taken is printed, not asserted).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { cleanseStaging } from "../../lib/cleanse/cleanse";
import { POLICY } from "../../lib/policy";
import { loadProfile } from "../../lib/raw/profile";
import { splitExport } from "../../lib/split/split";
import { saleRow, tempDir, writeRawCsv } from "../helpers/rawCsv";

jest.setTimeout(120_000);

async function run(rows: Record<string, string>[]) {
  const dir = tempDir("long-");
  const input = path.join(dir, "export.csv");
  writeRawCsv(input, rows);
  const profile = loadProfile("default");
  const started = process.hrtime.bigint();
  await splitExport({ input, profile, outDir: path.join(dir, "split") });
  const manifest = await cleanseStaging({ splitDir: path.join(dir, "split"), outDir: path.join(dir, "clean"), profile });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rejectsText = fs.readFileSync(path.join(dir, "clean", "rejects.csv"), "utf8");
  return { manifest, seconds, rejectsText, rejects: parse(rejectsText, { columns: true }) as Record<string, string>[] };
}

describe("over-long values", () => {
  test("a 1 MiB street rejects its customer version with VALUE_TOO_LONG; the sale line is kept", async () => {
    const { manifest, seconds, rejects, rejectsText } = await run([saleRow({ customer_id: "C9", street: "A".repeat(1 << 20) }), saleRow({ order_id: "O2" })]);
    console.log(`1 MiB field: split and cleanse in ${seconds.toFixed(1)} s`);
    expect(manifest.entities.customers.rejectedByReason).toMatchObject({ VALUE_TOO_LONG: 1 });
    expect(manifest.entities.order_lines.rowsKept).toBe(2);
    const reject = rejects.find((r) => r.reason_code === "VALUE_TOO_LONG")!;
    expect(reject).toMatchObject({ entity: "customers", column: "street", source_line: "2", source_file: "export.csv" });
    expect(reject.raw_value).toMatch(new RegExp(`^A{60}… \\(1048576 characters, limit ${POLICY.fieldLength.textChars}\\)$`));
    expect(rejectsText.length).toBeLessThan(10_000);
  });

  test("a 10 MiB line (a product name) goes through: the product is rejected, nothing hangs", async () => {
    const { manifest, seconds } = await run([saleRow({ product_id: "P9", product_name: "B".repeat(10 << 20) }), saleRow({ order_id: "O2" })]);
    console.log(`10 MiB line: split and cleanse in ${seconds.toFixed(1)} s`);
    expect(manifest.entities.products.rejectedByReason).toMatchObject({ VALUE_TOO_LONG: 1 });
    expect(manifest.entities.order_lines.rowsKept).toBe(2);
  });

  test("an over-long identifier is rejected before the rule reads it", async () => {
    const { manifest, rejects } = await run([saleRow({ order_id: "O".repeat(POLICY.fieldLength.codeChars + 1) }), saleRow({ order_id: "O2" })]);
    expect(manifest.entities.order_lines.rejectedByReason).toMatchObject({ VALUE_TOO_LONG: 1 });
    expect(rejects.find((r) => r.entity === "order_lines" && r.reason_code === "VALUE_TOO_LONG")).toMatchObject({ column: "order_id", source_line: "2" });
  });
});
