/**
 * The portal in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), one launch for the file, the site built from the current release into a temporary
 * folder and served from localhost. The browser has no network but localhost (host resolver
 * rules), as on a machine offline: DuckDB-Wasm cannot fetch its Parquet extension, and the SQL
 * console must say so and read the CSV files.
 *
 * Every wait has a timeout, so a hung engine fails a test instead of hanging the suite.
 * Screenshots of the catalogue and of a dataset page go to reports/ (see site.ts for when).
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { SiteSummary } from "../../lib/portal/build";
import { serveSite, type SiteServer } from "../../lib/portal/serve";
import { describeIf } from "../helpers/skip";
import { buildTestSite, CHROMIUM, CHROMIUM_ARGS, csvResources, readRecords, releaseUnderTest, screenshotTarget } from "./site";

jest.setTimeout(90_000);

const hasChromium = existsSync(CHROMIUM);
const describeInBrowser = describeIf(hasChromium, `${CHROMIUM} not found`, "install Debian's Chromium: sudo apt-get install -y --no-install-recommends chromium");

const ENGINE_TIMEOUT = 60_000;
const WAIT = 15_000;

let releaseDir: string;
let site: SiteSummary;
let server: SiteServer;
let browser: Browser;
let context: BrowserContext;
let shots: { dir: string; note: string | null };
const requests: { url: string; status: number | null; failure: string | null }[] = [];

/** The dataset the trend-by-région chart is about: a table with a period and an area, else the first one. */
function chartedDataset() {
  const resources = csvResources(releaseDir);
  const r = resources.find((x) => x.fields.some((f) => f.name === "period") && x.fields.some((f) => f.name === "geo_code")) ?? resources[0];
  const measure = r.fields.find((f) => f.type !== "string")!.name;
  return { ...r, id: r.path.replace(/\.csv$/, ""), measure, records: readRecords(path.join(releaseDir, r.path)) };
}

const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

async function open(p: Page, rel: string): Promise<void> {
  await p.goto(server.url + rel, { waitUntil: "load", timeout: WAIT });
}

async function runQuery(p: Page, sql: string): Promise<"ok" | "error"> {
  await p.getByLabel("SQL query").fill(sql);
  await p.getByRole("button", { name: "Run query" }).click();
  await p.waitForFunction(() => ["ok", "error"].includes(document.getElementById("result-summary")!.dataset.state ?? ""), null, { timeout: WAIT });
  return (await p.getAttribute("#result-summary", "data-state")) as "ok" | "error";
}

async function resultRows(p: Page): Promise<string[][]> {
  return p.$$eval("#result-table-wrap table tbody tr", (trs) => trs.map((tr) => Array.from((tr as HTMLTableRowElement).cells).map((td) => td.textContent ?? "")));
}

async function waitForEngine(p: Page): Promise<string> {
  await p.waitForSelector('#engine-status[data-state="ready"], #engine-status[data-state="failed"]', { timeout: ENGINE_TIMEOUT });
  return (await p.textContent("#engine-status")) ?? "";
}

let consolePage: Page | null = null;

/** One console page for the query tests: the engine boots once (a boot compiles 33 MB of wasm). */
async function readyConsole(): Promise<Page> {
  if (consolePage) return consolePage;
  const p = await context.newPage();
  await open(p, "console.html");
  await waitForEngine(p);
  consolePage = p;
  return p;
}

/** The top `height` CSS pixels of the page at 1280 px wide, scale 1, animations off: the same bytes on every run. */
async function screenshot(p: Page, name: string, height = 900): Promise<void> {
  mkdirSync(shots.dir, { recursive: true });
  await p.evaluate(() => document.fonts.ready.then(() => undefined));
  await p.screenshot({ path: path.join(shots.dir, name), fullPage: true, clip: { x: 0, y: 0, width: 1280, height }, animations: "disabled", caret: "hide", scale: "css", timeout: WAIT });
}

