import { createHash } from "node:crypto";
import { appendFileSync, cpSync, existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parseCsv } from "../../lib/opendata/publish/csv";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { currentRelease, defaultProfilesDir, releaseOpenData, ReleaseGateError, type ReleaseSummary } from "../../lib/opendata/release";
import { POLICY } from "../../lib/policy";
import { REUSE_CONDITIONS } from "../../lib/opendata/publish/licence";
import { loadDatasets } from "../../lib/opendata/model/datasets";
import { validateProfile } from "../../lib/opendata/gates/packageChecks";
import { openNative, queryRows, sqlString } from "../../lib/engine/native";
import { tempDir } from "../warehouse/fixtures";
import { generatedRelease, type SmallWarehouse } from "./pipeline";
import { testIf } from "../helpers/skip";

// An explicit skip, reported with its reason (tests/helpers/skip.ts), never an early return that counts as passed.
const testWithProfiles = testIf(existsSync(defaultProfilesDir()), `${defaultProfilesDir()} is absent (the official Frictionless v2 profiles)`, "put the shared standards beside the project, in ../shared/standards/ (CI always has them)");

jest.setTimeout(900_000);

let wh: SmallWarehouse;
let outDir: string;
let release: ReleaseSummary;

function digest(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash("sha256").update(readFileSync(path.join(dir, f))).digest("hex")]));
}

function readTable(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, "utf8"));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

beforeAll(async () => {
  // The generated warehouse and its release, built once per run (the normalised-form test compares
  // against the same release); this file gets its own copy of both.
  ({ wh, outDir, release } = await generatedRelease());
});

