/**
 * datasets/<id>.html: one dataset, with its charts (static SVG, upgraded to live vega views by
 * assets/chart.js), a preview table that assets/table.js makes sortable and filterable, and the
 * same facts, downloads, confidentiality and column dictionary as the catalogue.
 *
 * Confidential cells are rendered as a flagged "c", never as a number and never with a reason (the
 * release publishes none): the files leave them empty, and an empty cell must not read as zero.
 * A 0 is a real zero (the tables are full grids: an empty combination is a row of zeros).
 */
import type { PortalChart } from "../charts";
import { groupDigits, html, jsonScript, page, raw, type Raw } from "../html";
import { isConfidential, type PortalDataset, type PortalRelease } from "../release";
import { columnDictionary, confidentiality, datasetFacts, downloads } from "./sections";

/** Rows shown in the preview table; the rest is in the files (and the SQL console). */
export const PREVIEW_ROWS = 2000;

function previewTable(ds: PortalDataset): Raw {
  const flag = ds.disclosure.confidentialFlag;
  const shown = ds.rows.slice(0, PREVIEW_ROWS);
  const numeric = ds.fields.map((f) => f.type !== "string");
  const head = ds.fields.map((f, i) => html`<th scope="col" data-type="${numeric[i] ? "number" : "text"}"${numeric[i] ? raw(' class="num"') : raw("")}>${f.name}</th>`);
  const body = shown.map((row) => {
    const confidential = isConfidential(ds, row);
    const cells = row.map((value, i) => {
      if (!numeric[i]) return html`<td>${value}</td>`;
      if (value !== "") return html`<td class="num" data-value="${value}">${groupDigits(value)}</td>`;
      if (confidential) return html`<td class="num conf"><abbr title="confidential: not published">${flag}</abbr><span class="visually-hidden"> (confidential)</span></td>`;
      // Empty but published: a derived value with nothing to compute it from (a median of no shipment, days of supply when nothing sold).
      return html`<td class="num empty"><span aria-hidden="true">–</span><span class="visually-hidden">no value</span></td>`;
    });
    return html`<tr data-flag="${confidential ? flag : ""}">${cells}</tr>`;
  });
  return html`<div class="table-tools" data-for="preview" hidden>
<div class="control">
<label for="preview-filter">Filter rows (any column)</label>
<input id="preview-filter" type="search" autocomplete="off" spellcheck="false" placeholder="e.g. Bretagne or 2024">
</div>
<div class="control">
<label for="preview-flag">Confidentiality flag</label>
<select id="preview-flag">
<option value="">every row</option>
<option value="confidential">confidential (${flag})</option>
<option value="published">published</option>
</select>
</div>
<p class="row-count" id="preview-count" role="status" aria-live="polite">${groupDigits(String(shown.length))} rows</p>
</div>
<div class="table-scroll tall" role="region" aria-labelledby="preview-caption" tabindex="0">
<table class="data preview" id="preview" data-sortable>
<caption id="preview-caption">${shown.length < ds.rows.length ? `First ${groupDigits(String(shown.length))} of ${groupDigits(String(ds.rows.length))} rows` : `All ${groupDigits(String(ds.rows.length))} rows`} of <code>${ds.csv.name}</code>; <span class="flag">${flag}</span> = confidential, 0 = a real zero, – = no value to compute</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${body.map((r) => html`${r}\n`)}</tbody>
</table>
</div>`;
}

function chartFigure(chart: PortalChart, svg: string): Raw {
  return html`<figure class="chart" id="${chart.id}" data-chart>
<figcaption>${chart.description}${chart.confidentialPoints > 0 ? ` ${chart.confidentialPoints} of ${chart.points} values are confidential.` : ""}</figcaption>
<div class="chart-static" role="region" tabindex="0" aria-label="${chart.title} (static image)">${raw(svg)}</div>
<div class="chart-live" role="region" tabindex="0" aria-label="${chart.title}" hidden></div>
${jsonScript(`${chart.id}-spec`, chart.spec)}
</figure>`;
}

export function datasetPage(release: PortalRelease, ds: PortalDataset, charts: readonly { chart: PortalChart; svg: string }[]): string {
  const body = html`<nav aria-label="Breadcrumb" class="breadcrumb"><ol><li><a href="../index.html">Catalogue</a></li><li><a href="../index.html#${ds.id}">${ds.title}</a></li></ol></nav>
<h1>${ds.title}</h1>
<p class="table-name">Table <code>${ds.id}</code> · release ${release.version} · updated <time datetime="${release.updated}">${release.updated}</time></p>
<p class="lead">${ds.description}</p>
<p><a class="button-link" href="../console.html?table=${ds.id}">Query this table in the SQL console</a></p>
${
  charts.length > 0
    ? html`<section aria-labelledby="charts-title">
<h2 id="charts-title">Charts</h2>
${charts.map((c) => chartFigure(c.chart, c.svg))}
</section>`
    : ""
}
<section aria-labelledby="preview-title">
<h2 id="preview-title">Preview</h2>
<p>Sort by a column with its header button; filter by text or by the confidentiality flag. Numbers are shown as published, with thousands separated.${
  ds.rows.length === 0
    ? " This table has no row in this release: the data it is computed from holds nothing for it."
    : ds.disclosure.rows === "grid"
      ? ` Every combination of the codes is a row: a 0 is a real zero (nothing in that cell), a confidential value reads ${ds.disclosure.confidentialFlag}.`
      : ""
}</p>
${previewTable(ds)}
</section>
<section aria-labelledby="confidentiality-title">
<h2 id="confidentiality-title">Confidentiality</h2>
${confidentiality(release, ds)}
</section>
<section aria-labelledby="about-title">
<h2 id="about-title">About this dataset</h2>
${datasetFacts(release, ds)}
<h3>Downloads</h3>
${downloads("../", ds)}
<h3>Column dictionary</h3>
${columnDictionary(ds)}
</section>`;
  return page({
    title: ds.title,
    root: "../",
    current: "dataset",
    description: `${ds.title}: ${groupDigits(String(ds.rows.length))} rows, release ${release.version}`,
    releaseVersion: release.version,
    body,
    head: html`<script defer src="../vendor/vega/vega.min.js"></script>
<script defer src="../vendor/vega-lite/vega-lite.min.js"></script>
<script type="module" src="../assets/dataset.js"></script>`,
  });
}
