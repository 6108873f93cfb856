/**
 * Builds the static Open Data portal of one release into a directory:
 *
 *   index.html                the catalogue
 *   datasets/<table>.html     one page per dataset (charts, preview, dictionary)
 *   console.html              the SQL console (DuckDB-Wasm in the browser)
 *   data/                     every file of the release, byte for byte (downloads, console input)
 *   assets/                   the site's own CSS and browser modules (lib/portal/assets)
 *   vendor/                   vega, vega-lite, DuckDB-Wasm, Apache Arrow, with their licences
 *
 * Deterministic: the same release and the same node_modules give the same bytes (no build time,
 * no absolute path, no random id; the "updated" date is the release's dct:modified). Every link
 * is relative, so the folder works from any static host, at any path.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderSvg } from "../charts/render";
import { buildCharts } from "./charts";
import { loadExamples } from "./examples";
import { cataloguePage } from "./pages/catalogue";
import { consoleConfig, consolePage } from "./pages/console";
import { datasetPage } from "./pages/dataset";
import { loadRelease, type PortalRelease } from "./release";
import { copyVendorFiles } from "./vendor";

export const ASSETS_DIR = path.join(__dirname, "assets");

export interface SiteFile {
  path: string;
  bytes: number;
}

export interface SiteSummary {
  version: string;
  outDir: string;
  datasets: string[];
  pages: string[];
  charts: number;
  files: SiteFile[];
  totalBytes: number;
  /** Bytes per top-level folder of the site ("pages" for the HTML files at the root and in datasets/). */
  bytesByPart: Record<string, number>;
}

export interface BuildSiteOptions {
  releaseDir: string;
  outDir: string;
  log?: (message: string) => void;
}

function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

function write(outDir: string, rel: string, content: string): void {
  const file = path.join(outDir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export async function buildSite(opts: BuildSiteOptions): Promise<SiteSummary> {
  const log = opts.log ?? (() => {});
  const outDir = path.resolve(opts.outDir);
  const release: PortalRelease = loadRelease(opts.releaseDir);
  mkdirSync(outDir, { recursive: true });

  for (const f of release.files) {
    mkdirSync(path.join(outDir, "data"), { recursive: true });
    copyFileSync(path.join(opts.releaseDir, f), path.join(outDir, "data", f));
  }
  for (const f of readdirSync(ASSETS_DIR).sort()) {
    mkdirSync(path.join(outDir, "assets"), { recursive: true });
    copyFileSync(path.join(ASSETS_DIR, f), path.join(outDir, "assets", f));
  }
  copyVendorFiles(outDir);

  const pages: string[] = ["index.html"];
  write(outDir, "index.html", cataloguePage(release));
  let chartCount = 0;
  for (const ds of release.datasets) {
    const charts = [];
    for (const chart of buildCharts(ds)) charts.push({ chart, svg: await renderSvg(chart.spec) });
    chartCount += charts.length;
    const rel = `datasets/${ds.id}.html`;
    write(outDir, rel, datasetPage(release, ds, charts));
    pages.push(rel);
  }
  // An example over a table this release leaves empty would only answer "0 rows".
  const examples = loadExamples(new Map(release.datasets.filter((d) => d.rows.length > 0).map((d) => [d.id, d.header])));
  const wasmBytes = statSync(path.join(outDir, "vendor", "duckdb-wasm", "duckdb-eh.wasm")).size;
  write(outDir, "console.html", consolePage(release, consoleConfig(release, examples), wasmBytes));
  pages.push("console.html");

  const files = listFiles(outDir).map((p) => ({ path: p, bytes: statSync(path.join(outDir, p)).size }));
  const bytesByPart: Record<string, number> = {};
  for (const f of files) {
    const top = f.path.includes("/") ? f.path.split("/")[0] : "pages";
    const part = top === "datasets" ? "pages" : top;
    bytesByPart[part] = (bytesByPart[part] ?? 0) + f.bytes;
  }
  const totalBytes = files.reduce((n, f) => n + f.bytes, 0);
  log(`portal: release ${release.version}, ${release.datasets.length} datasets, ${pages.length} pages, ${chartCount} charts, ${files.length} files`);
  return { version: release.version, outDir, datasets: release.datasets.map((d) => d.id), pages, charts: chartCount, files, totalBytes, bytesByPart };
}
