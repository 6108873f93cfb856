/**
 * console.html: an SQL console over the published files, run by DuckDB-Wasm in the browser
 * (assets/console.js). No server: the engine, its worker and the data are static files of the
 * site. Parquet needs DuckDB's parquet extension, which DuckDB-Wasm downloads from the network;
 * offline (or when it fails or hangs) the console reads the CSV files with the same column
 * types the Parquet files were written with, and says so.
 */
import type { ExampleQuery } from "../examples";
import { escapeHtml, html, jsonScript, page, raw } from "../html";
import type { PortalRelease } from "../release";
import { ARROW_SHIM } from "../vendor";

/** Frictionless type -> DuckDB type: the mapping lib/opendata/publish/parquet.ts writes the Parquet files with. */
export const DUCKDB_TYPE = { string: "VARCHAR", integer: "BIGINT", number: "DOUBLE" } as const;

export interface ConsoleConfig {
  version: string;
  tables: { name: string; title: string; csv: string; parquet: string | null; columns: { name: string; type: string }[] }[];
  examples: ExampleQuery[];
  duckdb: { module: string; worker: string; wasm: string };
}

export function consoleConfig(release: PortalRelease, examples: ExampleQuery[]): ConsoleConfig {
  return {
    version: release.version,
    tables: release.datasets.map((ds) => ({
      name: ds.id,
      title: ds.title,
      csv: `data/${ds.csv.name}`,
      parquet: ds.parquet ? `data/${ds.parquet.name}` : null,
      columns: ds.fields.map((f) => ({ name: f.name, type: DUCKDB_TYPE[f.type] })),
    })),
    examples,
    duckdb: {
      module: "vendor/duckdb-wasm/duckdb-browser.mjs",
      worker: "vendor/duckdb-wasm/duckdb-browser-eh.worker.js",
      wasm: "vendor/duckdb-wasm/duckdb-eh.wasm",
    },
  };
}

export function consolePage(release: PortalRelease, config: ConsoleConfig, wasmBytes: number): string {
  const first = config.examples[0];
  const tables = config.tables.map(
    (t) => html`<li><details><summary><code>${t.name}</code> <span class="detail">${t.title}</span></summary>
<p class="detail">From <a href="${t.csv}">${t.csv.replace(/^data\//, "")}</a>${t.parquet ? html` or <a href="${t.parquet}">${t.parquet.replace(/^data\//, "")}</a>` : ""}.</p>
<ul class="columns">${t.columns.map((c) => html`<li><code>${c.name}</code> <span class="detail">${c.type}</span></li>`)}</ul>
</details></li>`,
  );
  const examples = config.examples.map(
    (e) => html`<li><button type="button" class="example" data-example="${e.id}">${e.title}</button></li>`,
  );
  const body = html`<h1>SQL console</h1>
<p class="lead">Query every table of release ${release.version} with SQL, in your browser: the engine is <a href="https://duckdb.org/docs/api/wasm/overview">DuckDB-Wasm</a>, loaded from this site (${(wasmBytes / (1024 * 1024)).toFixed(0)} MB, once), and nothing you type leaves your machine.</p>
<noscript><p class="error-box">The SQL console needs JavaScript. The files themselves are on the <a href="index.html">catalogue</a>.</p></noscript>
<p id="engine-status" class="status" role="status" aria-live="polite" data-state="loading">Starting the SQL engine…</p>
<div class="console-layout">
<section aria-labelledby="query-title" class="console-main">
<h2 id="query-title">Query</h2>
<form id="query-form" class="query-form">
<label for="sql">SQL query <span class="detail">(Ctrl+Enter runs it)</span></label>
<textarea id="sql" name="sql" rows="9" spellcheck="false" autocapitalize="off" autocomplete="off">${first ? first.sql : "select 42 as answer"}</textarea>
<div class="form-row">
<button type="submit" id="run" disabled>Run query</button>
<fieldset class="view-choice">
<legend>Show the result as</legend>
<label><input type="radio" name="view" value="table" checked> table</label>
<label><input type="radio" name="view" value="chart"> chart</label>
</fieldset>
</div>
</form>
<div id="query-error" class="error-box" role="alert" hidden></div>
<section aria-labelledby="result-title" id="result-section">
<h2 id="result-title">Result</h2>
<p id="result-summary" role="status" aria-live="polite">No query run yet.</p>
<div id="result-chart" class="chart-live" hidden></div>
<div id="result-table-wrap" class="table-scroll tall" role="region" aria-labelledby="result-title" tabindex="0" hidden></div>
</section>
</section>
<aside class="console-side" aria-labelledby="examples-title">
<h2 id="examples-title">Example queries</h2>
<ul class="examples">
${examples}
</ul>
<h2 id="tables-title">Tables</h2>
<p class="detail">Confidential values are NULL (empty in the files), with <code>status</code> saying why and <code>flag</code> = 'c'.</p>
<ul class="tables" aria-labelledby="tables-title">
${tables}
</ul>
</aside>
</div>
${jsonScript("portal-config", config)}`;
  return page({
    title: "SQL console",
    root: "",
    current: "console",
    description: `SQL console over release ${release.version}, in the browser (DuckDB-Wasm)`,
    releaseVersion: release.version,
    body,
    // The UMD Arrow build runs first (it sets globalThis.Arrow); the import map then lets
    // DuckDB-Wasm's module import "apache-arrow" from the site instead of a CDN.
    head: raw(`<script src="vendor/apache-arrow/Arrow.es2015.min.js"></script>
<script type="importmap">{"imports":{"apache-arrow":"./${escapeHtml(ARROW_SHIM)}"}}</script>
<script defer src="vendor/vega/vega.min.js"></script>
<script defer src="vendor/vega-lite/vega-lite.min.js"></script>
<script type="module" src="assets/console.js"></script>`),
  });
}
