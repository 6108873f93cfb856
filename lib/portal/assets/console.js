// The SQL console: DuckDB-Wasm in a worker, over the files of the site's data/ folder.
//
// Start-up: the engine (vendor/duckdb-wasm, shipped by the site) is instantiated, then Parquet
// is tried: DuckDB-Wasm has no Parquet reader built in and downloads its parquet extension from
// extensions.duckdb.org. Offline that download fails, or hangs; a hung or crashed load leaves the
// single-threaded engine unusable. So the attempt is bounded: the network is probed first (with
// a timeout), the extension is loaded (with a timeout), and on any failure the engine is
// restarted if it was touched, autoloading is switched off, and every table is read from its CSV
// file with the column types the Parquet files were written with. The status line says which.
//
// A query error shows the engine's own message (once: DuckDB-Wasm repeats its "LINE 1: … ^"
// block), clears the previous result, and the console stays ready for the next query.
//
// Results are streamed, never materialised whole: the first SHOWN_ROWS rows are kept and shown,
// the rest only counted (see streamQuery). `select range from range(100000000)` used to crash the
// tab, every row being built before the first thousand were shown.
import { renderSpec } from "./chart.js";

const config = JSON.parse(document.getElementById("portal-config").textContent);
const params = new URLSearchParams(location.search);
const PARQUET_TIMEOUT_MS = Number(params.get("parquetTimeoutMs")) || 10000;
const SHOWN_ROWS = 1000;
const COUNT_BUDGET_MS = 1000;
const siteRoot = new URL(".", document.baseURI);
const abs = (p) => new URL(p, siteRoot).href;
const fileName = (p) => p.split("/").pop();

const $ = (id) => document.getElementById(id);
const statusLine = $("engine-status");
const form = $("query-form");
const sqlBox = $("sql");
const runButton = $("run");
const errorBox = $("query-error");
const summary = $("result-summary");
const tableWrap = $("result-table-wrap");
const chartBox = $("result-chart");

let duckdb = null;
let engine = null;
let busy = false;

class TimeoutError extends Error {}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function setStatus(state, text, source) {
  statusLine.dataset.state = state;
  if (source) statusLine.dataset.source = source;
  statusLine.textContent = text;
}

const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;
const sqlIdent = (s) => `"${s.replace(/"/g, '""')}"`;

async function startEngine() {
  duckdb ??= await import(abs(config.duckdb.module));
  const worker = new Worker(abs(config.duckdb.worker));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(abs(config.duckdb.wasm));
  // DECIMAL (and HUGEINT sums) would otherwise arrive as scaled integers.
  await db.open({ query: { castDecimalToDouble: true } });
  const conn = await db.connect();
  return { db, conn, worker, touched: false };
}

function stopEngine(e) {
  try {
    e.worker.terminate();
  } catch {
    /* already gone */
  }
}

async function registerFiles(e, kind) {
  for (const t of config.tables) {
    const path = t[kind];
    if (!path) continue;
    const response = await fetch(abs(path));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    await e.db.registerFileBuffer(fileName(path), new Uint8Array(await response.arrayBuffer()));
  }
}

async function useParquet(e) {
  if (navigator.onLine === false) throw new Error("the browser is offline");
  if (config.tables.some((t) => !t.parquet)) throw new Error("a table has no Parquet file");
  const version = await e.db.getVersion();
  const extension = `https://extensions.duckdb.org/${version}/wasm_eh/parquet.duckdb_extension.wasm`;
  // Probe first: a failed load inside the engine can crash it; a failed fetch here cannot.
  await withTimeout(fetch(extension, { method: "HEAD", mode: "no-cors", cache: "no-store" }), PARQUET_TIMEOUT_MS, "the Parquet extension's server").catch((error) => {
    throw error instanceof TimeoutError ? error : new Error(`the Parquet extension's server could not be reached (${error.message})`);
  });
  e.touched = true;
  await withTimeout(e.conn.query("LOAD parquet"), PARQUET_TIMEOUT_MS, "loading the Parquet extension");
  await registerFiles(e, "parquet");
  for (const t of config.tables) {
    await e.conn.query(`create or replace view ${sqlIdent(t.name)} as select * from read_parquet(${sqlString(fileName(t.parquet))})`);
  }
  await withTimeout(e.conn.query(`select count(*) from ${sqlIdent(config.tables[0].name)}`), PARQUET_TIMEOUT_MS, "reading a Parquet file");
}

