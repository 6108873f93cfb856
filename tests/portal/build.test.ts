/**
 * The portal's build, without a browser: what the pages say against the release files (read
 * here independently), determinism, self-containment (no CDN, no absolute path), confidential
 * cells never shown as numbers nor with a reason, charts that never put a total beside its parts,
 * the console's examples run on the release, a tampered or old-format release refused.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { openNative, queryRows } from "../../lib/engine/native";
import { buildSite, type SiteSummary } from "../../lib/portal/build";
import { buildCharts, finestCodes, type ChartPoint } from "../../lib/portal/charts";
import { fits, loadExamples, parseExample } from "../../lib/portal/examples";
import type { ConsoleConfig } from "../../lib/portal/pages/console";
import { currentReleaseDir, loadRelease, type PortalDataset } from "../../lib/portal/release";
import { confidentialityRules, whyFlagged } from "../../lib/portal/releaseNotes";
import { vendorFiles } from "../../lib/portal/vendor";
import { ancestorsOf, buildTestSite, csvResources, readRecords, REASON_WORDS, releaseUnderTest, tempDir, type TestResource } from "./site";

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
const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The chart specs of a dataset page: id -> data values. */
function chartData(site: SiteSummary, id: string): Map<string, ChartPoint[]> {
  const page = read(site, `datasets/${id}.html`);
  return new Map([...page.matchAll(/<script type="application\/json" id="([^"]+)-spec">(.*?)<\/script>/g)].map(([, chart, json]) => [chart, JSON.parse(json).data.values as ChartPoint[]]));
}

/**
 * Where a page could show a cell's reason: table cells and captions, chart data, tooltips and
 * captions, tooltip titles (abbr), the filter's options. Returns the offending snippets.
 */
export function reasonsNextToCells(html: string): string[] {
  const places = [
    ...html.matchAll(/<(td|th|caption|option|figcaption)\b[^>]*>([\s\S]*?)<\/\1>/g),
    ...html.matchAll(/<script type="application\/json" id="[^"]+-spec">([\s\S]*?)<\/script>/g),
    ...html.matchAll(/\s(?:title|aria-label|value|data-[\w-]+)="([^"]*)"/g),
  ].map((m) => m[0]);
  return places.filter((p) => REASON_WORDS.test(decode(p)));
}

