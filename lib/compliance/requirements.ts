/**
 * What the workbook must do, as data: one entry per point of the brief, per GDPR article and
 * per confidentiality rule applied, with the control that meets it and the evidence a reviewer
 * can check (a jest test by file and exact name, and a notebook or report section). The
 * compliance matrix (reports/compliance-matrix.md) is generated from this list by matrix.ts,
 * which verifies every piece of evidence; a requirement whose capability is still being built
 * names its planned issue instead of evidence.
 *
 * Evidence paths are relative to the project root; `file#anchor` points at a heading (GitHub
 * anchor rules; for a notebook, a heading of a markdown cell).
 */
import { githubSlug } from "./markdown";
import type { IssueKey } from "./issues";
import { SECTION_TITLES, type SectionId } from "./monitoringSections";

export interface TestEvidence {
  /** Test file, relative to the project root. */
  file: string;
  /** The exact title given to test()/it() (an `.each` title with its placeholders). */
  name: string;
  /** The enclosing describe title, when the name alone is ambiguous in the file. */
  describe?: string;
}

export interface Evidence {
  test: TestEvidence;
  notebook?: string;
  report?: string;
}

export type RequirementGroup = "brief" | "project" | "gdpr" | "confidentiality";

export interface Requirement {
  id: string;
  group: RequirementGroup;
  requirement: string;
  /** Where the requirement comes from (the brief, an article, an opinion, a rule). */
  source: string;
  /** What in the workbook meets it. */
  control: string;
  evidence?: Evidence;
  /** Set instead of `evidence` while the capability is being built. */
  planned?: IssueKey;
}

export const MONITORING_REPORT = "reports/regulatory-monitoring.md";

/** `reports/regulatory-monitoring.md#<anchor of the section>`, derived from the section's title. */
export function monitoringSection(id: SectionId): string {
  return `${MONITORING_REPORT}#${githubSlug(SECTION_TITLES[id])}`;
}

const BRIEF = "Brief";

