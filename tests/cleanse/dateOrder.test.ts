/**
 * Day and month in the other order than the profile reads them (lib/cleanse/rules/dateOrder.ts):
 * an export written month first, read with the default profile (`%d/%m/%Y` before any month-first
 * format), had every date up to the 12th of a month read as another date, silently, and only the
 * others rejected as INVALID_DATE. The cleanse now says so, in its log, its manifest, the quality
 * report and `profile check`, with counts only.
 */
import * as path from "node:path";
import { cleanseStaging } from "../../lib/cleanse/cleanse";
import { dateOrderFindings, describeDateOrder } from "../../lib/cleanse/rules/dateOrder";
import { writeQualityReport } from "../../lib/quality/qualityReport";
import { loadProfile } from "../../lib/raw/profile";
import { splitExport } from "../../lib/split/split";
import { readParquet, saleRow, tempDir, writeRawCsv } from "../helpers/rawCsv";

const DAY_FIRST = ["%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%Y%m%d"];

describe("which order a date column writes day and month in", () => {
  test("values that fit only month first, none only day first: the other order, with the ambiguous ones counted", () => {
    const raws = ["04/25/2024", "12/31/2023", "03/04/2024", "05/05/2024", "2024/01/15"];
    const [f, ...more] = dateOrderFindings("order_lines", "order_date", raws, DAY_FIRST);
    expect(more).toEqual([]);
    // 03/04 is two dates; 05/05 is one date either way; 2024/01/15 is another pair's.
    expect(f).toEqual({ entity: "order_lines", column: "order_date", readAs: "%d/%m/%Y", other: "%m/%d/%Y", onlyReadAs: 0, onlyOther: 2, ambiguous: 1, verdict: "other order" });
    expect(describeDateOrder(f)).toBe(
      "order_lines.order_date: 2 distinct values fit only %m/%d/%Y (month first) and none only %d/%m/%Y, which the profile tries first: the column is written month first, and its 1 distinct value that fit both (day and month up to 12) are read as other dates than the export's. Fix: list %m/%d/%Y before %d/%m/%Y in the profile's dateFormats",
    );
  });

  test("values of both orders: mixed, and the ambiguous ones read in the profile's order", () => {
    const [f] = dateOrderFindings("customers", "birth_date", ["04/25/1980", "25/04/1980", "26/04/1980", "03/04/1980"], DAY_FIRST);
    expect(f).toMatchObject({ onlyReadAs: 2, onlyOther: 1, ambiguous: 1, verdict: "both orders" });
    expect(describeDateOrder(f)).toMatch(/the column mixes both orders, and its 1 distinct value that fit both are read day first/);
  });

  test("no finding when the values agree with the profile, or when the profile tries the right order first", () => {
    expect(dateOrderFindings("order_lines", "order_date", ["25/04/2024", "03/04/2024", "2024-04-03"], DAY_FIRST)).toEqual([]);
    expect(dateOrderFindings("order_lines", "order_date", ["04/25/2024", "03/04/2024"], ["%m/%d/%Y", "%d/%m/%Y"])).toEqual([]);
    // Compact formats have day and month side by side: no separator tells them apart, no pair is made.
    expect(dateOrderFindings("order_lines", "order_date", ["20241304"], ["%Y%m%d"])).toEqual([]);
  });

  test("a finding quotes no value: counts only (a birth date is personal data)", () => {
    const [f] = dateOrderFindings("customers", "birth_date", ["04/25/1980", "11/30/1975"], DAY_FIRST);
    const text = describeDateOrder(f);
    for (const v of ["04/25/1980", "11/30/1975", "1980", "1975"]) expect(text).not.toContain(v);
  });
});

describe("the cleanse reports it", () => {
  async function cleanseOf(rows: Record<string, string>[]) {
    const dir = tempDir();
    const input = path.join(dir, "export.csv");
    writeRawCsv(input, rows);
    const profile = loadProfile("default");
    await splitExport({ input, profile, outDir: path.join(dir, "split") });
    const logged: string[] = [];
    const out = path.join(dir, "clean");
    const manifest = await cleanseStaging({ splitDir: path.join(dir, "split"), outDir: out, profile, log: (m) => logged.push(m) });
    return { manifest, logged, out, report: writeQualityReport(manifest, out, path.join(dir, "quality.md")) };
  }

  test("an export written month first: in the log, the manifest and the quality report", async () => {
    const rows = [
      saleRow({ order_id: "O1", order_date: "04/25/2024", ship_date: "04/26/2024", delivery_date: "04/28/2024" }),
      saleRow({ order_id: "O2", order_date: "03/04/2024", ship_date: "03/05/2024", delivery_date: "03/07/2024" }),
    ];
    const { manifest, logged, out, report } = await cleanseOf(rows);
    expect(manifest.dateOrder?.map((f) => [f.column, f.verdict, f.onlyOther, f.ambiguous])).toEqual([
      ["order_date", "other order", 1, 1],
      ["ship_date", "other order", 1, 1],
      ["delivery_date", "other order", 1, 1],
    ]);
    expect(logged.filter((m) => m.startsWith("cleanse: date order: order_lines."))).toHaveLength(3);
    expect(report).toContain("**Date order.**");
    expect(report).toContain("- order_lines.order_date: 1 distinct value fit only %m/%d/%Y (month first)");
    // What the finding warns of: the date after the 12th is rejected, the other read as another date (4 March became 3 April).
    expect(manifest.entities.order_lines.rejectedByReason).toEqual({ INVALID_DATE: 1 });
    const [kept] = await readParquet(path.join(out, "order_lines.parquet"), "select order_id, order_date::varchar as order_date from t");
    expect(kept).toEqual({ order_id: "O2", order_date: "2024-04-03" });
  });

  test("an export written day first, as the profile reads it: nothing to report, no field in the manifest", async () => {
    const { manifest, logged, report } = await cleanseOf([saleRow({ order_date: "25/04/2024" }), saleRow({ order_id: "O2", order_date: "03/04/2024" })]);
    expect(manifest).not.toHaveProperty("dateOrder");
    expect(logged.some((m) => m.includes("date order"))).toBe(false);
    expect(report).not.toContain("Date order");
  });
});
