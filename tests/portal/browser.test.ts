/**
 * The portal in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), one launch for the file, the site built from the current release into a temporary
 * folder and served from localhost. The browser has no network but localhost (host resolver
 * rules), as on a machine offline: DuckDB-Wasm cannot fetch its Parquet extension, and the SQL
 * console must say so and read the CSV files.
 *
 * Every wait has a timeout, so a hung engine fails a test instead of hanging the suite.
 * Screenshots of the catalogue and of a dataset page go to reports/ (see site.ts for when), with
 * the record of the release and pages they show (reports/portal-screenshots.json).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { writeFileAtomically } from "../../lib/io/atomicDir";
import type { SiteSummary } from "../../lib/portal/build";
import { serveSite, type SiteServer } from "../../lib/portal/serve";
import { describeIf } from "../helpers/skip";
import { buildTestSite, CHROMIUM, CHROMIUM_ARGS, csvResources, readRecords, REASON_WORDS, recordScreenshot, releaseUnderTest, screenshotTarget } from "./site";

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

/** The dataset the trend-by-area chart is about: a table with a period and an area, else the first one. */
function chartedDataset() {
  const resources = csvResources(releaseDir);
  const r = resources.find((x) => x.fields.some((f) => f.name === "period") && x.fields.some((f) => f.name === "geo_code")) ?? resources[0];
  const measure = r.measures[0];
  return { ...r, measure, records: readRecords(path.join(releaseDir, r.path)) };
}

const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

async function open(p: Page, rel: string): Promise<void> {
  await p.goto(server.url + rel, { waitUntil: "load", timeout: WAIT });
}

