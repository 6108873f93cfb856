import * as path from "node:path";
import { readFileSync } from "node:fs";
import { parseCsv } from "../../lib/opendata/publish/csv";
import { releaseOpenData, type ReleaseSummary } from "../../lib/opendata/release";
import { loadProfile } from "../../lib/raw/profile";
import { december, onlineRetailWarehouse } from "../helpers/onlineRetail";
import { describeIf } from "../helpers/skip";
import { tempDir } from "../warehouse/fixtures";

jest.setTimeout(900_000);

// Needs the shared Online Retail dataset (../shared/datasets/online-retail/); skipped without it.
const describeWithOnlineRetail = describeIf(december, "../shared/datasets/online-retail/online_retail_2010-12.csv is absent", "put the shared datasets beside the project, in ../shared/datasets/online-retail/ (CI always has them)");

describeWithOnlineRetail("the Online Retail data (December 2010) releases without exposure", () => {
  let release: ReleaseSummary;

  beforeAll(async () => {
    // the warehouse and marts the warehouse test checks, built once per run; this is a copy
    const wh = await onlineRetailWarehouse();
    release = await releaseOpenData({
      martsPath: wh.martsPath,
      corePath: wh.corePath,
      cleanDir: wh.cleanDir,
      outDir: tempDir("od-or-"),
      reportsDir: null,
      sourceAttribution: loadProfile("online-retail").attribution,
    });
  });

  test("every gate passes, no suppressed cell is exposed", () => {
    expect(release.gates.every((g) => g.passed)).toBe(true);
    expect(release.wp29.passed).toBe(true);
  });

  test("the United Kingdom is published; small countries are flagged or published together, never one by one", () => {
    const rows = parseCsv(readFileSync(path.join(release.releaseDir, "sales_by_period_area_category.csv"), "utf8"));
    const [header, ...records] = rows;
    const at = (r: string[], c: string) => r[header.indexOf(c)];
    const countryTotals = records.filter((r) => at(r, "period") === "All" && at(r, "category") === "All" && at(r, "geo_code") !== "All");
    expect(at(countryTotals.find((r) => at(r, "geo_code") === "GB")!, "flag")).toBe("");
    const flagged = countryTotals.filter((r) => at(r, "flag") === "c");
    for (const r of flagged) expect(at(r, "net_amount")).toBe("");
    expect(flagged.length > 0 || countryTotals.some((r) => at(r, "geo_code") === "OTHER")).toBe(true);
  });

  test("every table reports what it loses, against the targets", () => {
    for (const d of release.datasets) {
      expect(d.suppressedPercent).toBeGreaterThanOrEqual(0);
      expect(d.suppressedValuePercent).toBeGreaterThanOrEqual(0);
    }
    const readme = readFileSync(path.join(release.releaseDir, "README.md"), "utf8");
    expect(readme).toContain("### What each table loses");
  });

  test("the source's attribution is carried by the README", () => {
    const readme = readFileSync(path.join(release.releaseDir, "README.md"), "utf8");
    expect(readme).toMatch(/Source attribution: .*Chen/);
  });
});
