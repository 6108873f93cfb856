/** Parts shared by the catalogue and the dataset pages: facts, downloads, confidentiality, column dictionary. */
import { formatBytes, groupDigits, html, inlineCode, raw, type Raw } from "../html";
import { attributionOf, type PortalDataset, type PortalRelease } from "../release";

export function datasetFacts(release: PortalRelease, ds: PortalDataset): Raw {
  const dc = ds.disclosure;
  return html`<dl class="facts">
<div><dt>Grain</dt><dd>${ds.grain || "not stated"}</dd></div>
${ds.design ? html`<div><dt>Design of this release</dt><dd>${ds.design}</dd></div>` : ""}
${ds.population ? html`<div><dt>Population</dt><dd>${inlineCode(ds.population)}</dd></div>` : ""}
<div><dt>Dimensions</dt><dd>${dimensionsSummary(ds)}</dd></div>
<div><dt>Rows</dt><dd>${groupDigits(String(ds.rows.length))}${dc.rows === "grid" ? ", every combination of the codes (an empty one is a row of zeros)" : ", only combinations with at least one contributor"}</dd></div>
<div><dt>Period covered</dt><dd>${dc.period.start || release.temporalCoverage.start} to ${dc.period.end || release.temporalCoverage.end}${ds.disclosure.dimensions.some((d) => d.field === "period") ? "" : " (no period column: every figure covers the whole period)"}</dd></div>
<div><dt>Updated</dt><dd><time datetime="${release.updated}">${release.updated}</time></dd></div>
<div><dt>Licence</dt><dd><a href="${ds.licence.path}" rel="license">${ds.licence.title}</a></dd></div>
<div><dt>Attribution</dt><dd>${attributionOf(release)}</dd></div>
</dl>`;
}

/** "period (3 codes and All), geo_code (16 codes and All), profile (9 codes in 2 levels and All)". */
export function dimensionsSummary(ds: PortalDataset): string {
  return ds.disclosure.dimensions
    .map((d) => {
      const levels = hierarchyDepth(d.codes, d.parents);
      const parts = [`${d.codes.length} code${d.codes.length === 1 ? "" : "s"}`, ...(levels > 1 ? [`in ${levels} levels`] : [])].join(" ");
      return `${d.field} (${parts}${d.total !== null ? ` and ${d.total}` : ", no total"})`;
    })
    .join(", ");
}

function hierarchyDepth(codes: readonly string[], parents: Readonly<Record<string, string>>): number {
  let deepest = codes.length > 0 ? 1 : 0;
  for (const code of codes) {
    let depth = 1;
    for (let c = parents[code]; c !== undefined && depth <= codes.length; c = parents[c]) depth++;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
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

const percent = (part: number, whole: number) => (whole === 0 ? "0.0" : ((100 * part) / whole).toFixed(1));

/**
 * How much of a table is confidential, in totals only: cells flagged c (counted in the CSV), and
 * the shares of non-empty cells and of value the release README states. Never per cell nor per
 * rule: the release does not say which rule made a cell confidential, and neither does the site.
 */
export function confidentiality(release: PortalRelease, ds: PortalDataset): Raw {
  const flag = ds.disclosure.confidentialFlag;
  const total = ds.rows.length;
  const stated = ds.loss;
  const shares: string[] = [];
  if (stated.nonEmptyCellsPercent !== null) shares.push(`are ${stated.nonEmptyCellsPercent.toFixed(1)} % of its non-empty cells`);
  if (stated.valuePercent !== null) shares.push(`hold ${stated.valuePercent.toFixed(1)} % of its value`);
  const targets = release.rules.targetCellsPercent !== null && release.rules.targetValuePercent !== null ? ` (at most ${release.rules.targetCellsPercent} % of the non-empty cells and ${release.rules.targetValuePercent} % of the value)` : "";
  return html`<p class="confidential-summary">${groupDigits(String(ds.confidentialCells))} of ${groupDigits(String(total))} cells (${percent(ds.confidentialCells, total)} %) are confidential: their values are left empty in the files and shown as <span class="flag">${flag}</span> here, never as zero.${
    shares.length > 0 ? ` According to the release notes, they ${shares.join(" and ")}.` : ""
  }${stated.valuePercent === null ? " The release notes do not state the share of the table's value they hold." : ""}</p>
${stated.withinTargets !== null ? html`<p>Within the release's publication targets${targets}: <strong>${stated.withinTargets ? "yes" : "no"}</strong>.${stated.missNote ? html` ${inlineCode(stated.missNote)}` : ""}</p>` : ""}
<p class="why-flagged">${release.whyFlagged}</p>
${ds.designs.length > 0 ? designsTable(ds) : ""}`;
}

function designsTable(ds: PortalDataset): Raw {
  const rows = ds.designs.map(
    (d) =>
      html`<tr${d.chosen ? raw(' class="chosen"') : raw("")}><td class="num">${d.rung}</td><th scope="row">${d.design}${d.chosen ? html` <strong>(published)</strong>` : ""}</th><td class="num">${groupDigits(d.nonEmptyCells)}</td><td class="num">${d.confidential}</td><td class="num">${d.value}</td><td>${d.outcome}</td></tr>`,
  );
  return html`<details class="designs">
<summary>Designs the release measured for this table (${ds.designs.length})</summary>
<div class="table-scroll" role="region" aria-label="Designs measured for ${ds.title}" tabindex="0">
<table class="data compact">
<caption>Finest first, as the release notes list them ("Designs, measured")</caption>
<thead><tr><th scope="col" class="num">rung</th><th scope="col">design</th><th scope="col" class="num">non-empty cells</th><th scope="col" class="num">confidential</th><th scope="col" class="num">value confidential</th><th scope="col">outcome</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</details>`;
}

export function columnDictionary(ds: PortalDataset): Raw {
  const rows = ds.fields.map(
    (f) =>
      html`<tr><th scope="row"><code>${f.name}</code></th><td>${f.type}</td><td>${ds.primaryKey.includes(f.name) ? "row key" : f.required ? "required" : ""}</td><td>${f.description}</td></tr>`,
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