describe("the Open Data release, end to end on a generated warehouse", () => {
  test("every gate passes and the release becomes current", () => {
    expect(release.gates.map((g) => [g.gate, g.passed])).toEqual(
      expect.arrayContaining([["confidentiality_audit", true], ["schema", true], ["reconciliation", true], ["pii_scan", true]]),
    );
    expect(release.version).toMatch(/^v[0-9a-f]{12}$/);
    expect(currentRelease(outDir)).toEqual({ version: release.version, path: `releases/${release.version}` });
    for (const ds of loadDatasets()) {
      expect(release.files).toEqual(expect.arrayContaining([`${ds.dataset}.csv`, `${ds.dataset}.parquet`]));
    }
    expect(release.files).toEqual(expect.arrayContaining(["datapackage.json", "csv-metadata.json", "catalogue.jsonld", "README.md", "LICENCE.md", "anonymisation-assessment.md"]));
  });

  test("suppressed values are empty and flagged, never zero; derived values hidden with their cell; no status or reason published", () => {
    let suppressed = 0;
    for (const ds of loadDatasets()) {
      const [header] = parseCsv(readFileSync(path.join(release.releaseDir, `${ds.dataset}.csv`), "utf8"));
      expect(header).not.toContain("status");
      expect(header).not.toContain("reason");
      const values = ds.columns.filter((c) => (c.kind || c.derived) && header.includes(c.name)).map((c) => c.name);
      for (const row of readTable(path.join(release.releaseDir, `${ds.dataset}.csv`))) {
        expect(["", "c"]).toContain(row.flag);
        if (row.flag === "") continue;
        suppressed++;
        for (const v of values) expect(row[v]).toBe("");
      }
    }
    expect(suppressed).toBeGreaterThan(0);
    // The summary counts what the files flag.
    const flagged = release.datasets.reduce((n, d) => n + d.primary + d.secondary, 0);
    expect(flagged).toBe(suppressed);
  });

  test("every table is a full grid of its codes, and the metadata says what a reader can write down", () => {
    const pkg = JSON.parse(readFileSync(path.join(release.releaseDir, "datapackage.json"), "utf8"));
    for (const r of pkg.resources.filter((x: { format: string }) => x.format === "csv")) {
      const dc = r.disclosureControl;
      expect(dc.flag).toEqual({ field: "flag", confidential: POLICY.statisticalConfidentiality.confidentialFlag });
      expect(dc.rows).toBe("grid");
      const rows = readTable(path.join(release.releaseDir, r.path));
      // every combination of the codes (and totals) is one row
      const combinations = dc.dimensions.reduce((n: number, d: { codes: string[]; total: string | null }) => n * (d.codes.length + (d.total === null ? 0 : 1)), 1);
      expect(rows).toHaveLength(combinations);
      for (const m of dc.measures) expect(r.schema.fields.map((f: { name: string }) => f.name)).toContain(m.field);
    }
  });

  test("the README and the summary say what each table loses and which design was measured", () => {
    const readme = readFileSync(path.join(release.releaseDir, "README.md"), "utf8");
    expect(readme).toContain("### Designs, measured");
    expect(readme).toContain("### What each table loses");
    expect(release.designs.length).toBeGreaterThanOrEqual(release.datasets.length);
    for (const d of release.datasets) {
      expect(readme).toContain(`| ${d.dataset} | ${d.design} |`);
      expect(d.suppressedPercent).toBeGreaterThanOrEqual(0);
    }
    // the release's method never loses more than the heuristic it starts from
    expect(release.comparison).not.toBeNull();
    expect(release.comparison!.optimality!.objective).toBeLessThanOrEqual(release.comparison!.optimality!.heuristicObjective + 1e-9);
  });

  test("no file has a row per person, order or customer: every published person cell has >= 11 contributors", () => {
    expect(release.wp29.singlingOut.passed).toBe(true);
    for (const t of release.wp29.tables) {
      if (t.smallestPublishedGroup !== null) expect(t.smallestPublishedGroup).toBeGreaterThanOrEqual(t.threshold);
      expect(t.identifierLikeColumns).toEqual([]);
    }
    expect(release.wp29.passed).toBe(true);
    expect(release.risk.published.prosecutorMax).toBeLessThanOrEqual(1 / 11);
    // journalist and marketer divide by a stated population (INSEE), not by the customers: they
    // come out below the prosecutor risk, and the assessment says where the population comes from
    const risk = release.risk.published;
    expect(risk.statedClasses).toBeGreaterThan(0);
    expect(risk.journalistMaxStated!).toBeLessThan(risk.prosecutorMax);
    expect(risk.marketer).toBeLessThan(risk.prosecutorAverage);
    const assessment = readFileSync(path.join(release.releaseDir, "anonymisation-assessment.md"), "utf8");
    expect(assessment).toContain("INSEE legal populations");
    expect(assessment).toContain(`Published classes concerned: ${risk.fallbackClasses} of ${risk.classes}`);
    // the README and LICENCE.md state the same conditions of reuse (lib/opendata/publish/licence.ts)
    for (const f of ["README.md", "LICENCE.md"]) expect(readFileSync(path.join(release.releaseDir, f), "utf8")).toContain(REUSE_CONDITIONS);
  });

  test("no row names a carrier: the delivery table aggregates carriers", () => {
    const [header, ...rows] = parseCsv(readFileSync(path.join(release.releaseDir, "delivery_performance_by_mode_area.csv"), "utf8"));
    expect(header).not.toContain("carrier");
    expect(rows.some((r) => r[header.indexOf("flag")] === "")).toBe(true);
  });

  testWithProfiles("the datapackage validates against the official v2 profile (ajv)", () => {
    const profiles = defaultProfilesDir();
    const pkg = JSON.parse(readFileSync(path.join(release.releaseDir, "datapackage.json"), "utf8"));
    expect(validateProfile(pkg, profiles)).toEqual([]);
  });

  test("Parquet holds the same rows as the CSV", async () => {
    const ds = loadDatasets()[0];
    const { instance, conn } = await openNative();
    try {
      const rows = await queryRows<Record<string, unknown>>(conn, `select count(*) as n from read_parquet(${sqlString(path.join(release.releaseDir, `${ds.dataset}.parquet`))})`);
      expect(Number(rows[0].n)).toBe(readTable(path.join(release.releaseDir, `${ds.dataset}.csv`)).length);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  test("rerunning gives the same version and identical bytes", async () => {
    const before = digest(release.releaseDir);
    const otherOut = tempDir("od-out2-");
    const again = await releaseOpenData({ martsPath: wh.martsPath, corePath: wh.corePath, cleanDir: wh.cleanDir, outDir: otherOut, reportsDir: null });
    expect(again.version).toBe(release.version);
    expect(digest(again.releaseDir)).toEqual(before);
  });

  test("published figures are final: a run that would revise the current release keeps it, unless the operator withdraws it", async () => {
    const dir = tempDir("od-rev-");
    // The release of this warehouse, as a run into `dir` would write it (a rerun gives the same
    // bytes: the test above): copied from the run's own rather than computed a third time.
    cpSync(outDir, dir, { recursive: true });
    const first = { version: release.version, releaseDir: path.join(dir, path.relative(outDir, release.releaseDir)) };
    expect(currentRelease(dir)!.version).toBe(first.version);
    // Pretend the current release is an earlier one whose data differed: same tables, one published
    // figure otherwise (as after an erasure), under another version.
    const earlier = "v000000000000";
    const earlierDir = path.join(dir, "releases", earlier);
    renameSync(first.releaseDir, earlierDir);
    writeFileSync(path.join(dir, "current.json"), JSON.stringify({ version: earlier, path: `releases/${earlier}` }, null, 2) + "\n");
    const csv = path.join(earlierDir, "sales_by_period_area_category.csv");
    const [header, ...rows] = parseCsv(readFileSync(csv, "utf8"));
    const at = rows.findIndex((r) => r[header.indexOf("flag")] === "");
    rows[at][header.indexOf("orders")] = String(Number(rows[at][header.indexOf("orders")]) + 1);
    const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
    writeFileSync(csv, [header, ...rows].map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n");
    const kept = await releaseOpenData({ martsPath: wh.martsPath, corePath: wh.corePath, cleanDir: wh.cleanDir, outDir: dir, reportsDir: null });
    expect(kept.kept).not.toBeNull();
    expect(kept.kept!.revisions).toEqual([{ dataset: "sales_by_period_area_category", changed: 1, flagChanged: 0 }]);
    // The log says how to publish the revision, as the operator types it.
    expect(kept.kept!.reason).toContain("withdraw it: `npm start -- --withdraw-previous`");
    expect(currentRelease(dir)!.version).toBe(earlier);
    expect(readdirSync(path.join(dir, "releases"))).toEqual([earlier]);
    const revised = await releaseOpenData({ martsPath: wh.martsPath, corePath: wh.corePath, cleanDir: wh.cleanDir, outDir: dir, reportsDir: null, revisions: "withdraw-previous" });
    expect(revised.withdrew).toBe(earlier);
    expect(currentRelease(dir)!.version).toBe(first.version);
    expect(readdirSync(path.join(dir, "releases"))).toEqual([first.version]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a failed gate (a planted personal value) leaves the previous release current", async () => {
    const emails = await (async () => {
      const { instance, conn } = await openNative();
      try {
        return await queryRows<{ email: string }>(conn, `select email from read_parquet(${sqlString(path.join(wh.cleanDir, "customers.parquet"))}) where email is not null order by email limit 1`);
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    })();
    const before = currentRelease(outDir);
    await expect(
      releaseOpenData({
        martsPath: wh.martsPath,
        corePath: wh.corePath,
        cleanDir: wh.cleanDir,
        outDir,
        reportsDir: null,
        tamper: (dir) => appendFileSync(path.join(dir, "README.md"), `\nContact: ${emails[0].email}\n`),
      }),
    ).rejects.toThrow(ReleaseGateError);
    expect(currentRelease(outDir)).toEqual(before);
    expect(readdirSync(path.join(outDir, "releases")).filter((d) => d.endsWith(".partial"))).toEqual([]);
  });

  test("a broken file fails the schema gate and is not published", async () => {
    const ds = loadDatasets()[0];
    const err = await releaseOpenData({
      martsPath: wh.martsPath,
      corePath: wh.corePath,
      cleanDir: wh.cleanDir,
      outDir,
      reportsDir: null,
      tamper: (dir) => appendFileSync(path.join(dir, `${ds.dataset}.csv`), "oops\r\n"),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ReleaseGateError);
    expect((err as ReleaseGateError).gates.find((g) => g.gate === "schema")!.passed).toBe(false);
    expect(currentRelease(outDir)!.version).toBe(release.version);
  });
});
