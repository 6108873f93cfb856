/** index.html: every dataset of the release, with what a reuser needs before downloading it. */
import { groupDigits, html, page, raw } from "../html";
import { attributionOf, type PortalRelease } from "../release";
import { columnDictionary, confidentiality, datasetFacts, downloads } from "./sections";

export function cataloguePage(release: PortalRelease): string {
  const totalCells = release.datasets.reduce((n, d) => n + d.rows.length, 0);
  const confidentialCells = release.datasets.reduce((n, d) => n + d.confidentialCells, 0);
  const summaryRows = release.datasets.map(
    (ds) => html`<tr>
<th scope="row"><a href="datasets/${ds.id}.html">${ds.title}</a></th>
<td>${ds.design ?? "not stated"}</td>
<td class="num">${groupDigits(String(ds.rows.length))}</td>
<td class="num">${groupDigits(String(ds.confidentialCells))}</td>
<td class="num">${ds.rows.length === 0 ? "0.0" : ((100 * ds.confidentialCells) / ds.rows.length).toFixed(1)}</td>
<td class="num">${ds.loss.valuePercent === null ? "not stated" : ds.loss.valuePercent.toFixed(1)}</td>
</tr>`,
  );
  const articles = release.datasets.map(
    (ds) => html`<article class="dataset" id="${ds.id}" aria-labelledby="${ds.id}-title">
<h3 id="${ds.id}-title"><a href="datasets/${ds.id}.html">${ds.title}</a></h3>
<p class="table-name">Table <code>${ds.id}</code></p>
<p>${ds.description}</p>
${datasetFacts(release, ds)}
<h4>Downloads</h4>
${downloads("", ds)}
<h4>Confidentiality</h4>
${confidentiality(release, ds)}
<details>
<summary>Column dictionary (${ds.fields.length} columns)</summary>
${columnDictionary(ds)}
</details>
<p><a class="button-link" href="datasets/${ds.id}.html">Preview, charts and filters for ${ds.title}</a></p>
</article>`,
  );
  const body = html`<h1>${release.title}</h1>
<p class="lead">${release.description}</p>
<dl class="facts release-facts">
<div><dt>Release</dt><dd>${release.version}</dd></div>
<div><dt>Updated</dt><dd><time datetime="${release.updated}">${release.updated}</time></dd></div>
<div><dt>Period covered</dt><dd>${release.temporalCoverage.start} to ${release.temporalCoverage.end}</dd></div>
<div><dt>Publisher</dt><dd>${release.publisher}</dd></div>
<div><dt>Licence</dt><dd><a href="${release.licence.path}" rel="license">${release.licence.title}</a> (<a href="data/LICENCE.md">LICENCE.md</a>)</dd></div>
<div><dt>Datasets</dt><dd>${release.datasets.length}, ${groupDigits(String(totalCells))} cells, of which ${groupDigits(String(confidentialCells))} confidential</dd></div>
</dl>
<section aria-labelledby="credit-title" class="note">
<h2 id="credit-title">How to credit this data</h2>
<p class="attribution">${attributionOf(release)}</p>
</section>
<section aria-labelledby="datasets-title">
<h2 id="datasets-title">Datasets</h2>
<div class="table-scroll" role="region" aria-labelledby="datasets-caption" tabindex="0">
<table class="data summary">
<caption id="datasets-caption">The ${release.datasets.length} datasets of release ${release.version}; the share of value is the one the release notes state</caption>
<thead><tr><th scope="col">dataset</th><th scope="col">design of this release</th><th scope="col" class="num">cells</th><th scope="col" class="num">confidential (<span class="flag">c</span>)</th><th scope="col" class="num">confidential % of cells</th><th scope="col" class="num">% of value confidential</th></tr></thead>
<tbody>
${summaryRows}
</tbody>
</table>
</div>
<p>Query every table in your browser with the <a href="console.html">SQL console</a>.</p>
</section>
<section aria-labelledby="release-files-title">
<h2 id="release-files-title">About this release</h2>
<ul class="downloads">
${release.metadataFiles.map((f) => html`<li><a href="data/${f.name}">${f.name}</a> <span class="detail">${f.label}</span></li>`)}
</ul>
<p>Confidentiality, in short: ${release.whyFlagged} A confidential row has <code>${release.datasets[0].disclosure.flagField}</code> = <code>${release.datasets[0].disclosure.confidentialFlag}</code> and its values empty; every other row is published, zeros included. The release notes (<a href="data/README.md">README.md</a>) give the rules, the designs measured and the audit; <a href="data/datapackage.json">datapackage.json</a> lists each table's codes and how they nest.</p>
</section>
<section aria-labelledby="details-title">
<h2 id="details-title">Each dataset</h2>
${articles}
</section>`;
  return page({
    title: "Catalogue",
    root: "",
    current: "catalogue",
    description: `${release.title}: ${release.datasets.length} datasets, release ${release.version}`,
    releaseVersion: release.version,
    body,
    head: raw(""),
  });
}
