/**
 * console.html: an SQL console over the published files, run by DuckDB-Wasm in the browser
 * (assets/console.js). No server: the engine, its worker and the data are static files of the
 * site. Parquet needs DuckDB's parquet extension, which DuckDB-Wasm downloads from the network;
 * offline (or when it fails or hangs) the console reads the CSV files with the same column
 * types the Parquet files were written with, and says so.
 */
import type { ExampleQuery } from "../examples";
import { escapeHtml, html, jsonScript, page, raw } from "../html";
import { PortalReleaseError, type PortalRelease } from "../release";
import { ARROW_SHIM } from "../vendor";

/** Frictionless type -> DuckDB type: the mapping lib/opendata/publish/parquet.ts writes the Parquet files with. */
export const DUCKDB_TYPE = { string: "VARCHAR", integer: "BIGINT", number: "DOUBLE" } as const;

/** One code of one dimension of one table: a row of the console's `dimension_codes` table. */
export interface DimensionCode {
  table: string;
  dimension: string;
  code: string;
  /** The code's parent; the total for a code directly under it; null for the total itself. */
  parent: string | null;
  /** 0 for the total, 1 directly under it, 2 under a code of level 1, ... */
  level: number;
  /** No code of the table sits under it: the finest level, where no code includes another. */
  finest: boolean;
}

/** The name of the console's table of codes; a release table of that name would hide it, so the build refuses one. */
export const CODES_TABLE = "dimension_codes";

export interface ConsoleConfig {
  version: string;
  tables: { name: string; title: string; csv: string; parquet: string | null; columns: { name: string; type: string }[] }[];
  codes: { name: string; rows: DimensionCode[] };
  examples: ExampleQuery[];
  duckdb: { module: string; worker: string; wasm: string };
}

/** Every table's dimension codes with their parent and level, from datapackage.json's disclosureControl. */
export function dimensionCodes(release: PortalRelease): DimensionCode[] {
  return release.datasets.flatMap((ds) =>
    ds.disclosure.dimensions.flatMap((d) => {
      const present = new Set(d.codes);
      const parentOf = (code: string) => (d.parents[code] !== undefined && present.has(d.parents[code]) ? d.parents[code] : null);
      const level = (code: string) => {
        let n = 1;
        for (let p = parentOf(code); p !== null && n <= d.codes.length; p = parentOf(p)) n++;
        return n;
      };
      const hasChild = new Set(d.codes.map(parentOf).filter((p): p is string => p !== null));
      const rows: DimensionCode[] = d.codes.map((code) => ({ table: ds.id, dimension: d.field, code, parent: parentOf(code) ?? d.total, level: level(code), finest: !hasChild.has(code) }));
      return d.total !== null ? [{ table: ds.id, dimension: d.field, code: d.total, parent: null, level: 0, finest: false }, ...rows] : rows;
    }),
  );
}

export function consoleConfig(release: PortalRelease, examples: ExampleQuery[]): ConsoleConfig {
  if (release.datasets.some((ds) => ds.id === CODES_TABLE)) throw new PortalReleaseError(`the release has a table named ${CODES_TABLE}, the name of the SQL console's table of codes: rename one of them (lib/portal/pages/console.ts, CODES_TABLE)`);
  return {
    version: release.version,
    tables: release.datasets.map((ds) => ({
      name: ds.id,
      title: ds.title,
      csv: `data/${ds.csv.name}`,
      parquet: ds.parquet ? `data/${ds.parquet.name}` : null,
      columns: ds.fields.map((f) => ({ name: f.name, type: DUCKDB_TYPE[f.type] })),
    })),
    codes: { name: CODES_TABLE, rows: dimensionCodes(release) },
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
<p class="detail">Confidential values are NULL (empty in the files) and their row has <code>${release.datasets[0].disclosure.flagField}</code> = '${release.datasets[0].disclosure.confidentialFlag}'; every combination of codes is a row, so a 0 is a real zero.</p>
<ul class="tables" aria-labelledby="tables-title">
${tables}
<li><details><summary><code>${config.codes.name}</code> <span class="detail">The codes of every table's dimensions and how they nest</span></summary>
<p class="detail">From datapackage.json (disclosureControl). <code>finest</code> codes include no other code: add those, not a total and its parts. The total has level 0; a code directly under it, level 1.</p>
<ul class="columns">${["table_name VARCHAR", "dimension VARCHAR", "code VARCHAR", "parent VARCHAR", "level INTEGER", "finest BOOLEAN"].map((c) => html`<li><code>${c.split(" ")[0]}</code> <span class="detail">${c.split(" ")[1]}</span></li>`)}</ul>
</details></li>
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