beforeAll(async () => {
  if (!hasChromium) return;
  releaseDir = releaseUnderTest();
  site = await buildTestSite("portal-e2e-");
  server = await serveSite(site.outDir);
  shots = screenshotTarget(releaseDir, site.outDir);
  if (shots.note) console.warn(`portal screenshots: ${shots.note}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, reducedMotion: "reduce", locale: "en-GB", timezoneId: "UTC" });
  context.setDefaultTimeout(WAIT);
  context.setDefaultNavigationTimeout(WAIT);
  context.on("requestfinished", async (r) => requests.push({ url: r.url(), status: (await r.response())?.status() ?? null, failure: null }));
  context.on("requestfailed", (r) => requests.push({ url: r.url(), status: null, failure: r.failure()?.errorText ?? "failed" }));
});

afterAll(async () => {
  await consolePage?.close();
  await browser?.close();
  await server?.close();
  if (site) rmSync(site.outDir, { recursive: true, force: true });
});

describeInBrowser("the portal in Chromium", () => {
  test("the catalogue lists every dataset of the release", async () => {
    const p = await context.newPage();
    await open(p, "index.html");
    const titles = csvResources(releaseDir).map((r) => r.title);
    expect(await p.locator("article.dataset h3").allTextContents()).toEqual(titles);
    expect(await p.locator("table.summary tbody th a").allTextContents()).toEqual(titles);
    await expect(p.title()).resolves.toContain(path.basename(releaseDir));
    await screenshot(p, "portal-catalogue.png");
    await p.close();
  });

  test("a dataset page draws its charts with vega in the browser; confidential values are c marks, not bars", async () => {
    const ds = chartedDataset();
    const p = await context.newPage();
    await open(p, `datasets/${ds.id}.html`);
    await p.waitForSelector('body[data-charts="done"]', { timeout: WAIT });
    const figures = await p.$$eval("figure[data-chart]", (fs) => fs.map((f) => ({ id: f.id, rendered: (f as HTMLElement).dataset.rendered ?? "" })));
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) expect(f).toEqual({ id: f.id, rendered: "live" });
    const trend = figures.find((f) => f.id.endsWith("-trend"));
    if (trend) expect(await p.locator(`#${trend.id} .chart-live svg .mark-line path`).count()).toBeGreaterThan(1);
    // The breakdown draws one bar per published value and one "c" per confidential one.
    const breakdown = `#${ds.id}-breakdown`;
    const spec = JSON.parse((await p.textContent(`${breakdown} script[type="application/json"]`))!);
    const values = spec.data.values as { value: number | null }[];
    expect(await p.locator(`${breakdown} .chart-live svg .mark-rect path`).count()).toBe(values.filter((v) => v.value !== null).length);
    expect(await p.locator(`${breakdown} .chart-live svg .mark-text.role-mark text`).count()).toBe(values.filter((v) => v.value === null).length);
    await screenshot(p, "portal-dataset.png", 1500);
    await p.close();
  });

  test("the preview table sorts from the keyboard and filters by text and status; confidential cells read c", async () => {
    const ds = chartedDataset();
    const p = await context.newPage();
    await open(p, `datasets/${ds.id}.html`);
    await p.waitForSelector('table[data-enhanced="true"]', { timeout: WAIT });
    const column = ds.fields.findIndex((f) => f.name === ds.measure);
    const published = ds.records.filter((r) => r[ds.measure] !== "").map((r) => Number(r[ds.measure]));
    const sortButton = p.locator("#preview thead th button", { hasText: ds.measure }).first();
    await sortButton.focus();
    await p.keyboard.press("Enter");
    await expect(p.locator("#preview thead th").nth(column).getAttribute("aria-sort")).resolves.toBe("ascending");
    const firstValue = async () => Number(await p.locator("#preview tbody tr").first().locator("td").nth(column).getAttribute("data-value"));
    expect(await firstValue()).toBe(Math.min(...published));
    const last = p.locator("#preview tbody tr").last().locator("td").nth(column);
    if (published.length < ds.records.length) expect((await last.textContent())?.startsWith("c")).toBe(true);
    await p.keyboard.press("Enter");
    await expect(p.locator("#preview thead th").nth(column).getAttribute("aria-sort")).resolves.toBe("descending");
    expect(await firstValue()).toBe(Math.max(...published));

    // Filter by a word taken from the data (an area or category name), then by status.
    const label = ds.fields.find((f) => f.name === "geo_name") ?? ds.fields.find((f) => f.type === "string")!;
    const word = ds.records.map((r) => r[label.name]).find((v) => v !== "All" && /^\p{L}{4,}$/u.test(v))!;
    const text = (r: Record<string, string>) => fold(Object.values(r).join(" "));
    const byWord = ds.records.filter((r) => text(r).includes(fold(word)));
    await p.getByLabel("Filter rows (any column)").fill(word);
    const count = (n: number) => `Showing ${n.toLocaleString("en")} of ${ds.records.length.toLocaleString("en")} rows.`;
    await p.waitForFunction((t) => document.getElementById("preview-count")!.textContent!.endsWith(t), count(byWord.length), { timeout: WAIT });
    await p.getByLabel("Confidentiality status").selectOption("confidential");
    const confidential = byWord.filter((r) => r.status !== "published");
    await p.waitForFunction((t) => document.getElementById("preview-count")!.textContent!.endsWith(t), count(confidential.length), { timeout: WAIT });
    const shown = await p.$$eval("#preview tbody tr:not([hidden])", (trs, col) => trs.map((tr) => [(tr as HTMLElement).dataset.status, (tr as HTMLTableRowElement).cells[col as number].textContent]), column);
    expect(shown.length).toBe(confidential.length);
    for (const [status, cell] of shown) {
      expect(status).not.toBe("published");
      expect(cell).toBe("c (confidential)");
    }
    await p.close();
  });

  test("the SQL console falls back to the CSV files offline, and its totals are those of the published CSV", async () => {
    const ds = chartedDataset();
    const p = await readyConsole();
    const status = (await p.textContent("#engine-status")) ?? "";
    expect(status).toContain("Parquet support could not be loaded (offline): the console reads the CSV files.");
    expect(await p.getAttribute("#engine-status", "data-source")).toBe("csv");
    expect(await runQuery(p, `select status, count(*) as cells, sum(${ds.measure}) as total from ${ds.id} group by status order by status`)).toBe("ok");
    const expected = new Map<string, { cells: number; total: number }>();
    for (const r of ds.records) {
      const e = expected.get(r.status) ?? { cells: 0, total: 0 };
      e.cells++;
      if (r[ds.measure] !== "") e.total += Number(r[ds.measure]);
      expected.set(r.status, e);
    }
    const rows = await resultRows(p);
    expect(rows.map((r) => r[0])).toEqual([...expected.keys()].sort());
    for (const [s, cells, total] of rows) {
      expect(Number(cells)).toBe(expected.get(s)!.cells);
      if (s === "published") expect(Number(total)).toBeCloseTo(expected.get(s)!.total, 2);
      else expect(total).toBe("NULL"); // confidential values are NULL, never zero
    }

    // An example, drawn as a chart.
    await p.getByRole("button").filter({ hasText: /^Totals per period/ }).first().click();
    await p.waitForSelector('#result-chart[data-rendered="live"] svg', { timeout: WAIT });
    expect(await p.locator("#result-chart svg path").count()).toBeGreaterThan(0);
  });

  test("a malformed query shows the engine's message, and the console answers the next query", async () => {
    const p = await readyConsole();
    await p.getByRole("radio", { name: "table" }).check();
    expect(await runQuery(p, "selec * form nowhere")).toBe("error");
    expect(await p.isVisible("#query-error")).toBe(true);
    expect(await p.textContent("#query-error")).toMatch(/Parser Error: syntax error/);
    expect(await runQuery(p, "select 41 + 1 as answer")).toBe("ok");
    expect(await resultRows(p)).toEqual([["42"]]);
    expect(await p.isVisible("#query-error")).toBe(false);
    expect(await runQuery(p, `select count(*) from read_parquet('${csvResources(releaseDir)[0].path.replace(/\.csv$/, ".parquet")}')`)).toBe("error");
    expect(await p.textContent("#query-error")).toMatch(/parquet/i);
  });

  test("a Parquet download that never answers falls back to CSV within the timeout", async () => {
    const p = await context.newPage();
    await p.route("https://extensions.duckdb.org/**", () => {
      /* never answered: the network hangs */
    });
    await open(p, "console.html?parquetTimeoutMs=1000");
    expect(await waitForEngine(p)).toMatch(/could not be loaded \(offline\).*no answer within 1 s/);
    const first = csvResources(releaseDir)[0];
    expect(await runQuery(p, `select count(*) as n from ${first.path.replace(/\.csv$/, "")}`)).toBe("ok");
    expect(await resultRows(p)).toEqual([[String(readRecords(path.join(releaseDir, first.path)).length)]]);
    await p.close();
  });

  test("labels, one h1, a skip link, keyboard focus, contrast of at least 4.5:1", async () => {
    const p = await context.newPage();
    for (const rel of ["index.html", `datasets/${chartedDataset().id}.html`, "console.html"]) {
      await open(p, rel);
      const audit = await p.evaluate(() => {
        const unlabelled = Array.from(document.querySelectorAll("input, select, textarea"))
          .filter((el) => !(el as HTMLElement).closest("[hidden]"))
          .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute("aria-label"))
          .map((el) => el.outerHTML.slice(0, 80));
        const nameless = Array.from(document.querySelectorAll("button, a")).filter((el) => (el.textContent ?? "").trim() === "" && !el.getAttribute("aria-label")).map((el) => el.outerHTML.slice(0, 80));
        const rgb = (c: string) => {
          const [r, g, b, a = 1] = c.match(/[\d.]+/g)!.map(Number);
          return { r, g, b, a };
        };
        const lum = ({ r, g, b }: { r: number; g: number; b: number }) =>
          [r, g, b].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const background = (el: Element | null) => {
          for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.a > 0) return c;
          }
          return { r: 255, g: 255, b: 255, a: 1 };
        };
        const low: string[] = [];
        let checked = 0;
        for (const el of Array.from(document.querySelectorAll("body *"))) {
          if (el.closest("svg, .visually-hidden, script, style, [hidden]") || el.getClientRects().length === 0) continue;
          if (!Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? "").trim() !== "")) continue;
          const [l1, l2] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))].sort((a, b) => b - a);
          const ratio = (l1 + 0.05) / (l2 + 0.05);
          checked++;
          if (ratio < 4.5) low.push(`${el.tagName.toLowerCase()}.${el.className} ${ratio.toFixed(2)}`);
        }
        return { unlabelled, nameless, low, checked, h1: document.querySelectorAll("h1").length, lang: document.documentElement.lang };
      });
      expect({ rel, ...audit, checked: audit.checked > 20 }).toEqual({ rel, unlabelled: [], nameless: [], low: [], checked: true, h1: 1, lang: "en" });
    }
    // Keyboard: the first Tab reaches the skip link, Enter moves to the content.
    await open(p, "index.html");
    await p.keyboard.press("Tab");
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await p.keyboard.press("Enter");
    await p.waitForFunction(() => location.hash === "#main", null, { timeout: WAIT });
    await p.close();
  });

  test("readable on a phone: no page is wider than a 375 px screen", async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    phone.setDefaultTimeout(WAIT);
    const p = await phone.newPage();
    for (const rel of ["index.html", `datasets/${chartedDataset().id}.html`, "console.html"]) {
      await open(p, rel);
      if (rel.startsWith("datasets/")) await p.waitForSelector('body[data-charts="done"]', { timeout: WAIT });
      expect({ rel, width: await p.evaluate(() => document.documentElement.scrollWidth) }).toEqual({ rel, width: 375 });
    }
    await phone.close();
  });

  test("everything is served by the site itself: only the Parquet extension was asked of another host", () => {
    const local = requests.filter((r) => r.url.startsWith(server.url));
    const elsewhere = requests.filter((r) => !r.url.startsWith(server.url) && !r.url.startsWith("data:"));
    expect(local.length).toBeGreaterThan(20);
    // net::ERR_ABORTED: a request cut short by the test navigating on; any other failure or a 4xx/5xx is a broken link.
    expect(local.filter((r) => (r.status === null && r.failure !== "net::ERR_ABORTED") || (r.status !== null && r.status >= 400))).toEqual([]);
    for (const r of elsewhere) expect(r.url).toMatch(/^https:\/\/extensions\.duckdb\.org\/[^/]+\/wasm_eh\/parquet\.duckdb_extension\.wasm$/);
    for (const lib of ["vendor/vega/vega.min.js", "vendor/vega-lite/vega-lite.min.js", "vendor/duckdb-wasm/duckdb-browser.mjs", "vendor/apache-arrow/arrow.mjs"]) {
      expect(local.map((r) => r.url)).toContain(server.url + lib);
    }
  });
});