/** Copies the release, lets `alter` change files, and rewrites the hashes and sizes of datapackage.json as a publisher would. */
function alteredRelease(prefix: string, alter: (dir: string, pkg: { resources: Record<string, unknown>[] }) => void): string {
  const copy = tempDir(prefix);
  temps.push(copy);
  cpSync(releaseDir, copy, { recursive: true });
  const pkgFile = path.join(copy, "datapackage.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  alter(copy, pkg);
  for (const r of pkg.resources) {
    const bytes = readFileSync(path.join(copy, r.path as string));
    r.hash = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    r.bytes = bytes.length;
  }
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  return copy;
}

beforeAll(async () => {
  releaseDir = releaseUnderTest();
  first = await buildTestSite("portal-a-");
  second = await buildTestSite("portal-b-");
  temps.push(first.outDir, second.outDir);
});
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the catalogue", () => {
  test("lists every dataset of the release with its description, grain, design, licence, attribution, update date, rows, columns and downloads", () => {
    const index = read(first, "index.html");
    const dcat = JSON.parse(readFileSync(path.join(releaseDir, "catalogue.jsonld"), "utf8"));
    const pkg = JSON.parse(readFileSync(path.join(releaseDir, "datapackage.json"), "utf8"));
    const readme = readFileSync(path.join(releaseDir, "README.md"), "utf8");
    const resources = csvResources(releaseDir);
    expect(resources.length).toBeGreaterThan(0);
    expect(first.datasets).toEqual(resources.map((r) => r.id));
    for (const r of resources) {
      const article = index.slice(index.indexOf(`<article class="dataset" id="${r.id}"`), index.indexOf("</article>", index.indexOf(`id="${r.id}"`)));
      expect(article.length).toBeGreaterThan(0);
      expect(article).toContain(`href="datasets/${r.id}.html"`);
      expect(article).toContain(r.title.replace(/&/g, "&amp;"));
      const rows = readRecords(path.join(releaseDir, r.path)).length;
      expect(article).toMatch(new RegExp(`<dt>Rows</dt><dd>${rows.toLocaleString("en")}\\b`));
      expect(article).toContain(`<dt>Grain</dt><dd>`);
      const design = new RegExp(`Files: \`${r.path}\`[\\s\\S]*?\\n- Design of this release: (.*)`).exec(readme)?.[1];
      if (design) expect(decode(article)).toContain(design);
      expect(article).toContain(`<time datetime="${dcat["dct:modified"]["@value"]}">`);
      expect(article).toContain(pkg.licenses[0].title);
      expect(article).toContain(`release ${pkg.version}`);
      expect(article).toContain(`href="data/${r.path}"`);
      expect(article).toContain(`href="data/${r.id}.parquet"`);
      expect(article).toContain(`href="data/datapackage.json"`);
      for (const f of r.fields) expect(article).toContain(`<code>${f.name}</code>`);
    }
  });

  test("says per dataset how many cells are confidential (flag c) out of how many, and the share of value the release states", () => {
    const index = read(first, "index.html");
    const readme = readFileSync(path.join(releaseDir, "README.md"), "utf8");
    let stated = 0;
    for (const r of csvResources(releaseDir)) {
      const records = readRecords(path.join(releaseDir, r.path));
      const confidential = records.filter((row) => row[r.flag.field] === r.flag.confidential).length;
      const sentence = `${confidential.toLocaleString("en")} of ${records.length.toLocaleString("en")} cells`;
      const page = read(first, `datasets/${r.id}.html`);
      const article = index.slice(index.indexOf(`<article class="dataset" id="${r.id}"`));
      // The release README's own line for the table: "- Confidential: 31 of 187 rows (16.8 % of the non-empty cells, 2.0 % of the value)".
      const line = new RegExp(`Files: \`${r.path}\`[\\s\\S]*?\\n- Confidential: (\\d+) of (\\d+) rows \\(([\\d.]+) % of the non-empty cells, ([\\d.]+) % of the value\\)`).exec(readme);
      for (const text of [article, page]) {
        expect(text).toContain(sentence);
        if (line) {
          expect(Number(line[1])).toBe(confidential);
          expect(text).toContain(`are ${line[3]} % of its non-empty cells and hold ${line[4]} % of its value`);
        }
      }
      if (line) {
        stated++;
        const summaryRow = index.slice(index.indexOf(`<th scope="row"><a href="datasets/${r.id}.html">`), index.indexOf("</tr>", index.indexOf(`<th scope="row"><a href="datasets/${r.id}.html">`)));
        expect([...summaryRow.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual([
          records.length.toLocaleString("en"),
          confidential.toLocaleString("en"),
          ((100 * confidential) / records.length).toFixed(1),
          line[4],
        ]);
      }
    }
    expect(stated).toBe(csvResources(releaseDir).length);
  });

  test("explains in one sentence, with the release's thresholds, why a cell is flagged, and never per cell", () => {
    const readme = readFileSync(path.join(releaseDir, "README.md"), "utf8");
    const persons = /at least (\d+) distinct contributors when it describes natural persons and (\d+) when it describes businesses/.exec(readme)!;
    const share = /no single contributor above (\d+) %/.exec(readme)!;
    const sentence = whyFlagged(confidentialityRules(readme), "c");
    expect(sentence).toContain(`fewer than ${persons[1]} people, or ${persons[2]} businesses`);
    expect(sentence).toContain(`more than ${share[1]} %`);
    expect(sentence).not.toMatch(REASON_WORDS);
    expect(sentence.split(/\.\s/).length).toBe(1);
    for (const pagePath of first.pages.filter((p) => p !== "console.html")) expect(decode(read(first, pagePath))).toContain(sentence);
    // A README that states no rule still gives the sentence, without numbers.
    expect(whyFlagged(confidentialityRules("# nothing here\n"), "c")).toMatch(/^A cell is flagged c when too few people or businesses make it up, .*not published\.$/);
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
  test("are flagged c in the preview, never shown as a number nor with a reason; zeros read 0", () => {
    let checked = 0;
    let zeros = 0;
    for (const r of csvResources(releaseDir)) {
      const records = readRecords(path.join(releaseDir, r.path));
      const page = read(first, `datasets/${r.id}.html`);
      const body = page.slice(page.indexOf('<table class="data preview"'), page.indexOf("</table>", page.indexOf('<table class="data preview"')));
      const rows = [...body.matchAll(/<tr data-flag="([^"]*)">(.*?)<\/tr>/g)];
      expect(rows.length).toBe(Math.min(records.length, 2000));
      const numeric = r.fields.filter((f) => f.type !== "string").map((f) => r.fields.indexOf(f));
      rows.forEach(([, flag, cells], i) => {
        expect(flag).toBe(records[i][r.flag.field]);
        const tds = [...cells.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[0]);
        for (const col of numeric) {
          const published = records[i][r.fields[col].name];
          if (flag === "") {
            if (published === "") continue; // a derived value with nothing to compute it from: "–"
            expect(tds[col]).toContain(`data-value="${published}"`);
            if (Number(published) === 0) {
              expect(decode(tds[col]).trim()).toMatch(/^0(\.0+)?$/);
              zeros++;
            }
            continue;
          }
          expect(tds[col]).toContain('class="num conf"');
          expect(tds[col]).toMatch(/<abbr title="confidential: not published">c<\/abbr>/);
          expect(tds[col].replace(/<[^>]+>/g, "")).not.toMatch(/\d/);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(0);
    expect(zeros).toBeGreaterThan(0);
  });

  test("are null in the chart data (drawn as c), never zero; a published 0 stays 0", () => {
    for (const r of csvResources(releaseDir)) {
      const records = readRecords(path.join(releaseDir, r.path));
      for (const [, values] of chartData(first, r.id)) {
        for (const v of values) {
          expect(Object.keys(v)).not.toContain("status");
          if (v.flag === r.flag.confidential) {
            expect(v.value).toBeNull();
          } else {
            expect(v.flag).toBe("");
            expect(typeof v.value).toBe("number");
          }
        }
      }
      expect(records.length).toBeGreaterThan(0);
    }
    // How many charted cells are confidential depends on the release (the default one's charts sit
    // at totals that all publish); the charts' own test below draws a table with confidential points.
  });

  test("no page shows a word primary, secondary or dominance next to a cell", () => {
    const pkg = JSON.parse(readFileSync(path.join(releaseDir, "datapackage.json"), "utf8"));
    for (const pagePath of first.pages) {
      const html = read(first, pagePath);
      expect({ pagePath, found: reasonsNextToCells(html) }).toEqual({ pagePath, found: [] });
      // Nor anywhere else in the portal's own text: the one place such a word may appear is the
      // release's description of its method, quoted as the catalogue's lead.
      const text = decode(html).replace(pkg.description, "");
      expect({ pagePath, found: REASON_WORDS.exec(text)?.[0] ?? null }).toEqual({ pagePath, found: null });
    }
  });

  test("the check above finds a reason planted next to a cell", () => {
    expect(reasonsNextToCells('<tr data-flag="c"><td class="num conf"><abbr title="confidential: secondary">c</abbr></td></tr>')).toHaveLength(1);
    expect(reasonsNextToCells('<tr data-flag="c"><td>Primary</td></tr>')).toHaveLength(1);
    expect(reasonsNextToCells('<select><option value="dominance">dominance</option></select>')).toHaveLength(2);
    expect(reasonsNextToCells('<script type="application/json" id="x-trend-spec">{"data":{"values":[{"status":"primary_frequency"}]}}</script>')).toHaveLength(1);
    expect(reasonsNextToCells('<tr data-flag="c"><td class="num conf"><abbr title="confidential: not published">c</abbr></td></tr>')).toEqual([]);
  });
});

describe("charts", () => {
  /** The published dimensions of the table a chart is about, and which one each chart draws. */
  function chartedCodes(r: TestResource, values: ChartPoint[]): { dim: TestResource["dimensions"][number]; codes: string[] } {
    const codes = [...new Set(values.map((v) => v.code))];
    const dim = r.dimensions.find((d) => codes.every((c) => d.codes.includes(c)))!;
    return { dim, codes };
  }

  test("never draw a total beside its parts: each chart's codes are one level where none includes another", () => {
    let charts = 0;
    for (const r of csvResources(releaseDir)) {
      for (const [id, values] of chartData(first, r.id)) {
        const { dim, codes } = chartedCodes(r, values);
        expect({ id, dim: dim?.field }).toEqual({ id, dim: expect.any(String) });
        expect(codes).not.toContain(dim.total);
        for (const c of codes) expect({ id, code: c, ancestorsCharted: ancestorsOf(dim, c).filter((a) => codes.includes(a)) }).toEqual({ id, code: c, ancestorsCharted: [] });
        // The codes with no child are all there: the level is complete.
        const hasChild = new Set(Object.values(dim.parents));
        expect(codes.sort()).toEqual(dim.codes.filter((c) => !hasChild.has(c)).sort());
        charts++;
      }
    }
    expect(charts).toBeGreaterThan(0);
  });

  test("a table with a hierarchy is charted through its finest codes (the profile's age bands, not person)", () => {
    const withHierarchy = csvResources(releaseDir).filter((r) => r.dimensions.some((d) => Object.keys(d.parents).length > 0));
    expect(withHierarchy.length).toBeGreaterThan(0);
    for (const r of withHierarchy) {
      const data = chartData(first, r.id);
      for (const dim of r.dimensions.filter((d) => Object.keys(d.parents).length > 0 && d.field !== "period")) {
        const values = data.get(`${r.id}-by-${dim.field}`)!;
        expect(values).toBeDefined();
        const parents = new Set(Object.values(dim.parents));
        for (const p of parents) expect(values.map((v) => v.code)).not.toContain(p);
        // Each part says what it is part of, by the parent's name when the table names its codes.
        const records = readRecords(path.join(releaseDir, r.path));
        const labelColumn = r.fields.find((f) => f.name === dim.field.replace(/_code$/, "_name") && f.name !== dim.field)?.name ?? dim.field;
        for (const [child, parent] of Object.entries(dim.parents)) {
          expect(values.find((v) => v.code === child)?.partOf).toBe(records.find((x) => x[dim.field] === parent)![labelColumn]);
        }
        expect(values.some((v) => parents.has(dim.parents[v.code]))).toBe(true);
        expect(parents.size).toBeGreaterThan(0);
      }
    }
  });

  /** A table of another design than the release's: no period, a nested origin, a dimension without a total. */
  function syntheticDataset(): PortalDataset {
    const header = ["supplier_origin", "category", "units_received", "fill_rate", "flag"];
    const rows = [
      ["All", "All", "100", "0.9", ""],
      ["FR", "All", "40", "0.9", ""],
      ["EU27_OTHER", "All", "35", "0.8", ""],
      ["DE", "All", "", "", "c"],
      ["IT", "All", "", "", "c"],
      ["NON_EU", "All", "25", "", ""],
      ["CN", "All", "25", "", ""],
      ["All", "Jardin", "0", "", ""],
      ["FR", "Jardin", "0", "", ""],
      ["EU27_OTHER", "Jardin", "0", "", ""],
      ["DE", "Jardin", "0", "", ""],
      ["IT", "Jardin", "0", "", ""],
      ["NON_EU", "Jardin", "0", "", ""],
      ["CN", "Jardin", "0", "", ""],
    ];
    const release = loadRelease(releaseDir);
    return {
      ...release.datasets[0],
      id: "synthetic",
      header,
      rows,
      fields: [
        { name: "supplier_origin", type: "string", description: "", required: true },
        { name: "category", type: "string", description: "", required: true },
        { name: "units_received", type: "integer", description: "", required: false },
        { name: "fill_rate", type: "number", description: "", required: false },
        { name: "flag", type: "string", description: "", required: false },
      ],
      disclosure: {
        flagField: "flag",
        confidentialFlag: "c",
        scope: "suppliers",
        rows: "grid",
        period: { start: "2022-01-01", end: "2024-12-31" },
        dimensions: [
          { field: "supplier_origin", total: "All", codes: ["EU27_OTHER", "DE", "IT", "FR", "NON_EU", "CN"], parents: { DE: "EU27_OTHER", IT: "EU27_OTHER", CN: "NON_EU" }, labelField: null },
          { field: "category", total: "All", codes: ["Jardin"], parents: {}, labelField: null },
        ],
        measures: ["units_received"],
        derived: ["fill_rate"],
      },
    };
  }

  test("a table without period, with supplier origins nested in zones, is charted by country (not zone) with zeros and c", () => {
    const ds = syntheticDataset();
    expect(finestCodes(ds.disclosure.dimensions[0])).toEqual(["DE", "IT", "FR", "CN"]);
    const charts = buildCharts(ds);
    // No period: no trend; one category only: no breakdown by category.
    expect(charts.map((c) => c.id)).toEqual(["synthetic-by-supplier_origin"]);
    const values = (charts[0].spec as unknown as { data: { values: ChartPoint[] } }).data.values;
    expect(values).toEqual([
      { code: "DE", label: "DE", partOf: "EU27_OTHER", value: null, flag: "c" },
      { code: "IT", label: "IT", partOf: "EU27_OTHER", value: null, flag: "c" },
      { code: "FR", label: "FR", partOf: "All", value: 40, flag: "" },
      { code: "CN", label: "CN", partOf: "NON_EU", value: 25, flag: "" },
    ]);
    expect(charts[0].confidentialPoints).toBe(2);
    expect(charts[0].description).toContain("whole release period (2022-01-01 to 2024-12-31");
    expect(charts[0].description).toContain("EU27_OTHER through its 2 parts, NON_EU through its 1 part;");
    // Empty combinations are rows of zeros: drawn as 0, not as c and not left out.
    const jardin = ds.rows.filter((r) => r[1] === "Jardin").map((r) => [r[0], "All", ...r.slice(2)]);
    const zeros = buildCharts({ ...ds, rows: jardin });
    const zeroValues = (zeros[0].spec as unknown as { data: { values: ChartPoint[] } }).data.values;
    expect(zeroValues.map((v) => [v.code, v.value, v.flag])).toEqual([
      ["DE", 0, ""],
      ["IT", 0, ""],
      ["FR", 0, ""],
      ["CN", 0, ""],
    ]);
    expect(zeros[0].confidentialPoints).toBe(0);
    // A dimension without a total cannot be held at it: no chart rather than one that adds its codes up.
    const noTotal = { ...ds.disclosure, dimensions: [ds.disclosure.dimensions[0], { ...ds.disclosure.dimensions[1], total: null }] };
    expect(buildCharts({ ...ds, disclosure: noTotal })).toEqual([]);
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

  test("a release that says why a cell is confidential (a status column) is refused, naming the file", async () => {
    const r = csvResources(releaseDir)[0];
    const copy = alteredRelease("portal-status-", (dir, pkg) => {
      const file = path.join(dir, r.path);
      const lines = readFileSync(file, "utf8").split("\r\n");
      writeFileSync(file, lines.map((l, i) => (l === "" ? l : `${l},${i === 0 ? "status" : l.endsWith(",c") ? "secondary" : "published"}`)).join("\r\n"));
      for (const res of pkg.resources.filter((x) => x.path === r.path)) (res.schema as { fields: unknown[] }).fields.push({ name: "status", type: "string" });
    });
    await expect(buildSite({ releaseDir: copy, outDir: path.join(copy, "site") })).rejects.toThrow(new RegExp(`${r.path}: column status says why each cell is confidential`));
  });

  test("a confidential row that carries a value, or a flag other than c, is refused with its line and column", async () => {
    const r = csvResources(releaseDir).find((x) => readRecords(path.join(releaseDir, x.path)).some((row) => row[x.flag.field] === "c"))!;
    const records = readRecords(path.join(releaseDir, r.path));
    const line = records.findIndex((row) => row[r.flag.field] === "c") + 2;
    const measure = r.measures[0];
    const at = r.fields.findIndex((f) => f.name === measure);
    const leaky = alteredRelease("portal-leaky-", (dir) => {
      const file = path.join(dir, r.path);
      const lines = readFileSync(file, "utf8").split("\r\n");
      const cells = lines[line - 1].split(",");
      // The CSV's string fields before the measure may be quoted with commas: count from the end instead.
      cells[cells.length - (r.fields.length - at)] = "0";
      lines[line - 1] = cells.join(",");
      writeFileSync(file, lines.join("\r\n"));
    });
    await expect(buildSite({ releaseDir: leaky, outDir: path.join(leaky, "site") })).rejects.toThrow(new RegExp(`${r.path}, line ${line}, column ${measure}: a confidential row \\(flag c\\) carries the value 0`));
    const otherFlag = alteredRelease("portal-flag-", (dir) => {
      const file = path.join(dir, r.path);
      const lines = readFileSync(file, "utf8").split("\r\n");
      lines[line - 1] = lines[line - 1].replace(/,c$/, ",x");
      writeFileSync(file, lines.join("\r\n"));
    });
    await expect(buildSite({ releaseDir: otherFlag, outDir: path.join(otherFlag, "site") })).rejects.toThrow(new RegExp(`${r.path}, line ${line}, column flag: "x" is neither empty nor the confidential flag "c"`));
  });

  test("a table the release leaves empty gets a page that says so, and no example query", async () => {
    const inventory = csvResources(releaseDir).find((r) => r.id === "inventory_by_month_category")!;
    const copy = alteredRelease("portal-empty-", (dir) => {
      const file = path.join(dir, inventory.path);
      writeFileSync(file, `${readFileSync(file, "utf8").split("\r\n")[0]}\r\n`);
    });
    const site = await buildSite({ releaseDir: copy, outDir: path.join(copy, "site") });
    const page = decode(read(site, `datasets/${inventory.id}.html`));
    expect(page).toContain("This table has no row in this release");
    expect(page).toContain("0 of 0 cells");
    expect(read(site, "console.html")).not.toContain('data-example="05_stock_trend"');
    expect(read(first, "console.html")).toContain('data-example="05_stock_trend"');
  });

  test("a release without disclosureControl (the old format) is refused with the fix", async () => {
    const copy = alteredRelease("portal-old-", (_dir, pkg) => {
      for (const res of pkg.resources) delete res.disclosureControl;
    });
    await expect(buildSite({ releaseDir: copy, outDir: path.join(copy, "site") })).rejects.toThrow(/has no complete disclosureControl .* rebuild the release with the current pipeline \(npm start\)/);
  });
});

describe("the console", () => {
  test("examples need their tables and columns: a release without them does not ship them", () => {
    const release = loadRelease(releaseDir);
    const tables = new Map(release.datasets.map((d) => [d.id, d.header]));
    const all = loadExamples(tables);
    expect(all.length).toBeGreaterThan(4);
    const onlyInventory = loadExamples(new Map([["inventory_by_month_category", tables.get("inventory_by_month_category") ?? []]]));
    expect(onlyInventory.every((e) => e.needs.every((n) => n.table === "inventory_by_month_category"))).toBe(true);
    // A design without period drops the examples that read it; one that keeps gender drops those that would add genders up.
    const withoutPeriod = new Map([...tables].map(([t, cols]) => [t, cols.filter((c) => c !== "period")] as const));
    expect(loadExamples(withoutPeriod).every((e) => e.needs.every((n) => !n.columns.includes("period")))).toBe(true);
    const profiles = parseExample("p", "-- title: T\n-- needs: customers_by_area_profile(geo_code, profile, -gender)\nselect 1\n");
    expect(fits(profiles, new Map([["customers_by_area_profile", ["geo_code", "profile", "net_amount"]]]))).toBe(true);
    expect(fits(profiles, new Map([["customers_by_area_profile", ["geo_code", "profile", "gender", "net_amount"]]]))).toBe(false);
    expect(parseExample("x", "-- title: T\n-- needs: a(x, -y), b\n-- show: chart\nselect 1\n")).toEqual({
      id: "x",
      title: "T",
      needs: [
        { table: "a", columns: ["x"], without: ["y"] },
        { table: "b", columns: [], without: [] },
      ],
      show: "chart",
      sql: "select 1",
    });
    expect(() => parseExample("x", "select 1")).toThrow(/title/);
    expect(() => parseExample("x", "-- title: T\n-- needs: a(x y)\nselect 1")).toThrow(/needs/);
    const consolePage = read(first, "console.html");
    for (const e of all) expect(consolePage).toContain(`data-example="${e.id}"`);
    for (const f of readdirSync(path.join(__dirname, "../../lib/portal/examples"))) {
      const text = readFileSync(path.join(__dirname, "../../lib/portal/examples", f), "utf8");
      expect({ f, status: /\bstatus\b/.test(text) }).toEqual({ f, status: false });
    }
  });

  test("dimension_codes gives each code its parent, level and whether it is the finest, from datapackage.json", () => {
    const config = JSON.parse(/<script type="application\/json" id="portal-config">(.*?)<\/script>/.exec(read(first, "console.html"))![1]) as ConsoleConfig;
    expect(config.codes.name).toBe("dimension_codes");
    for (const r of csvResources(releaseDir)) {
      for (const d of r.dimensions) {
        const rows = config.codes.rows.filter((c) => c.table === r.id && c.dimension === d.field);
        expect(rows.map((c) => c.code).sort()).toEqual([...d.codes, ...(d.total !== null ? [d.total] : [])].sort());
        const hasChild = new Set(Object.values(d.parents));
        for (const c of rows) {
          if (c.code === d.total) {
            expect(c).toMatchObject({ parent: null, level: 0, finest: false });
            continue;
          }
          expect(c.parent).toBe(d.parents[c.code] ?? d.total);
          expect(c.level).toBe(1 + ancestorsOf(d, c.code).length);
          expect(c.finest).toBe(!hasChild.has(c.code));
        }
      }
    }
  });

  test("every example the site ships runs on the release's CSV files, as the console reads them, and returns rows", async () => {
    const config = JSON.parse(/<script type="application\/json" id="portal-config">(.*?)<\/script>/.exec(read(first, "console.html"))![1]) as ConsoleConfig;
    expect(config.examples.length).toBeGreaterThan(4);
    const { instance, conn } = await openNative();
    try {
      const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
      for (const t of config.tables) {
        const columns = t.columns.map((c) => `${q(c.name)}: ${q(c.type)}`).join(", ");
        await conn.run(`create view "${t.name}" as select * from read_csv(${q(path.join(first.outDir, t.csv))}, header = true, delim = ',', quote = '"', escape = '"', columns = {${columns}}, auto_detect = false, nullstr = '')`);
      }
      const values = config.codes.rows.map((r) => `(${[r.table, r.dimension, r.code].map(q).join(", ")}, ${r.parent === null ? "null::varchar" : q(r.parent)}, ${r.level}, ${r.finest})`).join(",\n");
      await conn.run(`create table dimension_codes as select * from (values ${values}) as t(table_name, dimension, code, parent, level, finest)`);
      for (const e of config.examples) {
        const rows = await queryRows(conn, e.sql);
        expect({ example: e.id, rows: rows.length > 0 }).toEqual({ example: e.id, rows: true });
      }
      // The flag example counts what the CSV holds.
      const byFlag = config.examples.find((e) => e.id === "03_cells_by_flag");
      if (byFlag) {
        const r = csvResources(releaseDir).find((x) => x.id === "sales_by_period_area_category")!;
        const records = readRecords(path.join(releaseDir, r.path));
        const rows = await queryRows<{ cells: string; cell_count: number }>(conn, byFlag.sql);
        expect(rows.find((x) => x.cells === "confidential (c)")?.cell_count ?? 0).toBe(records.filter((x) => x.flag === "c").length);
        expect(rows.reduce((n, x) => n + x.cell_count, 0)).toBe(records.length);
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