async function runQuery(p: Page, sql: string, timeout = WAIT): Promise<"ok" | "error"> {
  await p.getByLabel("SQL query").fill(sql);
  await p.getByRole("button", { name: "Run query" }).click();
  await p.waitForFunction(() => ["ok", "error"].includes(document.getElementById("result-summary")!.dataset.state ?? ""), null, { timeout });
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
  await p.evaluate(() => document.fonts.ready.then(() => undefined));
  const png = await p.screenshot({ type: "png", fullPage: true, clip: { x: 0, y: 0, width: 1280, height }, animations: "disabled", caret: "hide", scale: "css", timeout: WAIT });
  // Written and renamed whole: tests/portal/screenshots.test.ts may read it meanwhile.
  writeFileAtomically(path.join(shots.dir, name), png);
  recordScreenshot(shots.dir, path.basename(releaseDir), name, p.url().slice(server.url.length));
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
    await screenshot(p, "portal-dataset.png", 1500);
    await p.close();
  });

  test("every breakdown of every dataset draws one bar per published value (a 0 too) and one c per confidential one", async () => {
    const p = await context.newPage();
    let bars = 0;
    for (const r of csvResources(releaseDir)) {
      await open(p, `datasets/${r.id}.html`);
      await p.waitForSelector('body[data-charts="done"]', { timeout: WAIT });
      for (const id of await p.$$eval("figure[data-chart]", (fs) => fs.map((f) => f.id).filter((id) => id.includes("-by-")))) {
        const spec = JSON.parse((await p.textContent(`#${id} script[type="application/json"]`))!);
        const values = spec.data.values as { value: number | null }[];
        const drawn = { id, bars: await p.locator(`#${id} .chart-live svg .mark-rect path`).count(), c: await p.locator(`#${id} .chart-live svg .mark-text.role-mark text`).count() };
        expect(drawn).toEqual({ id, bars: values.filter((v) => v.value !== null).length, c: values.filter((v) => v.value === null).length });
        expect(await p.locator(`#${id} .chart-live svg .mark-text.role-mark text`).allTextContents()).toEqual(values.filter((v) => v.value === null).map(() => "c (confidential)"));
        bars += drawn.bars;
      }
    }
    expect(bars).toBeGreaterThan(0);
    // As many c as confidential points in each chart, checked per chart above (the default release may chart none).
    await p.close();
  });

  test("the preview table sorts from the keyboard and filters by text and flag; confidential cells read c, zeros 0", async () => {
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

    // Filter by a word taken from the data (an area or category name), then by flag.
    const label = ds.fields.find((f) => f.name === "geo_name") ?? ds.fields.find((f) => f.type === "string")!;
    const word = ds.records.map((r) => r[label.name]).find((v) => v !== "All" && /^\p{L}{4,}$/u.test(v))!;
    const text = (r: Record<string, string>) => fold(Object.values(r).join(" "));
    const byWord = ds.records.filter((r) => text(r).includes(fold(word)));
    await p.getByLabel("Filter rows (any column)").fill(word);
    const count = (n: number) => `Showing ${n.toLocaleString("en")} of ${ds.records.length.toLocaleString("en")} rows.`;
    await p.waitForFunction((t) => document.getElementById("preview-count")!.textContent!.endsWith(t), count(byWord.length), { timeout: WAIT });
    await p.getByLabel("Confidentiality flag").selectOption("confidential");
    const confidential = byWord.filter((r) => r[ds.flag.field] === ds.flag.confidential);
    await p.waitForFunction((t) => document.getElementById("preview-count")!.textContent!.endsWith(t), count(confidential.length), { timeout: WAIT });
    const shown = await p.$$eval("#preview tbody tr:not([hidden])", (trs, col) => trs.map((tr) => [(tr as HTMLElement).dataset.flag, (tr as HTMLTableRowElement).cells[col as number].textContent]), column);
    expect(shown.length).toBe(confidential.length);
    for (const [flag, cell] of shown) {
      expect(flag).toBe("c");
      expect(cell).toBe("c (confidential)");
    }
    // Published rows: every number as published, a 0 as 0.
    await p.getByLabel("Confidentiality flag").selectOption("published");
    await p.getByLabel("Filter rows (any column)").fill("");
    const publishedRows = ds.records.filter((r) => r[ds.flag.field] === "");
    await p.waitForFunction((t) => document.getElementById("preview-count")!.textContent!.endsWith(t), count(publishedRows.length), { timeout: WAIT });
    const values = await p.$$eval("#preview tbody tr:not([hidden])", (trs, col) => trs.map((tr) => (tr as HTMLTableRowElement).cells[col as number].textContent ?? ""), column);
    expect(values.every((v) => /^-?[\d,]+(\.\d+)?$/.test(v))).toBe(true);
    const zeros = publishedRows.filter((r) => Number(r[ds.measure]) === 0).length;
    expect(values.filter((v) => /^0(\.0+)?$/.test(v)).length).toBe(zeros);
    await p.close();
  });

  test("the SQL console falls back to the CSV files offline, and its totals are those of the published CSV", async () => {
    const ds = chartedDataset();
    const p = await readyConsole();
    const status = (await p.textContent("#engine-status")) ?? "";
    expect(status).toContain("Parquet support could not be loaded (offline): the console reads the CSV files.");
    expect(await p.getAttribute("#engine-status", "data-source")).toBe("csv");
    expect(await runQuery(p, `select coalesce(flag, 'published') as flag, count(*) as cells, sum(${ds.measure}) as total from ${ds.id} group by all order by flag`)).toBe("ok");
    const expected = new Map<string, { cells: number; total: number }>();
    for (const r of ds.records) {
      const key = r[ds.flag.field] === "" ? "published" : r[ds.flag.field];
      const e = expected.get(key) ?? { cells: 0, total: 0 };
      e.cells++;
      if (r[ds.measure] !== "") e.total += Number(r[ds.measure]);
      expected.set(key, e);
    }
    const rows = await resultRows(p);
    expect(rows.map((r) => r[0])).toEqual([...expected.keys()].sort());
    for (const [flag, cells, total] of rows) {
      expect(Number(cells)).toBe(expected.get(flag)!.cells);
      if (flag === "published") expect(Number(total)).toBeCloseTo(expected.get(flag)!.total, 2);
      else expect(total).toBe("NULL"); // confidential values are NULL, never zero
    }

    // An example, drawn as a chart.
    await p.getByRole("button").filter({ hasText: /^Totals per period/ }).first().click();
    await p.waitForSelector('#result-chart[data-rendered="live"] svg', { timeout: WAIT });
    expect(await p.locator("#result-chart svg path").count()).toBeGreaterThan(0);
  });

  test("every example query runs in the browser and returns rows; the table of codes says how they nest", async () => {
    const p = await readyConsole();
    const examples = await p.$$eval("button[data-example]", (bs) => bs.map((b) => ({ id: (b as HTMLElement).dataset.example!, title: b.textContent ?? "" })));
    expect(examples.length).toBeGreaterThan(4);
    for (const e of examples) {
      await p.click(`button[data-example="${e.id}"]`);
      await p.waitForFunction(() => ["ok", "error"].includes(document.getElementById("result-summary")!.dataset.state ?? ""), null, { timeout: WAIT });
      const state = await p.getAttribute("#result-summary", "data-state");
      const error = state === "error" ? await p.textContent("#query-error") : null;
      expect({ example: e.id, state, error }).toEqual({ example: e.id, state: "ok", error: null });
      expect(await p.textContent("#result-summary")).not.toMatch(/^0 rows/);
    }
    await p.getByRole("radio", { name: "table" }).check();
    const withParents = csvResources(releaseDir).flatMap((r) => r.dimensions.filter((d) => Object.keys(d.parents).length > 0).map((d) => ({ r, d })));
    for (const { r, d } of withParents) {
      const [child, parent] = Object.entries(d.parents)[0];
      expect(await runQuery(p, `select parent, level, finest from dimension_codes where table_name = '${r.id}' and dimension = '${d.field}' and code = '${child}'`)).toBe("ok");
      expect(await resultRows(p)).toEqual([[parent, "2", "true"]]);
    }
  });

  test("a malformed query shows the engine's message once, clears the previous result, and the console answers the next query", async () => {
    const p = await readyConsole();
    await p.getByRole("radio", { name: "table" }).check();
    expect(await runQuery(p, "select 'previous' as answer")).toBe("ok");
    expect(await resultRows(p)).toEqual([["previous"]]);
    expect(await runQuery(p, "selec * form nowhere")).toBe("error");
    expect(await p.isVisible("#query-error")).toBe(true);
    const message = (await p.textContent("#query-error")) ?? "";
    expect(message).toMatch(/Parser Error: syntax error/);
    // One error block: DuckDB-Wasm's message carries its "LINE 1: ... ^" block twice.
    expect(message.match(/LINE 1:/g)).toEqual(["LINE 1:"]);
    // Nothing of the previous result is left under "Result".
    expect(await p.isVisible("#result-table-wrap")).toBe(false);
    expect(await p.isVisible("#result-chart")).toBe(false);
    expect(await resultRows(p)).toEqual([]);
    // The same after a result drawn as a chart.
    await p.getByRole("radio", { name: "chart" }).check();
    expect(await runQuery(p, "select 'a' as k, 1 as v union all select 'b', 2")).toBe("ok");
    expect(await p.isVisible("#result-chart svg")).toBe(true);
    expect(await runQuery(p, "select * from no_such_table")).toBe("error");
    expect(await p.isVisible("#result-chart")).toBe(false);
    expect(await p.locator("#result-chart svg").count()).toBe(0);
    await p.getByRole("radio", { name: "table" }).check();
    expect(await runQuery(p, "select 41 + 1 as answer")).toBe("ok");
    expect(await resultRows(p)).toEqual([["42"]]);
    expect(await p.isVisible("#query-error")).toBe(false);
    expect(await runQuery(p, `select count(*) from read_parquet('${csvResources(releaseDir)[0].path.replace(/\.csv$/, ".parquet")}')`)).toBe("error");
    expect(await p.textContent("#query-error")).toMatch(/parquet/i);
  });

  test("a query of a hundred million rows leaves the tab alive: the first 1,000 rows are shown, with the total count", async () => {
    const p = await readyConsole();
    await p.getByRole("radio", { name: "table" }).check();
    // It used to build every row before showing the first thousand, and the tab crashed.
    expect(await runQuery(p, "select range from range(100000000)", ENGINE_TIMEOUT)).toBe("ok");
    const rows = await resultRows(p);
    expect(rows.length).toBe(1000);
    expect(rows[0]).toEqual(["0"]);
    expect(rows[999]).toEqual(["999"]);
    expect(await p.textContent("#result-table-wrap caption")).toBe("First 1,000 of 100,000,000 rows");
    expect(await p.textContent("#result-summary")).toMatch(/^100,000,000 rows \(the first 1,000 shown\), 1 column/);
    // The page still answers, and so does the engine.
    expect(await p.evaluate(() => 6 * 7)).toBe(42);
    expect(await runQuery(p, "select count(*) as n from range(2500)")).toBe("ok");
    expect(await resultRows(p)).toEqual([["2500"]]);
    // A result a little over the limit is counted row by row: the caption says how many are not shown.
    expect(await runQuery(p, "select range from range(2500)")).toBe("ok");
    expect(await p.textContent("#result-table-wrap caption")).toBe("First 1,000 of 2,500 rows");
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

  test("no page shows a word primary, secondary or dominance next to a cell: tables, charts, tooltips, filters, console results", async () => {
    const description = JSON.parse(readFileSync(path.join(releaseDir, "datapackage.json"), "utf8")).description as string;
    /** What the page shows around its cells, as rendered: cells, captions, options, chart texts, and every title, label and value. */
    const shownNextToCells = (p: Page) =>
      p.evaluate(() => {
        const texts: string[] = [];
        for (const el of Array.from(document.querySelectorAll("td, th, caption, option, figcaption, svg text, .row-count, #result-summary"))) texts.push(el.textContent ?? "");
        for (const el of Array.from(document.querySelectorAll("[title], [aria-label], [value], [data-flag]"))) {
          for (const a of ["title", "aria-label", "value", "data-flag"]) if (el.hasAttribute(a)) texts.push(el.getAttribute(a) ?? "");
        }
        for (const el of Array.from(document.querySelectorAll("svg title, svg desc, [aria-roledescription]"))) texts.push(el.textContent ?? "");
        return texts;
      });
    const offending = (texts: string[]) => texts.filter((t) => REASON_WORDS.test(t.replace(description, "")));
    const p = await context.newPage();
    await open(p, "index.html");
    expect({ page: "index.html", found: offending(await shownNextToCells(p)) }).toEqual({ page: "index.html", found: [] });
    for (const r of csvResources(releaseDir)) {
      const rel = `datasets/${r.id}.html`;
      await open(p, rel);
      await p.waitForSelector('body[data-charts="done"]', { timeout: WAIT });
      await p.waitForSelector('table[data-enhanced="true"]', { timeout: WAIT });
      await p.getByLabel("Confidentiality flag").selectOption("confidential");
      // The tooltip of a confidential mark, as vega shows it on hover (the title it sets).
      const mark = p.locator(".chart-live svg .mark-text.role-mark text").first();
      if ((await mark.count()) > 0) await mark.hover();
      expect({ page: rel, found: offending(await shownNextToCells(p)) }).toEqual({ page: rel, found: [] });
    }
    await p.close();
    const c = await readyConsole();
    await c.getByRole("radio", { name: "table" }).check();
    for (const r of csvResources(releaseDir)) {
      expect(await runQuery(c, `select * from ${r.id} order by flag nulls last`)).toBe("ok");
      expect({ table: r.id, found: offending(await shownNextToCells(c)) }).toEqual({ table: r.id, found: [] });
    }
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
