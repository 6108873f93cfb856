/**
 * The portal's build, without a browser: what the pages say against the release files (read
 * here independently), determinism, self-containment (no CDN, no absolute path), suppressed
 * cells never shown as numbers, a tampered release refused.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildSite, type SiteSummary } from "../../lib/portal/build";
import { loadExamples, parseExample } from "../../lib/portal/examples";
import { currentReleaseDir, statusReasons } from "../../lib/portal/release";
import { vendorFiles } from "../../lib/portal/vendor";
import { buildTestSite, csvResources, readRecords, releaseUnderTest, tempDir } from "./site";

jest.setTimeout(60_000);

let releaseDir: string;
let first: SiteSummary;
let second: SiteSummary;
const temps: string[] = [];

function walk(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}
const digest = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const read = (site: SiteSummary, rel: string) => readFileSync(path.join(site.outDir, rel), "utf8");

beforeAll(async () => {
  releaseDir = releaseUnderTest();
  first = await buildTestSite("portal-a-");
  second = await buildTestSite("portal-b-");
  temps.push(first.outDir, second.outDir);
});
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the catalogue", () => {
  test("lists every dataset of the release with its description, grain, licence, attribution, update date, rows, columns and downloads", () => {
    const index = read(first, "index.html");
    const dcat = JSON.parse(readFileSync(path.join(releaseDir, "catalogue.jsonld"), "utf8"));
    const pkg = JSON.parse(readFileSync(path.join(releaseDir, "datapackage.json"), "utf8"));
    const resources = csvResources(releaseDir);
    expect(resources.length).toBeGreaterThan(0);
    expect(first.datasets).toEqual(resources.map((r) => r.path.replace(/\.csv$/, "")));
    for (const r of resources) {
      const id = r.path.replace(/\.csv$/, "");
      const article = index.slice(index.indexOf(`<article class="dataset" id="${id}"`), index.indexOf("</article>", index.indexOf(`id="${id}"`)));
      expect(article.length).toBeGreaterThan(0);
      expect(article).toContain(`href="datasets/${id}.html"`);
      expect(article).toContain(r.title.replace(/&/g, "&amp;"));
      const rows = readRecords(path.join(releaseDir, r.path)).length;
      expect(article).toMatch(new RegExp(`<dt>Rows</dt><dd>${rows.toLocaleString("en")}</dd>`));
      expect(article).toContain(`<dt>Grain</dt><dd>`);
      expect(article).toContain(`<time datetime="${dcat["dct:modified"]["@value"]}">`);
      expect(article).toContain(pkg.licenses[0].title);
      expect(article).toContain(`release ${pkg.version}`);
      expect(article).toContain(`href="data/${r.path}"`);
      expect(article).toContain(`href="data/${id}.parquet"`);
      expect(article).toContain(`href="data/datapackage.json"`);
      for (const f of r.fields) expect(article).toContain(`<code>${f.name}</code>`);
      // The confidentiality counts are the CSV's own statuses.
      const confidential = readRecords(path.join(releaseDir, r.path)).filter((row) => row.status !== "published").length;
      expect(article).toContain(`${confidential.toLocaleString("en")} of ${rows.toLocaleString("en")} cells`);
    }
  });

  test("every page, download and script link resolves to a file of the site", () => {
    for (const pagePath of first.pages) {
      const html = read(first, pagePath);
      for (const [, ref] of html.matchAll(/(?:href|src)="([^"#?]+)[^"]*"/g)) {
        if (/^https?:/.test(ref)) continue;
        const target = path.resolve(first.outDir, path.dirname(pagePath), ref);
        expect(statSync(target).isFile()).toBe(true);
      }
    }
  });
});

describe("a self-contained, deterministic site", () => {
  test("the same release builds to byte-identical files", () => {
    const a = walk(first.outDir).sort();
    expect(walk(second.outDir).sort()).toEqual(a);
    for (const f of a) expect(`${f} ${digest(path.join(second.outDir, f))}`).toBe(`${f} ${digest(path.join(first.outDir, f))}`);
  });

  test("scripts and styles load from the site itself (no CDN), and no page holds an absolute path", () => {
    for (const pagePath of first.pages) {
      const html = read(first, pagePath);
      const loaded = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g), ...html.matchAll(/<link[^>]*\shref="([^"]+)"/g)].map((m) => m[1]);
      expect(loaded.length).toBeGreaterThan(0);
      for (const url of loaded) expect(url).not.toMatch(/^(https?:)?\/\//);
      expect(html).not.toContain(first.outDir);
      expect(html).not.toContain(path.dirname(releaseDir));
    }
    const consolePage = read(first, "console.html");
    const importMap = JSON.parse(/<script type="importmap">([^<]+)<\/script>/.exec(consolePage)![1]);
    expect(statSync(path.join(first.outDir, importMap.imports["apache-arrow"])).isFile()).toBe(true);
    for (const text of walk(first.outDir).filter((f) => /\.(html|js|mjs|css|json)$/.test(f) && !f.startsWith("vendor/"))) {
      expect(readFileSync(path.join(first.outDir, text), "utf8")).not.toContain(first.outDir);
    }
  });

  test("the vendored libraries are the installed packages' files, and the site says how big it is", () => {
    for (const v of vendorFiles()) expect(`${v.site} ${digest(path.join(first.outDir, v.site))}`).toBe(`${v.site} ${digest(v.source)}`);
    expect(first.totalBytes).toBe(walk(first.outDir).reduce((n, f) => n + statSync(path.join(first.outDir, f)).size, 0));
    expect(first.bytesByPart.vendor).toBeGreaterThan(first.bytesByPart.data);
  });
});

describe("confidential cells", () => {
  test("are flagged c with their reason in the preview, never shown as a number", () => {
    let checked = 0;
    for (const r of csvResources(releaseDir)) {
      const id = r.path.replace(/\.csv$/, "");
      const records = readRecords(path.join(releaseDir, r.path));
      const page = read(first, `datasets/${id}.html`);
      const body = page.slice(page.indexOf('<table class="data preview"'), page.indexOf("</table>", page.indexOf('<table class="data preview"')));
      const rows = [...body.matchAll(/<tr data-status="([^"]+)">(.*?)<\/tr>/g)];
      expect(rows.length).toBe(Math.min(records.length, 2000));
      const numeric = r.fields.filter((f) => f.type !== "string").map((f) => r.fields.indexOf(f));
      rows.forEach(([, status, cells], i) => {
        expect(status).toBe(records[i].status);
        if (status === "published") return;
        const tds = [...cells.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[0]);
        for (const col of numeric) {
          expect(tds[col]).toContain('class="num conf"');
          expect(tds[col]).toMatch(/<abbr title="confidential: [^"]+">c<\/abbr>/);
          expect(tds[col].replace(/<[^>]+>/g, "")).not.toMatch(/\d/);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(0);
  });

  test("are null in the chart data (drawn as c), never zero", () => {
    let confidentialPoints = 0;
    for (const pagePath of first.pages.filter((p) => p.startsWith("datasets/"))) {
      const page = read(first, pagePath);
      for (const [, json] of page.matchAll(/<script type="application\/json" id="[^"]+-spec">(.*?)<\/script>/g)) {
        const spec = JSON.parse(json);
        for (const v of spec.data.values as { value: number | null; status: string }[]) {
          if (v.status === "published") continue;
          expect(v.value).toBeNull();
          confidentialPoints++;
        }
      }
    }
    expect(confidentialPoints).toBeGreaterThan(0);
  });

  test("the status column's own description gives each reason", () => {
    expect(statusReasons("published; primary_frequency (too few contributors); secondary (hidden so that (x) cannot be recomputed)", ["published", "primary_frequency", "secondary"])).toEqual({
      primary_frequency: "too few contributors",
      secondary: "hidden so that (x) cannot be recomputed",
    });
  });
});

describe("the release it reads", () => {
  test("comes from current.json: another version is shown as that version", async () => {
    const opendata = tempDir("portal-od-");
    temps.push(opendata);
    const version = "vfeedfacecafe";
    mkdirSync(path.join(opendata, "releases"), { recursive: true });
    cpSync(releaseDir, path.join(opendata, "releases", version), { recursive: true });
    const pkgFile = path.join(opendata, "releases", version, "datapackage.json");
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
    const original = pkg.version;
    writeFileSync(pkgFile, JSON.stringify({ ...pkg, version }, null, 2));
    writeFileSync(path.join(opendata, "current.json"), JSON.stringify({ version, path: `releases/${version}` }));
    const site = await buildSite({ releaseDir: currentReleaseDir(opendata), outDir: path.join(opendata, "site") });
    expect(site.version).toBe(version);
    expect(read(site, "index.html")).toContain(`release ${version}`);
    expect(read(site, "index.html")).not.toContain(original);
  });

  test("a file altered after publication stops the build, naming the file", async () => {
    const copy = tempDir("portal-tampered-");
    temps.push(copy);
    cpSync(releaseDir, copy, { recursive: true });
    const csv = csvResources(releaseDir)[0].path;
    writeFileSync(path.join(copy, csv), readFileSync(path.join(copy, csv), "utf8").replace(/\r\n[^,\r\n]+,/, "\r\nX,"));
    await expect(buildSite({ releaseDir: copy, outDir: path.join(copy, "site") })).rejects.toThrow(new RegExp(`${csv}: sha256 .* differs from datapackage.json`));
  });
});

describe("the console's example queries", () => {
  test("need their tables: a release without them does not ship them", () => {
    const all = loadExamples(new Set(first.datasets));
    expect(all.length).toBeGreaterThan(2);
    expect(loadExamples(new Set(["inventory_by_month_category"])).every((e) => e.needs.every((t) => t === "inventory_by_month_category"))).toBe(true);
    expect(parseExample("x", "-- title: T\n-- needs: a, b\n-- show: chart\nselect 1\n")).toEqual({ id: "x", title: "T", needs: ["a", "b"], show: "chart", sql: "select 1" });
    expect(() => parseExample("x", "select 1")).toThrow(/title/);
    const consolePage = read(first, "console.html");
    for (const e of all) expect(consolePage).toContain(`data-example="${e.id}"`);
  });
});
