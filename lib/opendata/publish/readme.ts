/**
 * The README of a release (methodology, suppression rules, what each dataset holds, the designs
 * measured, known limitations) and its licence file. Built from the release's own numbers: no
 * date, no timing, so that a rerun writes the same bytes.
 */
import { POLICY } from "../../policy";
import type { RungMeasurement } from "../design";
import { notApplicableSection, type DatasetSummary, type NotApplicable, type Prepared } from "../releaseDatasets";
import { ladderTable, lossTable } from "../reports";
import { LICENCE, ReleaseMeta } from "./datapackage";
import { LICENCE_COMPATIBILITY, REUSE_CONDITIONS } from "./licence";

export function releaseReadme(meta: ReleaseMeta, prepared: readonly Prepared[], summary: readonly DatasetSummary[], measurements: readonly RungMeasurement[], notApplicable: readonly NotApplicable[] = []): string {
  const sc = POLICY.statisticalConfidentiality;
  const pub = POLICY.publication;
  const datasets = prepared
    .map((p, i) => {
      const s = summary[i];
      const cols = p.ds.columns.map((c) => `  - \`${c.name}\` (${c.type}): ${c.description}. Lineage: ${c.lineage.join(" ← ")}`).join("\n");
      return `### ${p.ds.title}\n\nFiles: \`${p.ds.dataset}.csv\`, \`${p.ds.dataset}.parquet\`. ${p.ds.description}\n\n- Grain: ${p.ds.grain}\n- Design of this release: ${p.design}\n- Population: \`${p.ds.scope}\`; contributors counted: ${p.ds.contributors}\n- Primary key: ${p.ds.primaryKey.join(", ")}\n- Confidential: ${s.primary + s.secondary} of ${s.rows} rows (${s.suppressedPercent.toFixed(1)} % of the non-empty cells, ${s.suppressedValuePercent.toFixed(1)} % of the value)\n- Columns:\n${cols}`;
    })
    .join("\n\n");
  const missed = summary.filter((d) => d.suppressedPercent > pub.maxSuppressedCellsPercent || d.suppressedValuePercent > pub.maxSuppressedValuePercent);
  return `# ${meta.title}, release ${meta.version}

${meta.description}

Data period: ${meta.dataStart} to ${meta.dataEnd}. Publisher: ${meta.publisher}. Licence: ${LICENCE.title} (LICENCE.md).
${meta.sourceAttribution ? `\nSource attribution: ${meta.sourceAttribution}\n` : ""}
## Files

- one CSV (UTF-8, comma, CRLF, RFC 4180, header row, dot decimals, ISO 8601 periods) and one Parquet file per dataset, with the same rows;
- \`datapackage.json\`: Frictionless Data Package v2 descriptor (schemas, primary keys, licence, sha256 of every file), with a \`disclosureControl\` property per table: its population, its dimensions' codes and hierarchy, what each measure is (additive, never negative, whole numbers) and how each derived value is computed, i.e. everything the tables let a reader write down;
- \`csv-metadata.json\`: W3C CSV on the Web metadata;
- \`catalogue.jsonld\`: DCAT-AP 3.0 catalogue (JSON-LD);
- \`anonymisation-assessment.md\`: the Article 29 tests and re-identification risk of this release;
- \`LICENCE.md\`.

## Methodology

Every table is an aggregate computed from the retailer's data marts (never from raw or staged
data) by one SQL query per dataset. No file holds a row per person, per order or per customer,
nor any identifier or pseudonym. Each table publishes its totals and subtotals (\`All\`) and
every combination of its codes, empty ones included (0), so reusers can add rows up and a row's
presence says nothing; a confidential row is flagged \`${sc.confidentialFlag}\`, never dropped.

Sales lines without an identified customer are left out of the sales and customer tables: their
contributors cannot be counted, so their confidentiality cannot be checked. Shipments to an
unknown customer are kept in the delivery table, counted as one recipient (fewer contributors,
so only more suppression).

### Statistical confidentiality

- Frequency rule: a cell is published only with at least ${sc.frequency.minContributors.person} distinct contributors when it describes natural persons and ${sc.frequency.minContributors.business} when it describes businesses (suppliers, carriers, business customers). The sales tables count customers and hold business customers to the natural-person threshold; the customer table's rows of business customers are held to the business rules.
- Dominance rule (${sc.dominance.n}, ${sc.dominance.kPercent}): no single contributor above ${sc.dominance.kPercent} % of an amount cell (absolute contributions, so returns count), and no single carrier above ${sc.dominance.kPercent} % of a cell's shipments. No row names a carrier or a supplier.
- A confidential total with a single non-empty child has one of its empty children flagged too, so that the flags do not say which group its few members belong to.
- Secondary suppression: further cells are hidden so that no confidential value can be recomputed or narrowed, within +/- ${sc.protectionIntervalPercent} %, from everything the release publishes: every table together, every additive relation within and across tables, the sign of every figure, whole numbers, empty cells. The cells are chosen by a mixed-integer model that minimises what is lost (the share of cells and of value suppressed), under the constraints of the audit.
- Audit: for every confidential figure, linear programming computes the narrowest interval an intruder can derive from the whole release; the release fails unless every interval is at least +/- ${sc.protectionIntervalPercent} % of the true value (secondary cells included). An independent attacker then attacks the published files.
- Only the flag is published: which rule made a cell confidential is not.
- Derived values (fill rate, medians, days of supply) are published only with their cell.

### Designs, measured

Each group of tables that share figures has a ladder of designs, finest first (time grain,
geography: région or NUTS-1 unit, customer profile detail). The release protects the group at
each rung and publishes the finest one where every table keeps at most ${pub.maxSuppressedCellsPercent} % of its non-empty
cells and ${pub.maxSuppressedValuePercent} % of its value confidential. The designs measured for this release:

${ladderTable(measurements)}

### What each table loses

${lossTable(summary)}
${missed.length === 0 ? "\nEvery table is within the targets.\n" : `\n${missed.map((d) => `- ${d.dataset} misses the targets at its coarsest measured design (${d.design}): ${d.suppressedPercent.toFixed(1)} % of its cells and ${d.suppressedValuePercent.toFixed(1)} % of its value.`).join("\n")}\n`}
## Datasets

${datasets}
${notApplicableSection(notApplicable, "###", (n) => `\`${n}\``)}