export const REQUIREMENTS: readonly Requirement[] = [
  // ------------------------------------------------------------------------------------------
  // The points of the brief.
  {
    id: "B01",
    group: "brief",
    requirement: "Data splitter: split the raw export by record type and entity, keeping the source line of every record",
    source: BRIEF,
    control: "One streaming DuckDB pass (lib/split/), unreadable rows set aside in rejects.csv with their line",
    evidence: {
      test: { file: "tests/split/split.test.ts", name: "splits by record type and entity, with the physical source line of every record" },
      notebook: "notebooks/01_data_splitter.ipynb#splitting",
    },
  },
  {
    id: "B02",
    group: "brief",
    requirement: "ETL and missing values: cleansing rules and a missing-value policy, nothing disappears silently",
    source: BRIEF,
    control: "Per-column rules and the missing-value policy as data (lib/cleanse/missingValuePolicy.ts); every reject logged with line, column, raw value and reason",
    evidence: {
      test: { file: "tests/cleanse/policy.test.ts", name: "a missing required value rejects the row with its line, column and reason" },
      notebook: "notebooks/02_cleansing.ipynb#the-policy-as-data",
      report: "reports/quality.md",
    },
  },
  {
    id: "B03",
    group: "brief",
    requirement: "Loading and error handling: a failed load leaves the previous outputs usable and names the cause",
    source: BRIEF,
    control: "Every stage writes into a .next directory and swaps it in only on success; gates stop the build",
    evidence: {
      test: { file: "tests/warehouse/atomic.test.ts", name: "a failure injected after %s leaves the previous warehouse usable" },
      notebook: "notebooks/03_warehouse.ipynb",
    },
  },
  {
    id: "B04",
    group: "brief",
    requirement: "Unusable input stops the run with the file, the line and the fix",
    source: BRIEF,
    control: "Input checks of the splitter (missing file, wrong header, truncated gzip, non-UTF-8 bytes)",
    evidence: {
      test: { file: "tests/split/split.test.ts", name: "a file that is not UTF-8, with the line of the first bad byte" },
    },
  },
  {
    id: "B05",
    group: "brief",
    requirement: "Constellation schema: fact_sales and fact_inventory sharing conformed dimensions, keys enforced",
    source: BRIEF,
    control: "One .sql model per table with its .doc.json (lib/warehouse/models/), declared keys and relationships gated",
    evidence: {
      test: { file: "tests/warehouse/build.test.ts", name: "every gate passes, and every declared key and relationship is gated" },
      notebook: "notebooks/03_warehouse.ipynb",
      report: "reports/data-dictionary.md",
    },
  },
  {
    id: "B06",
    group: "brief",
    requirement: "Data marts: Sales and Inventory marts for analysts",
    source: BRIEF,
    control: "lib/marts/sales and lib/marts/inventory, built with gates into marts.duckdb",
    evidence: {
      test: { file: "tests/marts/marts.test.ts", name: "builds both marts, every gate passes, owner-only file" },
      notebook: "notebooks/04_data_marts.ipynb",
      report: "reports/data-dictionary.md#martsduckdb",
    },
  },
  {
    id: "B07",
    group: "brief",
    requirement: "Extraction queries answering the business questions on the marts",
    source: BRIEF,
    control: "One .sql file per question in lib/marts/questions/",
    evidence: {
      test: { file: "tests/marts/marts.test.ts", name: "margin by channel, supplier performance, carrier delays, products to reorder" },
      notebook: "notebooks/04_data_marts.ipynb",
    },
  },
  {
    id: "B08",
    group: "brief",
    requirement: "Open Data model: aggregated od_* tables extracted from the marts, reconciled with them",
    source: BRIEF,
    control: "lib/opendata/model/od_*.sql read the marts only (one per dataset, lineage in .doc.json); reconcile_*.sql give independent mart totals; the release gate refuses a mismatch",
    evidence: {
      test: { file: "tests/opendata/release.test.ts", name: "every gate passes and the release becomes current" },
      notebook: "notebooks/06_open_data_model.ipynb#the-extraction-queries",
      report: "reports/disclosure-audit.md",
    },
  },
  {
    id: "B09",
    group: "brief",
    requirement: "Open Data formats: CSV, Parquet and machine-readable metadata",
    source: BRIEF,
    control: "lib/opendata/publish: RFC 4180 CSV, Parquet, Frictionless v2 datapackage.json (ajv against the official profiles), CSVW, DCAT-AP JSON-LD, Licence Ouverte 2.0",
    evidence: {
      test: { file: "tests/opendata/release.test.ts", name: "the datapackage validates against the official v2 profile (ajv)" },
      notebook: "notebooks/07_anonymisation_and_release.ipynb#the-current-release-what-is-flagged-and-what-it-costs",
      report: monitoringSection("opendata"),
    },
  },
  {
    id: "B10",
    group: "brief",
    requirement: "Quality controls: reconciliation of rows and amounts from the export to the warehouse",
    source: BRIEF,
    control: "Quality gates (lib/warehouse/gates/) and the cleansing manifest: rows in = fact rows + rejected",
    evidence: {
      test: { file: "tests/warehouse/build.test.ts", name: "row reconciliation with the cleansing manifest: rows in = fact rows + rejected by reason" },
      notebook: "notebooks/03_warehouse.ipynb",
      report: "reports/quality.md",
    },
  },
  {
    id: "B11",
    group: "brief",
    requirement: "Indexes and partitions, justified by measurement",
    source: BRIEF,
    control: "Indexes on the lookup paths, Hive-partitioned Parquet lake, each measured with and without",
    evidence: {
      test: { file: "tests/warehouse/optimization.test.ts", name: "times every built index, every candidate and the lake, with and without" },
      notebook: "notebooks/05_optimization.ipynb",
      report: "reports/optimization.md",
    },
  },
  {
    id: "B12",
    group: "brief",
    requirement: "Sensitive-data protection: no direct identifier outside the protected core",
    source: BRIEF,
    control: "Keyed pseudonyms, field encryption, and a PII scan of every mart column that fails the build",
    evidence: {
      test: { file: "tests/marts/marts.test.ts", name: "no mart column holds a known personal value" },
      notebook: "notebooks/04_data_marts.ipynb",
      report: monitoringSection("security"),
    },
  },
  {
    id: "B13",
    group: "brief",
    requirement: "Right of access (Art. 15) and portability (Art. 20): answer a data subject with their data",
    source: `${BRIEF}; GDPR Art. 15, 20`,
    control: "Access export by pseudonym lookup, decrypted, with orders, purposes, recipients and retention (lib/rights/)",
    evidence: {
      test: { file: "tests/rights/rights.test.ts", name: "by customer id and by email: the same decrypted data, orders, purposes, recipients, retention; JSON and CSV" },
      notebook: "notebooks/08_gdpr_rights_and_security.ipynb",
    },
  },
  {
    id: "B14",
    group: "brief",
    requirement: "Right to rectification (Art. 16) that survives a reload from the raw export",
    source: `${BRIEF}; GDPR Art. 16`,
    control: "Rectification ledger (values encrypted under the customer's key) applied at every cleanse",
    evidence: {
      test: { file: "tests/rights/rights.test.ts", name: "reaches core and marts, is recorded encrypted, and survives reloads from the old raw export" },
      notebook: "notebooks/08_gdpr_rights_and_security.ipynb",
    },
  },
  {
    id: "B15",
    group: "brief",
    requirement: "Right to erasure (Art. 17): the erasure request workflow, ledger and proof",
    source: `${BRIEF}; GDPR Art. 17, 12(3)`,
    control: "Erasure ledger applied at split, crypto-shredding, facts kept on the erased member, verification scan",
    evidence: {
      test: { file: "tests/rights/rights.test.ts", name: "a full rerun from the untouched raw export keeps them erased: zero hits, sales kept on the erased member" },
      notebook: "notebooks/08_gdpr_rights_and_security.ipynb",
    },
  },
  {
    id: "B16",
    group: "brief",
    requirement: "Erasure where data cannot be rewritten (lake partitions, backups): crypto-shredding",
    source: `${BRIEF}; GDPR Art. 17, 32(1)(a)`,
    control: "Per-customer data keys wrapped by the master key; shredding the key makes every copy unreadable",
    evidence: {
      test: { file: "tests/privacy/keyring.test.ts", name: "after shred, the customer's ciphertext cannot be decrypted with anything that remains" },
      report: monitoringSection("techniques"),
    },
  },
  {
    id: "B17",
    group: "project",
    requirement: "Open Data portal",
    source: "Issue #7 (the project's own requirement; the brief does not ask for a portal)",
    control: "`npm run portal`: static site from the current release (catalogue, dataset pages with charts, DuckDB-Wasm SQL console falling back to CSV offline), tested in headless Chromium",
    evidence: {
      test: { file: "tests/portal/browser.test.ts", name: "the SQL console falls back to the CSV files offline, and its totals are those of the published CSV" },
      report: "reports/portal-catalogue.png",
    },
  },
  {
    id: "B18",
    group: "project",
    requirement: "Benchmark of the whole pipeline at scale",
    source: "Issues #6 and #24 (the project's own requirements; the brief asks for optimisations justified by measurement, not for a pipeline benchmark)",
    control: "`npm run bench -- --rows N`: the floor (DuckDB CSV -> Parquet of the sale lines) and every stage in its own process (wall, CPU, peak RSS), the ratio as the last line, what the fact tables' keys would cost if DuckDB enforced them (the build checks them with gates; lib/bench/keys.ts), the README's commands and the notebooks on the default data timed, reports/benchmarks.md with each target met or missed, by how much, and what holds it back",
    evidence: {
      test: { file: "tests/cli/bench.test.ts", name: "a small run prints every stage, ends with the ratio pipeline / floor and writes the report" },
      report: "reports/benchmarks.md",
    },
  },
  {
    id: "B19",
    group: "brief",
    requirement: "Regulatory monitoring and compliance matrix, kept true by tests",
    source: BRIEF,
    control: "Generated from lib/compliance/ (requirements as data, evidence checked), links checked",
    evidence: {
      test: { file: "tests/compliance/matrix.test.ts", name: "shows a GAP when the cited test name does not exist" },
      notebook: "notebooks/00_regulatory_monitoring.ipynb",
      report: MONITORING_REPORT,
    },
  },

  // ------------------------------------------------------------------------------------------
  // GDPR articles applied.
  {
    id: "G01",
    group: "gdpr",
    requirement: "Pseudonymisation with the additional information kept separately",
    source: "GDPR Art. 4(5), Recital 26, 28-29; EDPB Guidelines 01/2025",
    control: "Customer numbers replaced by HMAC-SHA-256 pseudonyms; the key lives outside the data, in the key directory",
    evidence: {
      test: { file: "tests/privacy/pseudonym.test.ts", name: "is the HMAC-SHA-256 of customer:<id> under the pseudonym key, truncated to 128 bits" },
      report: monitoringSection("techniques"),
    },
  },
  {
    id: "G02",
    group: "gdpr",
    requirement: "A pseudonym must not be reversible without the secret (no plain hashing)",
    source: "ENISA, Pseudonymisation techniques and best practices (2019); EDPB Guidelines 01/2025",
    control: "Keyed hash; the dictionary attack that reverses a plain hash is run against it in the tests",
    evidence: {
      test: { file: "tests/privacy/pseudonym.test.ts", name: "recovers nothing from HMAC pseudonyms, even knowing the construction" },
      report: monitoringSection("techniques"),
    },
  },
  {
    id: "G03",
    group: "gdpr",
    requirement: "Data minimisation: do not collect into the pipeline what no purpose needs",
    source: "GDPR Art. 5(1)(c)",
    control: "The payment card number is never staged",
    evidence: {
      test: { file: "tests/split/split.test.ts", name: "never stages the payment card number" },
      notebook: "notebooks/01_data_splitter.ipynb",
    },
  },
  {
    id: "G04",
    group: "gdpr",
    requirement: "Accuracy: invalid personal values are not kept as if valid",
    source: "GDPR Art. 5(1)(d)",
    control: "Invalid emails nulled, flagged and logged; the customer is kept",
    evidence: {
      test: { file: "tests/cleanse/policy.test.ts", name: "an invalid email is nulled, flagged and logged, and the customer is kept" },
      notebook: "notebooks/02_cleansing.ipynb#the-rules-at-work",
    },
  },
  {
    id: "G05",
    group: "gdpr",
    requirement: "Storage limitation: customer data kept only for the retention period",
    source: "GDPR Art. 5(1)(e); CNIL délibération n° 2021-131 (référentiel « gestion des activités commerciales »)",
    control: "Retention job anonymising customers inactive for longer than POLICY.retention; staging purged after each load",
    evidence: {
      test: { file: "tests/rights/rights.test.ts", name: "customers inactive for more than 3 years are anonymised; recent ones are kept" },
      notebook: "notebooks/08_gdpr_rights_and_security.ipynb",
    },
  },
  {
    id: "G06",
    group: "gdpr",
    requirement: "Integrity and confidentiality of personal fields",
    source: "GDPR Art. 5(1)(f), 32(1)(a)",
    control: "AES-256-GCM with the customer and column bound in the AAD: a moved or altered ciphertext fails",
    evidence: {
      test: { file: "tests/privacy/envelope.test.ts", name: "a ciphertext moved to another column or customer (wrong AAD) does not decrypt" },
      report: monitoringSection("security"),
    },
  },
  {
    id: "G07",
    group: "gdpr",
    requirement: "Accountability: a trustworthy record of what was done to personal data",
    source: "GDPR Art. 5(2), 30, 32(1)(d)",
    control: "Append-only, hash-chained audit log",
    evidence: {
      test: { file: "tests/privacy/auditLog.test.ts", name: "an edit whose hash was recomputed still breaks the chain at the next entry" },
      report: monitoringSection("security"),
    },
  },
  {
    id: "G08",
    group: "gdpr",
    requirement: "Data protection by design and by default: analysts see no direct identifier",
    source: "GDPR Art. 25(1)-(2)",
    control: "Marts carry customers only by pseudonym and generalised attributes",
    evidence: {
      test: { file: "tests/marts/marts.test.ts", name: "customers appear only by pseudonym and generalised attributes" },
      notebook: "notebooks/04_data_marts.ipynb",
    },
  },
  {
    id: "G09",
    group: "gdpr",
    requirement: "Encryption of personal data at rest in the warehouse",
    source: "GDPR Art. 32(1)(a)",
    control: "No personal value in clear in core: a PII scan over every core column",
    evidence: {
      test: { file: "tests/warehouse/build.test.ts", name: "core holds no personal value in clear (PII scan over every core column)" },
      notebook: "notebooks/03_warehouse.ipynb",
    },
  },
  {
    id: "G10",
    group: "gdpr",
    requirement: "Availability and restore: a lost or corrupt key is detected, never silently regenerated",
    source: "GDPR Art. 32(1)(b)-(c)",
    control: "Key store with check values; a missing key stops the run with the fix",
    evidence: {
      test: { file: "tests/privacy/keystore.test.ts", name: "a missing key file is a KeyStoreError naming the file and the fix, and no key is regenerated" },
      report: monitoringSection("security"),
    },
  },
  {
    id: "G11",
    group: "gdpr",
    requirement: "Least privilege on files holding personal data",
    source: "GDPR Art. 32(1)(b), 32(4)",
    control: "Owner-only warehouse files and key directory",
    evidence: {
      test: { file: "tests/warehouse/build.test.ts", name: "files are owner-only" },
      report: monitoringSection("security"),
    },
  },
  {
    id: "G12",
    group: "gdpr",
    requirement: "Key rotation without losing access to older data",
    source: "GDPR Art. 32(1)(b); ENISA (2019) on secret management",
    control: "Versioned keys; rewrap of data keys under a new master version",
    evidence: {
      test: { file: "tests/privacy/keyring.test.ts", name: "rewrapAll moves every entry to the new master version and the data stays readable" },
    },
  },
  {
    id: "G13",
    group: "gdpr",
    requirement: "Record of processing activities",
    source: "GDPR Art. 30",
    control: "Processing activities as data (lib/privacy/processing.ts) generate the register",
    evidence: {
      test: { file: "tests/privacy/records.test.ts", name: "generated from the policy and the model docs, deterministic" },
      report: "reports/register-of-processing.md",
    },
  },
  {
    id: "G14",
    group: "gdpr",
    requirement: "Data protection impact assessment of the Open Data release",
    source: "GDPR Art. 35",
    control: "DPIA generated from the same processing records",
    evidence: {
      test: { file: "tests/privacy/records.test.ts", name: "generated from the policy and the model docs, deterministic" },
      report: "reports/dpia.md",
    },
  },
  {
    id: "G15",
    group: "gdpr",
    requirement: "Answer a data-subject request within one month",
    source: "GDPR Art. 12(3)",
    control: "Every request records its receipt date and deadline (Reg. 1182/71 month rule) in the hash-chained log; an extension is accepted only within the first month; `rights deadlines` reports late answers and exits 1",
    evidence: {
      test: { file: "tests/privacy/deadlines.test.ts", describe: "deadlineReport over the rights audit log", name: "an answer one day after the one-month deadline, without extension, is reported late" },
      report: monitoringSection("gdpr"),
    },
  },
  {
    id: "G16",
    group: "gdpr",
    requirement: "The Open Data release is anonymous: singling out, linkability and inference assessed at each release",
    source: "GDPR Recital 26; WP29 Opinion 05/2014 (WP216)",
    control: "lib/opendata/assessment: the three WP29 tests computed on every published table, and the prosecutor, journalist and marketer risks of the customer table, at each release (a failed test stops it)",
    evidence: {
      test: { file: "tests/opendata/release.test.ts", name: "no file has a row per person, order or customer: every published person cell has >= 11 contributors" },
      notebook: "notebooks/07_anonymisation_and_release.ipynb#the-anonymisation-assessment",
      report: "reports/anonymisation-assessment.md",
    },
  },

  // ------------------------------------------------------------------------------------------
  // Statistical confidentiality and trade secrets.
  {
    id: "C01",
    group: "confidentiality",
    requirement: "Thresholds are policy, written once with their source",
    source: "Loi n° 51-711 (statistical secrecy); DGFiP and INSEE practice",
    control: "lib/policy.ts, frozen at runtime; every rule reads it",
    evidence: {
      test: { file: "tests/opendata/confidentiality/policy.test.ts", name: "holds the regulatory thresholds the release applies" },
      report: monitoringSection("thresholds"),
    },
  },
  {
    id: "C02",
    group: "confidentiality",
    requirement: "Frequency rule for cells describing natural persons",
    source: "DGFiP rule for its tax statistics (answer to written question n° 28351), applied to customers by the project's choice",
    control: "Primary suppression below POLICY.statisticalConfidentiality.frequency.minContributors.person",
    evidence: {
      test: { file: "tests/opendata/confidentiality/primary.test.ts", name: "suppresses a cell of 10 persons and publishes a cell of 11 (DGFiP threshold)" },
      report: monitoringSection("confidentiality"),
    },
  },
  {
    id: "C03",
    group: "confidentiality",
    requirement: "Frequency rule for cells describing businesses (suppliers, carriers, business customers)",
    source: "INSEE, Manuel de protection des tableaux (business statistics, Loi n° 51-711); Directive (EU) 2016/943 (trade secrets)",
    control: "Primary suppression below POLICY.statisticalConfidentiality.frequency.minContributors.business",
    evidence: {
      test: { file: "tests/opendata/confidentiality/primary.test.ts", name: "suppresses a business cell of 2 units and publishes one of 3 (INSEE threshold)" },
      report: monitoringSection("confidentiality"),
    },
  },
  {
    id: "C04",
    group: "confidentiality",
    requirement: "Dominance rule (n, k)",
    source: "INSEE, Manuel de protection des tableaux (dominance rule); Hundepool et al., Statistical Disclosure Control (2012)",
    control: "Primary suppression when the n largest contributors exceed k % of the cell, in exact integer arithmetic",
    evidence: {
      test: { file: "tests/opendata/confidentiality/primary.test.ts", name: "suppresses a cell where one contributor holds 86 % and publishes one at exactly 85 %" },
      report: monitoringSection("confidentiality"),
    },
  },
  {
    id: "C05",
    group: "confidentiality",
    requirement: "Secondary suppression: no suppressed cell recomputable from published totals",
    source: "Eurostat / ESSnet SDC practice (tau-ARGUS)",
    control: "Complementary suppressions chosen on one model of the whole release (margins, hierarchies, shared figures, signs, row existence), audited by LP (HiGHS) and attacked by an independent intruder on every release",
    evidence: {
      test: { file: "tests/opendata/confidentiality/engine.test.ts", name: "protects a 3 x 3 table with margins by a rectangle of 4 interior cells" },
      report: monitoringSection("confidentiality"),
    },
  },
  {
    id: "C06",
    group: "confidentiality",
    requirement: "Protection interval: a suppressed value is not narrowed to within the interval",
    source: "The project's choice: the default a-priori interval of INSEE's rtauargus, MAN(10)",
    control: "LP audit of every suppressed cell's feasible interval, and a release gate that fails when the independent attacker narrows a confidential cell to within it",
    evidence: {
      test: { file: "tests/opendata/attack/judge.test.ts", name: "a confidential cell recovered within +/- 10 % fails; wider, or misled, it does not" },
      report: monitoringSection("confidentiality"),
    },
  },
  {
    id: "C07",
    group: "confidentiality",
    requirement: "Linked tables: a shared margin must not undo the protection of another table",
    source: "Hundepool et al. (2012), linked tables",
    control: "Every table of the release is protected together: a figure two tables share is one unknown, nested populations are differenced",
    evidence: {
      test: { file: "tests/opendata/confidentiality/engine.test.ts", name: "two tables sharing a figure are protected as one: the shared total is one unknown" },
      report: monitoringSection("confidentiality"),
    },
  },
  {
    id: "C08",
    group: "confidentiality",
    requirement: "Suppressed cells are flagged, never published as zero",
    source: "Eurostat confidentiality flag",
    control: "Every measure of a suppressed cell null, with POLICY.statisticalConfidentiality.confidentialFlag",
    evidence: {
      test: { file: "tests/opendata/confidentiality/primary.test.ts", name: "hide every measure of a suppressed row as null with the flag, never as zero" },
      report: monitoringSection("confidentiality"),
    },
  },
  {
    id: "C09",
    group: "confidentiality",
    requirement: "Stable suppression patterns: the same data gives the same pattern",
    source: "Eurostat practice",
    control: "Deterministic protection, independent of row order",
    evidence: {
      test: { file: "tests/opendata/confidentiality/engine.test.ts", name: "gives the same pattern for the same input, whatever the row order" },
    },
  },
  {
    id: "C10",
    group: "confidentiality",
    requirement: "Published CSV cannot run as a spreadsheet formula",
    source: "OWASP, CSV Injection",
    control: "Text cells starting with = + - @ tab or CR neutralised by the CSV writer",
    evidence: {
      test: { file: "tests/opendata/csv.test.ts", name: "text cells starting with = + - @ TAB or CR are prefixed with a quote" },
      report: monitoringSection("security"),
    },
  },
];
