/** Shared by the portal tests: the release under test, a site built from it, the browser, where screenshots go. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeJson } from "../../lib/io/atomicDir";
import { projectRoot } from "../../lib/io/paths";
import { parseCsv } from "../../lib/opendata/publish/csv";
import { buildSite, type SiteSummary } from "../../lib/portal/build";
import { currentReleaseDir } from "../../lib/portal/release";

export const ROOT = projectRoot();
export const OPENDATA_DIR = path.join(ROOT, "outputs", "opendata");
export const REPORTS_DIR = path.join(ROOT, "reports");
export const CHROMIUM = "/usr/bin/chromium";

/** The release outputs/opendata/current.json names (never a hard-coded version). */
export function releaseUnderTest(): string {
  return currentReleaseDir(OPENDATA_DIR);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function buildTestSite(prefix = "portal-site-", releaseDir = releaseUnderTest()): Promise<SiteSummary> {
  return buildSite({ releaseDir, outDir: tempDir(prefix) });
}

export interface TestDimension {
  field: string;
  total: string | null;
  codes: string[];
  parents: Record<string, string>;
}

export interface TestResource {
  name: string;
  path: string;
  id: string;
  title: string;
  fields: { name: string; type: string }[];
  /** disclosureControl of the resource, as published. */
  flag: { field: string; confidential: string };
  dimensions: TestDimension[];
  measures: string[];
}

/** The datapackage's CSV resources, read here independently of lib/portal. */
export function csvResources(releaseDir: string): TestResource[] {
  const pkg = JSON.parse(readFileSync(path.join(releaseDir, "datapackage.json"), "utf8")) as {
    resources: {
      name: string;
      path: string;
      title: string;
      format: string;
      schema: { fields: { name: string; type: string }[] };
      disclosureControl: { flag: { field: string; confidential: string }; dimensions: TestDimension[]; measures: { field: string }[] };
    }[];
  };
  return pkg.resources
    .filter((r) => r.format === "csv")
    .map((r) => ({
      name: r.name,
      path: r.path,
      id: r.path.replace(/\.csv$/, ""),
      title: r.title,
      fields: r.schema.fields,
      flag: r.disclosureControl.flag,
      dimensions: r.disclosureControl.dimensions,
      measures: r.disclosureControl.measures.map((m) => m.field),
    }));
}

/** Every ancestor of a code (parent, grandparent, ...), from the published parents. */
export function ancestorsOf(dim: TestDimension, code: string): string[] {
  const out: string[] = [];
  for (let p = dim.parents[code]; p !== undefined && !out.includes(p); p = dim.parents[p]) out.push(p);
  return out;
}

/**
 * The words of the rules that would say why a cell is confidential. The release publishes the
 * flag only; a page that shows one of these next to a cell says what the release does not.
 * Underscores separate words here (`primary_frequency`, the old status values).
 */
export const REASON_WORDS = /(?<![a-z])(primary|secondary|dominance)(?![a-z])/i;

export function readRecords(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, "utf8"));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** Chromium as stack.md says: Debian's binary, headless, and no network but localhost (the site must work offline). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  // Screenshots: the same pixels on every run.
  "--font-render-hinting=none",
  "--force-color-profile=srgb",
  "--hide-scrollbars",
  "--disable-lcd-text",
];

/**
 * What the committed screenshots show, written beside them (reports/portal-screenshots.json): the
 * release and the page of each. The PNGs' pixels may differ between machines, so CI does not
 * compare them (.ci/nondeterministic.txt); this file is compared byte for byte, so a release that
 * changes without new screenshots fails CI's reproducibility step, and tests/portal/screenshots.test.ts
 * says so on any machine.
 */
export const SCREENSHOTS_RECORD = "portal-screenshots.json";

export interface ScreenshotsRecord {
  release: string;
  /** file name -> the page of the site it shows */
  screenshots: Record<string, string>;
}

/** Adds one screenshot to the record of `dir`, which starts afresh when it names another release. */
export function recordScreenshot(dir: string, release: string, file: string, page: string): void {
  const at = path.join(dir, SCREENSHOTS_RECORD);
  const old = existsSync(at) ? (JSON.parse(readFileSync(at, "utf8")) as ScreenshotsRecord) : null;
  const screenshots = { ...(old?.release === release ? old.screenshots : {}), [file]: page };
  const sorted = Object.fromEntries(Object.keys(screenshots).sort().map((k) => [k, screenshots[k]]));
  // Replaced whole (writeJson writes and renames): tests/portal/screenshots.test.ts may read it meanwhile.
  writeJson(at, { release, screenshots: sorted } satisfies ScreenshotsRecord);
}

/**
 * Screenshots go to reports/ only when the site was built from the committed current release
 * (current.json and the release's files as in HEAD), so the committed PNGs always picture the
 * committed release; otherwise to `fallbackDir`, with the reason. PORTAL_SCREENSHOTS=1 forces
 * reports/ (to refresh them before committing a new release together with its screenshots).
 */
export function screenshotTarget(releaseDir: string, fallbackDir: string): { dir: string; note: string | null } {
  if (process.env.PORTAL_SCREENSHOTS === "1") return { dir: REPORTS_DIR, note: null };
  try {
    const committed = execFileSync("git", ["-C", ROOT, "show", "HEAD:outputs/opendata/current.json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const working = readFileSync(path.join(OPENDATA_DIR, "current.json"), "utf8");
    const changed = execFileSync("git", ["-C", ROOT, "status", "--porcelain", "--", path.relative(ROOT, releaseDir)], { encoding: "utf8" }).trim();
    if (committed === working && changed === "") return { dir: REPORTS_DIR, note: null };
    return { dir: fallbackDir, note: `the release under test (${path.basename(releaseDir)}) is not the committed current release: screenshots written to ${fallbackDir}, not reports/ (PORTAL_SCREENSHOTS=1 forces reports/)` };
  } catch {
    // Not a git work tree (an exported copy): nothing to compare with, the release is what there is.
    return existsSync(path.join(ROOT, ".git")) ? { dir: fallbackDir, note: "git could not tell whether the release is committed: screenshots not written to reports/" } : { dir: REPORTS_DIR, note: null };
  }
}