## Licence and conditions of reuse

${LICENCE.title} (LICENCE.md): free reuse, commercial included, with attribution (the publisher,
the release version and the date of the last update). ${LICENCE_COMPATIBILITY}

${REUSE_CONDITIONS}

## Known limitations

- Non-additive values (medians, ratios) of published cells are published: they do not let anyone recompute a confidential figure, but they narrow the plausible range of a confidential cell's median.
- The sales tables count an order once per category it touches (\`orders\` adds up across rows by construction; the All-category total counts order x category pairs).
- Supplier performance is measured from monthly stock snapshots: replenishment delays are bounded by the snapshot frequency.
- Suppression patterns are computed per release; a later release with other data may suppress other cells.

`;
}

export function licenceText(): string {
  return `# ${LICENCE.title}

This release is published under the ${LICENCE.title} (Etalab), ${LICENCE.path}.

You may reuse the data, for free, for any purpose, commercial included, and adapt, combine and
redistribute it, provided you credit the source (the publisher and the release version) and the
date of the last update, and do not suggest an official endorsement.

## Compatibility

${LICENCE_COMPATIBILITY}

Why this licence (and not ODbL): it is one of the two licences the French administration may use
for free reuse (décret n° 2017-638), and it puts no share-alike condition on reusers, which suits
small statistical tables that reusers combine with other data. Attribution is all it asks.

## Conditions of reuse

${REUSE_CONDITIONS}

The data is anonymous aggregate statistics (see anonymisation-assessment.md): no personal data
is licensed here.
`;
}
