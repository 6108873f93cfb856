/**
 * The README of a release (methodology, suppression rules, what each dataset holds, known
 * limitations) and its licence file. Built from the release's own numbers: no date, no timing,
 * so that a rerun writes the same bytes.
 */
import { POLICY } from "../../policy";
import type { OdDataset } from "../model/datasets";
import { GENERALISATION, GrainMeasurement } from "../generalise";
import { LICENCE, ReleaseMeta } from "./datapackage";

export interface DatasetLine {
  dataset: OdDataset;
  grain: string;
  rows: number;
  published: number;
  primaryFrequency: number;
  primaryDominance: number;
  secondary: number;
}

const pct = (part: number, whole: number) => (whole === 0 ? "0.0" : ((100 * part) / whole).toFixed(1));

export function suppressionTable(lines: readonly DatasetLine[]): string {
  const out = ["| dataset | time grain | rows | published | primary (frequency) | primary (dominance) | secondary | suppressed % |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"];
  for (const l of lines) {
    const suppressed = l.primaryFrequency + l.primaryDominance + l.secondary;
    out.push(`| ${l.dataset.dataset} | ${l.grain} | ${l.rows} | ${l.published} | ${l.primaryFrequency} | ${l.primaryDominance} | ${l.secondary} | ${pct(suppressed, l.rows)} |`);
  }
  return out.join("\n");
}

export function grainTable(measured: readonly GrainMeasurement[]): string {
  if (measured.length === 0) return "(no dataset with a time ladder)";
  const out = ["| dataset | time grain | cells | detail cells | detail cells failing a primary rule | % |", "| --- | --- | ---: | ---: | ---: | ---: |"];
  for (const m of measured) out.push(`| ${m.dataset} | ${m.grain} | ${m.cells} | ${m.detailCells} | ${m.detailPrimary} | ${m.detailPrimaryPercent.toFixed(1)} |`);
  return out.join("\n");
}