async function useCsv(e) {
  // Never try the network again behind the user's back: read_parquet now fails at once, with DuckDB's message.
  await e.conn.query("set autoinstall_known_extensions = false");
  await e.conn.query("set autoload_known_extensions = false");
  await registerFiles(e, "csv");
  for (const t of config.tables) {
    const columns = t.columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(", ");
    // The options lib/opendata/publish/parquet.ts reads the CSV with when it writes the Parquet file.
    await e.conn.query(
      `create or replace view ${sqlIdent(t.name)} as select * from read_csv(${sqlString(fileName(t.csv))}, header = true, delim = ',', quote = '"', escape = '"', columns = {${columns}}, auto_detect = false, nullstr = '')`,
    );
  }
}

/**
 * The codes of every table's dimensions and how they nest (datapackage.json, disclosureControl),
 * as a table of its own, so that a query can pick one level of a hierarchy (`finest`, `level`,
 * `parent`) instead of adding a total to its parts.
 */
async function createCodesTable(e) {
  const { name, rows } = config.codes;
  if (rows.length === 0) return;
  const values = rows
    .map((r) => `(${[r.table, r.dimension, r.code].map(sqlString).join(", ")}, ${r.parent === null ? "null::varchar" : sqlString(r.parent)}, ${Number(r.level)}, ${r.finest ? "true" : "false"})`)
    .join(",\n");
  await e.conn.query(`create or replace table ${sqlIdent(name)} as select * from (values ${values}) as t(table_name, dimension, code, parent, level, finest)`);
}

async function boot() {
  setStatus("loading", "Starting the SQL engine (DuckDB-Wasm, loaded from this site)…");
  let e = await startEngine();
  let source = "parquet";
  let reason = "";
  try {
    await useParquet(e);
  } catch (error) {
    source = "csv";
    reason = error instanceof TimeoutError ? error.message : `${error.message || error}`;
    if (e.touched) {
      // The engine may be stuck in, or broken by, the extension load: start a clean one.
      stopEngine(e);
      e = await startEngine();
    }
    await useCsv(e);
  }
  await createCodesTable(e);
  engine = e;
  const n = config.tables.length;
  if (source === "parquet") {
    setStatus("ready", `Ready: ${n} tables and ${config.codes.name}, read from the Parquet files.`, "parquet");
  } else {
    setStatus("ready", `Parquet support could not be loaded (offline): the console reads the CSV files. Ready: ${n} tables and ${config.codes.name}. (${reason})`, "csv");
  }
  runButton.disabled = false;
}

function formatValue(value, type) {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (/^Date/.test(type)) return new Date(value).toISOString().slice(0, 10);
    if (/^Timestamp/.test(type)) return new Date(value).toISOString().replace(".000Z", "Z");
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

const count = (n, what) => `${n.toLocaleString("en")} ${what}${n === 1 ? "" : "s"}`;

/** How many rows a result has, in words: `exact` false means at least `total` (the engine could not count them all). */
function rowCount(total, exact) {
  return `${exact ? "" : "at least "}${count(total, "row")}`;
}

function tableCaption(shown, total, exact, done) {
  if (!done) return `First ${count(shown, "row")}; counting the rest…`;
  return total > shown || !exact ? `First ${shown.toLocaleString("en")} of ${rowCount(total, exact)}` : count(total, "row");
}

function resultSummary(shown, total, exact, columns, ms, note) {
  const rows = rowCount(total, exact);
  const detail = !exact ? ` (the first ${shown.toLocaleString("en")} shown; the rest could not be counted)` : total > shown ? ` (the first ${shown.toLocaleString("en")} shown)` : "";
  return `${rows.charAt(0).toUpperCase()}${rows.slice(1)}${detail}, ${count(columns, "column")} (${ms} ms). ${note}`.trim();
}

function renderTable(columns, rows, total, exact, done) {
  const table = document.createElement("table");
  table.className = "data result";
  const caption = table.createCaption();
  caption.textContent = tableCaption(rows.length, total, exact, done);
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c.name;
    if (c.numeric) th.className = "num";
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    columns.forEach((c, i) => {
      const td = tr.insertCell();
      const text = formatValue(row[i], c.type);
      if (text === null) {
        td.className = "null";
        td.textContent = "NULL";
      } else {
        td.textContent = text;
        if (c.numeric) td.className = "num";
      }
    });
  }
  tableWrap.replaceChildren(table);
  tableWrap.hidden = false;
  return caption;
}

