/**
 * No personal value from the warehouse appears anywhere in the site: the release gate's scan
 * (lib/opendata/gates/piiScan.ts, through lib/portal/piiScan.ts) over every file of a built site.
 *
 * With the warehouse of this machine (outputs/warehouse + the cleansed staging, before `npm
 * start` purges it), the site of the current release is scanned against its personal values.
 * Without it (a clean clone: CI runs the tests before the pipeline), a small warehouse is
 * generated, released and turned into a site, which is scanned against that warehouse's values:
 * the same property, end to end, on data this test owns. The test says which one it ran;
 * PORTAL_PII_WAREHOUSE=generated forces the second.
 */
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { KnownValue } from "../../lib/opendata/gates/piiScan";
import { releaseOpenData } from "../../lib/opendata/release";
import { buildSite, type SiteSummary } from "../../lib/portal/build";
import { readWarehouseKnownValues, scanSite, siteVocabulary, warehouseSources, type KnownValueSource } from "../../lib/portal/piiScan";
import { loadRelease, type PortalRelease } from "../../lib/portal/release";
import { vendorFiles } from "../../lib/portal/vendor";
import { generatedWarehouse } from "../opendata/pipeline";
import { releaseUnderTest, tempDir } from "./site";

jest.setTimeout(180_000);

let site: SiteSummary;
let release: PortalRelease;
let releaseDir: string;
let known: KnownValue[];
let source: KnownValueSource;
const temps: string[] = [];

beforeAll(async () => {
  // PORTAL_PII_WAREHOUSE=generated runs the clean-clone path on a machine that has a warehouse.
  const sources = process.env.PORTAL_PII_WAREHOUSE === "generated" ? ({ available: false, reason: "PORTAL_PII_WAREHOUSE=generated" } as const) : warehouseSources();
  if (sources.available) {
    releaseDir = releaseUnderTest();
    source = sources;
  } else {
    console.warn(`portal PII scan: ${sources.reason}.\nScanning instead a site built from the release of a generated warehouse, against that warehouse's personal values.`);
    const wh = await generatedWarehouse(5000);
    const outDir = tempDir("portal-pii-od-");
    temps.push(wh.dir, outDir);
    releaseDir = (await releaseOpenData({ martsPath: wh.martsPath, corePath: wh.corePath, cleanDir: wh.cleanDir, outDir, reportsDir: null })).releaseDir;
    source = { corePath: wh.corePath, cleanDir: wh.cleanDir };
  }
  known = await readWarehouseKnownValues(source.corePath, source.cleanDir);
  release = loadRelease(releaseDir);
  const siteDir = tempDir("portal-pii-site-");
  temps.push(siteDir);
  site = await buildSite({ releaseDir, outDir: siteDir });
  // A warehouse, a release and a site are built here: about two minutes alone, more than the
  // tests' 180 s when the whole suite shares two cores (it timed out so in a full npm test).
}, 600_000);
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

test("no personal value from the warehouse appears anywhere in the site", async () => {
  const kinds = new Set(known.map((k) => k.kind));
  for (const kind of ["customer_id", "full_name", "email", "phone", "street", "customer_pseudonym"]) expect(kinds).toContain(kind);
  const result = await scanSite(site.outDir, release, source, siteVocabulary(release, releaseDir));
  expect(result.hits).toEqual([]);
  expect(result.passed).toBe(true);
  // The list stays in the engine and is prefiltered, but the counts are the whole list's.
  const counts: Record<string, number> = {};
  for (const k of known) counts[k.kind] = (counts[k.kind] ?? 0) + 1;
  expect(result.knownValues).toEqual(counts);
  // Everything the site adds is searched; only verbatim copies of installed packages are not.
  expect(result.verbatimCopies).toEqual(vendorFiles().map((v) => v.site).sort());
  expect(result.filesScanned).toBe(site.files.length - result.verbatimCopies.length);
  expect(site.files.map((f) => f.path)).toEqual(expect.arrayContaining(["index.html", "console.html", ...site.pages]));
});

test.each(["customer_id", "full_name", "email", "phone"])("a %s planted in a page or a data file is found, by file and kind, never echoed", async (kind) => {
  const vocabulary = siteVocabulary(release, releaseDir);
  const planted = known.find((k) => k.kind === kind && !vocabulary.has(k.value))!;
  const page = path.join(site.outDir, "datasets", "planted.html");
  const data = path.join(site.outDir, "data", "planted.csv");
  try {
    writeFileSync(page, `<p>Contact: ${planted.value}</p>\n`);
    writeFileSync(data, `geo_name,units\r\n"${planted.value}",3\r\n`);
    const result = await scanSite(site.outDir, release, source, vocabulary);
    expect(result.passed).toBe(false);
    expect(result.hits.filter((h) => h.kind === kind)).toEqual([
      { file: "data/planted.csv", kind, occurrences: 1 },
      { file: "datasets/planted.html", kind, occurrences: 1 },
    ]);
    // A full name is also its first and last names: other hits, in the planted files only.
    expect([...new Set(result.hits.map((h) => h.file))]).toEqual(["data/planted.csv", "datasets/planted.html"]);
    expect(JSON.stringify(result)).not.toContain(planted.value);
  } finally {
    rmSync(page, { force: true });
    rmSync(data, { force: true });
  }
});