export function releaseReadme(meta: ReleaseMeta, lines: readonly DatasetLine[], measured: readonly GrainMeasurement[]): string {
  const sc = POLICY.statisticalConfidentiality;
  const datasets = lines
    .map((l) => {
      const cols = l.dataset.columns.map((c) => `  - \`${c.name}\` (${c.type}): ${c.description}. Lineage: ${c.lineage.join(" ← ")}`).join("\n");
      return `### ${l.dataset.title}\n\nFiles: \`${l.dataset.dataset}.csv\`, \`${l.dataset.dataset}.parquet\`. ${l.dataset.description}\n\n- Grain: ${l.dataset.grain}\n- Time grain of this release: ${l.grain}\n- Cells describe: ${l.dataset.population === "person" ? "natural persons" : "businesses"}; contributors counted: ${l.dataset.contributors}\n- Primary key: ${l.dataset.primaryKey.join(", ")}\n- Columns:\n${cols}`;
    })
    .join("\n\n");
  return `# ${meta.title}, release ${meta.version}

${meta.description}

Data period: ${meta.dataStart} to ${meta.dataEnd}. Publisher: ${meta.publisher}. Licence: ${LICENCE.title} (LICENCE.md).
${meta.sourceAttribution ? `\nSource attribution: ${meta.sourceAttribution}\n` : ""}
## Files

- one CSV (UTF-8, comma, CRLF, RFC 4180, header row, dot decimals, ISO 8601 periods) and one Parquet file per dataset, with the same rows;
- \`datapackage.json\`: Frictionless Data Package v2 descriptor (schemas, primary keys, licence, sha256 of every file);
- \`csv-metadata.json\`: W3C CSV on the Web metadata;
- \`catalogue.jsonld\`: DCAT-AP 3.0 catalogue (JSON-LD);
- \`anonymisation-assessment.md\`: the Article 29 tests and re-identification risk of this release;
- \`LICENCE.md\`.

## Methodology

Every table is an aggregate computed from the retailer's data marts (never from raw or staged
data) by one SQL query per dataset. No file holds a row per person, per order or per customer,
nor any identifier or pseudonym. Each table publishes its totals and subtotals (\`All\`), so reusers
can add rows up; a confidential row is flagged, never dropped, so totals still say what they cover.

Sales lines without an identified customer are left out of the sales tables: their contributors cannot be counted, so their confidentiality cannot be
checked. Shipments to an unknown customer are kept in the carrier table, counted as one recipient
(fewer contributors, so only more suppression).

### Statistical confidentiality

- Frequency rule: a cell is published only with at least ${sc.frequency.minContributors.person} distinct contributors when it describes natural persons (DGFiP practice) and ${sc.frequency.minContributors.business} when it describes businesses (suppliers, carriers, business customers; INSEE, loi 51-711; Directive (EU) 2016/943). Sales tables count customers and hold business customers to the natural-person threshold.
- Dominance rule (${sc.dominance.n}, ${sc.dominance.kPercent}): no single contributor above ${sc.dominance.kPercent} % of an amount cell (absolute contributions, so returns count), and no single carrier above ${sc.dominance.kPercent} % of a cell's shipments.
- Secondary suppression: further cells are hidden so that no confidential value can be recomputed from the published totals of the same table, or of another table that shares them (the two sales tables share their period x category totals and are protected together).
- Audit: for every suppressed cell, linear programming computes the narrowest interval an intruder can derive from everything published; the release fails unless every interval is at least +/- ${sc.protectionIntervalPercent} % of the true value (secondary cells included).
- Every row carries \`status\` (published, primary_frequency, primary_dominance, secondary) and \`flag\` (\`${sc.confidentialFlag}\` when confidential). Confidential values are empty, never zero.
- Derived values (fill rate, medians, days of supply) are published only with their cell.

### Generalisation

Time is generalised until the rules hold: each table with a time ladder is measured at every
grain and the finest grain where at most ${GENERALISATION.maxDetailPrimaryPercent} % of detail
cells fail a primary rule is kept (tables protected together share the coarsest grain either
needs). Measurements of this release:

${grainTable(measured)}

The private-customer table and the carrier table have no time dimension: when the schema was
designed, even the yearly grain left most of their detail cells below the frequency rule (the
ladder above is re-measured on every release only for the tables that have one). Geography is the French région
(FR-<INSEE code>) or, outside France, the country; countries and régions with few customers are
suppressed cell by cell and protected by secondary suppression.

### What was suppressed

${suppressionTable(lines)}

## Datasets

${datasets}

## Known limitations

- Non-additive values (medians, ratios) of published margins are published: they do not let anyone recompute a suppressed amount, but they narrow the plausible range of a suppressed cell's median.
- The sales tables count an order once per category it touches (\`orders\` adds up across rows by construction; the All-category total counts order x category pairs).
- The carrier table is held to two sets of rules: its recipients (natural persons, at least ${sc.frequency.minContributors.person}) and its carriers, whose figures are business information (at least ${sc.frequency.minContributors.business} known carriers per cell, none above ${sc.dominance.kPercent} % of the cell's shipments; carrier ids the export does not name count as no carrier). A row naming one carrier describes one business, so it is confidential by construction, and so is a shipping mode served by fewer than ${sc.frequency.minContributors.business} carriers. The rows stay, flagged, so that the table says what is withheld and why; per-carrier performance stays in the internal Inventory mart.
- Suppression patterns are computed per release; a later release with other data may suppress other cells (Eurostat's advice to keep patterns stable across periods is not implemented).
- Supplier performance is measured from monthly stock snapshots: replenishment delays are bounded by the snapshot frequency.
`;
}

export function licenceText(): string {
  return `# ${LICENCE.title}

This release is published under the ${LICENCE.title} (Etalab), ${LICENCE.path}.

You may reuse the data, for free, for any purpose, commercial included, and adapt, combine and
redistribute it, provided you credit the source (the publisher and the release version) and the
date of the last update, and do not suggest an official endorsement.

Why this licence (and not ODbL): it is the French government's default licence for public
sector open data (décret n° 2017-638), it is compatible with CC-BY 4.0 and with ODbL, and it puts
no share-alike condition on reusers, which suits small statistical tables that reusers combine
with other data. Attribution is all it asks.

The data is anonymous aggregate statistics (see anonymisation-assessment.md): no personal data
is licensed here.
`;
}