function clearResult() {
  tableWrap.replaceChildren();
  tableWrap.hidden = true;
  chartBox.replaceChildren();
  chartBox.hidden = true;
  delete chartBox.dataset.rendered;
}

/**
 * The engine's message as DuckDB words it ("Parser Error: …"), each paragraph once: DuckDB-Wasm
 * appends its "LINE 1: … ^" block twice to a failed query's message, and a query sent as a stream
 * fails with the error as JSON ({"exception_type": "Parser", "exception_message": …}).
 */
export function engineMessage(error) {
  let message = error && error.message ? error.message : String(error);
  try {
    const parsed = JSON.parse(message);
    if (parsed && typeof parsed.exception_message === "string") message = `${parsed.exception_type ? `${parsed.exception_type} Error: ` : ""}${parsed.exception_message}`;
  } catch {
    /* not JSON: the message as it is */
  }
  const seen = new Set();
  return message
    .split(/\n\s*\n/)
    .filter((paragraph) => {
      const key = paragraph.trim();
      if (key === "" || seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .join("\n\n");
}

/**
 * Runs `sql` as a stream: the first SHOWN_ROWS rows as arrays of values, and the number of rows.
 * `onFirstRows` is called once the shown rows are in. The rest is counted batch by batch for
 * COUNT_BUDGET_MS at most; a longer result is counted by the engine instead (count(*) of the
 * query: 0.4 s for range(100000000) where the batches took 26 s), the stream being cancelled.
 * `exact` is false when the engine could not count it (a statement that is not a query).
 */
async function streamQuery(sql, onFirstRows) {
  const reader = await engine.conn.send(sql, true);
  await reader.open(); // reads the schema, even of a result without rows
  const columns = reader.schema.fields.map((f) => {
    const type = String(f.type);
    return { name: f.name, type, numeric: /^(Int|Uint|Float|Decimal)/.test(type) };
  });
  const rows = [];
  let total = 0;
  let firstRowsAt = null;
  for (;;) {
    const { done, value: batch } = await reader.next();
    if (done) return { columns, rows, total, exact: true };
    if (rows.length < SHOWN_ROWS) {
      const vectors = columns.map((_, i) => batch.getChildAt(i));
      const take = Math.min(batch.numRows, SHOWN_ROWS - rows.length);
      for (let r = 0; r < take; r++) rows.push(vectors.map((v) => (v ? v.get(r) : null)));
    }
    total += batch.numRows;
    if (firstRowsAt === null && rows.length >= SHOWN_ROWS) {
      firstRowsAt = performance.now();
      onFirstRows(columns, rows);
    }
    if (firstRowsAt !== null && performance.now() - firstRowsAt > COUNT_BUDGET_MS) {
      await engine.conn.cancelSent();
      const counted = await countRows(sql);
      return counted === null ? { columns, rows, total, exact: false } : { columns, rows, total: counted, exact: true };
    }
  }
}

/** The engine's count of the rows of `sql`, or null when it is not a query that can be counted. */
async function countRows(sql) {
  // Without its final semicolon (and any comment after it); a new line before the parenthesis, as
  // the query may end with a -- comment.
  const body = sql.replace(/;(\s|--[^\n]*)*$/, "");
  try {
    const result = await engine.conn.query(`select count(*) as n from (\n${body}\n)`);
    return Number(result.getChildAt(0).get(0));
  } catch {
    return null;
  }
}

const PERIOD = /^\d{4}(-\d{2}|-Q\d)?$/;

/** A vega-lite spec for a result: x = the first column, y = the first numeric one, colour = the next text column. */
export function resultSpec(columns, rows) {
  const y = columns.find((c, i) => i > 0 && c.numeric) ?? (columns[0]?.numeric ? null : undefined);
  if (!y || columns.length < 2) return null;
  const x = columns[0];
  const colour = columns.find((c, i) => i > 0 && !c.numeric && c !== x);
  const yi = columns.indexOf(y);
  const ci = colour ? columns.indexOf(colour) : -1;
  const values = rows.map((r) => ({
    x: formatValue(r[0], x.type),
    y: r[yi] === null || r[yi] === undefined ? null : Number(r[yi]),
    ...(ci >= 0 ? { c: formatValue(r[ci], colour.type) } : {}),
  }));
  const periods = values.every((v) => v.x !== null && PERIOD.test(v.x));
  const series = ci >= 0 ? new Set(values.map((v) => v.c)).size : 1;
  const encoding = {
    x: { field: "x", type: x.numeric ? "quantitative" : "ordinal", title: x.name, sort: null, axis: { labelAngle: periods ? 0 : -40, labelLimit: 140 } },
    y: { field: "y", type: "quantitative", title: y.name, axis: { format: "~s" } },
    tooltip: [{ field: "x", title: x.name }, { field: "y", title: y.name, format: "," }, ...(ci >= 0 ? [{ field: "c", title: colour.name }] : [])],
  };
  if (ci >= 0 && series <= 12) encoding.color = { field: "c", type: "nominal", title: colour.name };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `${y.name} by ${x.name}${ci >= 0 ? ` and ${colour.name}` : ""}`,
    data: { values },
    width: Math.min(640, Math.max(320, chartBox.parentElement.clientWidth - 160)),
    height: 260,
    mark: periods ? { type: "line", point: true, invalid: "break-paths-filter-domains" } : { type: "bar" },
    encoding: periods ? encoding : { ...encoding, ...(ci >= 0 && series <= 12 ? { xOffset: { field: "c" } } : {}) },
    config: { font: "DejaVu Sans, Verdana, sans-serif" },
  };
}

async function renderChart(columns, rows) {
  const spec = resultSpec(columns, rows);
  if (!spec) {
    chartBox.hidden = true;
    return "A chart needs a first column and a numeric column after it: the result is shown as a table.";
  }
  chartBox.replaceChildren();
  chartBox.hidden = false;
  await renderSpec(chartBox, spec);
  chartBox.dataset.rendered = "live";
  const nulls = spec.data.values.filter((v) => v.y === null).length;
  return nulls > 0 ? `${nulls} NULL value${nulls === 1 ? "" : "s"} (confidential cells) not drawn.` : "";
}

const ENGINE_CRASH = /RuntimeError|out of bounds|unreachable|worker.*terminated/i;

async function run(sql) {
  if (!engine || busy) return;
  busy = true;
  runButton.disabled = true;
  errorBox.hidden = true;
  errorBox.textContent = "";
  clearResult();
  summary.textContent = "Running…";
  summary.dataset.state = "running";
  const started = performance.now();
  try {
    const { columns, rows, total, exact } = await streamQuery(sql, (columns, rows) => {
      renderTable(columns, rows, 0, true, false);
      summary.textContent = `Running… the first ${count(rows.length, "row")} are in; counting the rest.`;
    });
    const ms = Math.round(performance.now() - started);
    renderTable(columns, rows, total, exact, true);
    let note = "";
    if (document.querySelector('input[name="view"]:checked').value === "chart") note = await renderChart(columns, rows);
    else chartBox.hidden = true;
    summary.textContent = resultSummary(rows.length, total, exact, columns.length, ms, note);
    summary.dataset.state = "ok";
  } catch (error) {
    const message = engineMessage(error);
    clearResult();
    errorBox.textContent = message;
    errorBox.hidden = false;
    summary.textContent = "The query failed: the engine's message is above. The console is ready for the next query.";
    summary.dataset.state = "error";
    if (ENGINE_CRASH.test(message)) {
      // The engine itself broke (not the query): replace it so the next query runs.
      summary.textContent = "The engine stopped and is being restarted…";
      stopEngine(engine);
      engine = null;
      await boot().catch((e) => setStatus("failed", `The SQL engine could not start: ${e.message}`));
    }
  } finally {
    busy = false;
    runButton.disabled = engine === null;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(sqlBox.value);
});
sqlBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run(sqlBox.value);
  }
});
for (const button of document.querySelectorAll("button[data-example]")) {
  button.addEventListener("click", () => {
    const example = config.examples.find((e) => e.id === button.dataset.example);
    sqlBox.value = example.sql;
    document.querySelector(`input[name="view"][value="${example.show}"]`).checked = true;
    sqlBox.focus();
    run(example.sql);
  });
}

const wanted = config.tables.find((t) => t.name === params.get("table"));
if (wanted) sqlBox.value = `select *\nfrom ${wanted.name}\nlimit 100`;

boot()
  .then(() => {
    if (wanted) run(sqlBox.value);
  })
  .catch((error) => setStatus("failed", `The SQL engine could not start: ${error.message || error}. The files are still on the catalogue page.`));
