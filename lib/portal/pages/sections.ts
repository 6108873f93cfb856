/** Parts shared by the catalogue and the dataset pages: facts, downloads, confidentiality, column dictionary. */
import { formatBytes, groupDigits, html, type Raw } from "../html";
import { attributionOf, type PortalDataset, type PortalRelease } from "../release";

export function datasetFacts(release: PortalRelease, ds: PortalDataset): Raw {
  return html`<dl class="facts">
<div><dt>Grain</dt><dd>${ds.grain || "not stated"}</dd></div>
${ds.timeGrain ? html`<div><dt>Time grain of this release</dt><dd>${ds.timeGrain}</dd></div>` : ""}
${ds.cellsDescribe ? html`<div><dt>Cells describe</dt><dd>${ds.cellsDescribe}</dd></div>` : ""}
<div><dt>Rows</dt><dd>${groupDigits(String(ds.rows.length))}</dd></div>
<div><dt>Period covered</dt><dd>${release.temporalCoverage.start} to ${release.temporalCoverage.end}</dd></div>
<div><dt>Updated</dt><dd><time datetime="${release.updated}">${release.updated}</time></dd></div>
<div><dt>Licence</dt><dd><a href="${ds.licence.path}" rel="license">${ds.licence.title}</a></dd></div>
<div><dt>Attribution</dt><dd>${attributionOf(release)}</dd></div>
</dl>`;
}

/** `root`: path from the page to the site root. */
export function downloads(root: string, ds: PortalDataset): Raw {
  const link = (file: string, label: string, detail: string) => html`<li><a href="${root}data/${file}" download>${label}</a> <span class="detail">${detail}</span></li>`;
  return html`<ul class="downloads" aria-label="Downloads of ${ds.title}">
${link(ds.csv.name, `CSV (${ds.csv.name})`, `${formatBytes(ds.csv.bytes)}, UTF-8, sha256 ${ds.csv.sha256.slice(0, 12)}…`)}
${ds.parquet ? link(ds.parquet.name, `Parquet (${ds.parquet.name})`, `${formatBytes(ds.parquet.bytes)}, sha256 ${ds.parquet.sha256.slice(0, 12)}…`) : ""}
<li><a href="${root}data/datapackage.json">Metadata: Data Package (datapackage.json)</a> <span class="detail">schema, licence, hashes</span></li>
<li><a href="${root}data/csv-metadata.json">Metadata: CSVW (csv-metadata.json)</a></li>
<li><a href="${root}data/catalogue.jsonld">Metadata: DCAT-AP (catalogue.jsonld)</a></li>
</ul>`;
}

export function confidentiality(ds: PortalDataset): Raw {
  const total = ds.rows.length;
  const percent = total === 0 ? "0.0" : ((100 * ds.confidentialCells) / total).toFixed(1);
  const rows = ds.statusCounts.map(
    (s) => html`<tr><th scope="row">${s.status}</th><td class="num">${groupDigits(String(s.cells))}</td><td>${s.status === "published" ? "values published" : s.reason}</td></tr>`,
  );
  return html`<p>${groupDigits(String(ds.confidentialCells))} of ${groupDigits(String(total))} cells (${percent} %) are confidential: their values are left empty in the files and shown as <span class="flag">c</span> here, never as zero.</p>
<div class="table-scroll" role="region" aria-label="Confidentiality of ${ds.title}" tabindex="0">
<table class="data compact">
<caption>Cells by confidentiality status</caption>
<thead><tr><th scope="col">status</th><th scope="col" class="num">cells</th><th scope="col">why</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>`;
}

export function columnDictionary(ds: PortalDataset): Raw {
  const rows = ds.fields.map(
    (f) =>
      html`<tr><th scope="row"><code>${f.name}</code></th><td>${f.type}</td><td>${ds.primaryKey.includes(f.name) ? "primary key" : f.required ? "required" : ""}</td><td>${f.description}</td></tr>`,
  );
  return html`<div class="table-scroll" role="region" aria-label="Columns of ${ds.title}" tabindex="0">
<table class="data compact dictionary">
<caption>Columns of <code>${ds.csv.name}</code> (from datapackage.json)</caption>
<thead><tr><th scope="col">column</th><th scope="col">type</th><th scope="col">key</th><th scope="col">description</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>`;
}
