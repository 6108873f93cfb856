/**
 * The content of the regulatory monitoring document (reports/regulatory-monitoring.md), as
 * data: one entry per section, each with its blocks (paragraphs, lists, tables) and the primary
 * sources it relies on. monitoring.ts renders it.
 *
 * Two rules keep the document true:
 * - every threshold is read from the policy passed in (lib/policy.ts in the real document),
 *   never typed in this file: a reviewer who changes a number in lib/policy.ts and regenerates
 *   sees it here, and tests/compliance/monitoring.test.ts renders the document with another
 *   policy to prove no number is left behind;
 * - every claim about the workbook links the code, test or notebook that shows it (`file()`),
 *   and monitoring.ts refuses to render a link to a file that does not exist. A capability still
 *   being built says so with `planned()`, naming its issue.
 */
import type { DeepReadonly, Policy } from "../policy";
import { issueLabel, type IssueKey } from "./issues";
import { githubSlug } from "./markdown";
import { thresholdRows } from "./thresholds";
import { LICENCE_COMPATIBILITY, REUSE_CONDITIONS } from "../opendata/publish/licence";

/**
 * The day the content below was last checked against its sources (ISO date). A fixed value, not
 * the clock: the document is regenerated on every run and must come out with the same bytes.
 * Update it when the content is reviewed.
 */
export const MONITORING_REVIEWED = "2026-12-04";

export type SectionId = "thresholds" | "gdpr" | "techniques" | "security" | "confidentiality" | "opendata" | "dissemination" | "planned";

export const SECTION_TITLES: Record<SectionId, string> = {
  thresholds: "Thresholds applied, as lib/policy.ts holds them",
  gdpr: "1. GDPR principles and lawful bases for publishing sales data",
  techniques: "2. Protection techniques compared",
  security: "3. Data security against leaks",
  confidentiality: "4. Statistical confidentiality of published aggregates",
  opendata: "5. Open Data standards and licence",
  dissemination: "6. Secure dissemination: best practices and watch list",
  planned: "What is still being built",
};

export type Block = { p: string } | { h3: string } | { list: string[] } | { table: { header: string[]; rows: string[][] } };

export interface Section {
  id: SectionId;
  blocks: Block[];
  /** Primary sources of the section, cited as the reader would look them up. */
  sources: string[];
}

/** A link from reports/ to a project file, shown as code. Checked to exist by monitoring.ts. */
export function file(path: string, label?: string): string {
  return `[${label ?? `\`${path}\``}](../${path})`;
}

/** How the document marks a capability that is not built yet. */
export function planned(issue: IssueKey): string {
  return `*planned: ${issueLabel(issue)}*`;
}

// Primary sources, written once and cited by several sections.
const GDPR = "Regulation (EU) 2016/679 (GDPR), OJ L 119, 4.5.2016; applicable since 25 May 2018";
const WP216 = "Article 29 Data Protection Working Party, Opinion 05/2014 on Anonymisation Techniques (WP216, 0829/14/EN), adopted 10 April 2014";
const EDPB_PSEUDO = "EDPB, Guidelines 01/2025 on Pseudonymisation, version 1.0 adopted on 16 January 2025 for public consultation (closed on 28 February 2025); the version cited here";
const ENISA_2019 = "ENISA, Pseudonymisation techniques and best practices (November 2019)";
const ENISA_2021 = "ENISA, Data Pseudonymisation: Advanced Techniques and Use Cases (January 2021)";
const CNIL_REF = "CNIL, délibération n° 2021-131 du 23 septembre 2021 portant adoption d'un référentiel relatif aux traitements de données à caractère personnel mis en œuvre aux fins de gestion des activités commerciales (JORF, 10 April 2022), adopted under art. 8 of Loi n° 78-17: customer data kept 3 years from the end of the commercial relationship (the last contact from the customer), then deleted or anonymised; it replaces norme simplifiée NS-048, without legal effect since 25 May 2018";
const CNIL_SANCTION = "CNIL, formation restreinte, délibération n° SAN-2020-008 du 18 novembre 2020 (Carrefour France): the référentiel's 3 years from the last contact is \"a reference to assess an appropriate period\"";
const LOI_78_17 = "Loi n° 78-17 du 6 janvier 1978 relative à l'informatique, aux fichiers et aux libertés, as rewritten by ordonnance n° 2018-1125 du 12 décembre 2018: the French law beside the GDPR (the CNIL's missions and powers, art. 8, including the référentiels it adopts; national provisions on processing for statistical purposes)";
const CNIL_ANON = "CNIL, « L'anonymisation de données personnelles » (guidance on cnil.fr, 19 May 2020): the three WP216 criteria (individualisation, corrélation, inférence) or, failing one, a risk analysis showing that re-identification by reasonable means is not possible";
const CNIL_CADA_OPENDATA = "CNIL and CADA, Guide pratique de la publication en ligne et de la réutilisation des données publiques (« open data »), 2019: anonymise before publishing, generalise (département rather than postal code, age band rather than birth date)";
const LOI_51_711 = "Loi n° 51-711 du 7 juin 1951 sur l'obligation, la coordination et le secret en matière de statistiques, art. 6 (statistical secrecy)";
const INSEE_SDC = "INSEE, Manuel de protection des tableaux (inseefrlab.github.io/manuel-protection-tableaux), annex « Règles »: the frequency and dominance rules of business statistics";
const DGFIP_11 = "Assemblée nationale, XIVe législature, written question n° 28351 (Mme Eva Sas) and the answer of the ministre délégué chargé du budget on the DGFiP's income-tax statistics: « la cellule d'un tableau doit résulter de l'agrégation d'au moins 11 unités », with a dominance limit on the largest";
const RTAUARGUS = "InseeFrLab, rtauargus (INSEE's R interface to τ-Argus), vignette « options safety rules »: the default safety rule MAN(10), an a-priori interval protection level of 10 %";
const HUNDEPOOL = "Hundepool, Domingo-Ferrer, Franconi, Giessing, Schulte Nordholt, Spicer, de Wolf, Statistical Disclosure Control (Wiley, 2012), ch. 4 (magnitude tables: dominance and p% rules, secondary suppression, linked tables); tau-ARGUS manual (protection levels)";
const TRADE_SECRETS = "Directive (EU) 2016/943 of 8 June 2016 on the protection of undisclosed know-how and business information (trade secrets), Art. 2(1)";
const OPEN_DATA_DIR = "Directive (EU) 2019/1024 of 20 June 2019 on open data and the re-use of public sector information, Art. 1(4) (without prejudice to the GDPR), Art. 5 (formats); Implementing Regulation (EU) 2023/138 (high-value datasets)";
const REP_NUM = "Loi n° 2016-1321 du 7 octobre 2016 pour une République numérique (open data by default for administrations, CRPA art. L312-1-1 and L312-1-2); décret n° 2017-638 du 27 avril 2017 (licences for re-use, CRPA art. D323-2-1)";
const FRICTIONLESS = "Frictionless Data Package v2.0 (Open Knowledge Foundation, June 2024): Data Package, Data Resource, Table Schema, Table Dialect";
const CSVW = "W3C, Model for Tabular Data and Metadata on the Web and Metadata Vocabulary for Tabular Data (CSVW), W3C Recommendations, 17 December 2015";
const DCAT_AP = "SEMIC, DCAT-AP 3.0 (DCAT Application Profile for data portals in Europe, aligned with W3C DCAT 3)";
const FIVE_STAR = "Tim Berners-Lee, Linked Data design note (2006; 5-star open data scheme added 2010), https://5stardata.info";
const LO2 = "Etalab, Licence Ouverte / Open Licence version 2.0 (April 2017)";
const ODBL = "Open Data Commons Open Database License (ODbL) v1.0";
const OWASP_CSV = "OWASP, CSV Injection (formula injection) community page";
const SWEENEY = "L. Sweeney, k-anonymity: a model for protecting privacy, Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 10(5), 2002; Machanavajjhala et al., l-diversity, ACM TKDD 1(1), 2007; Dwork et al., Calibrating noise to sensitivity in private data analysis, TCC 2006";

export function monitoringSections(policy: DeepReadonly<Policy>): Section[] {
  const sc = policy.statisticalConfidentiality;
  const person = sc.frequency.minContributors.person;
  const business = sc.frequency.minContributors.business;
  const { n: domN, kPercent: domK } = sc.dominance;
  const interval = sc.protectionIntervalPercent;
  const flag = sc.confidentialFlag;
  const retention = policy.retention.customerDataYearsAfterLastContact;
  const accounting = policy.retention.accountingRecordsYears;
  const keyDir = policy.keys.defaultKeyDirectory;
  const keyEnv = policy.keys.keyDirectoryEnv;

  return [
    {
      id: "thresholds",
      blocks: [
        {
          p: `Every number that decides what may be published or kept lives in one typed, frozen module, ${file("lib/policy.ts")}, with the rule and the source beside it; a value that no text imposes is marked as the project's choice, with its reason. The table below is read from that module when this document is generated (${file("lib/compliance/thresholds.ts")}); the sections that follow quote the same values. Changing a threshold means changing ${file("lib/policy.ts")} and regenerating: it is never typed twice. The test ${file("tests/opendata/confidentiality/policy.test.ts")} pins the values the release applies.`,
        },
        { table: { header: ["policy key", "value", "rule", "source"], rows: thresholdRows(policy).map((r) => [`\`${r.key}\``, `\`${r.value}\``, r.rule, r.source]) } },
      ],
      sources: [INSEE_SDC, DGFIP_11, RTAUARGUS, LOI_51_711, CNIL_REF, "Code de commerce, art. L123-22 (accounting records)", "Code civil, art. 2224 (limitation period of civil actions, 5 years)"],
    },
    {
      id: "gdpr",
      blocks: [
        {
          p: `The export describes customers who are natural persons (and sole traders): their order lines are personal data (GDPR Art. 4(1)). Replacing the customer number by a pseudonym does not change that: pseudonymised data is still personal data (Art. 4(5), Recital 26). Only information that no longer relates to an identifiable person, taking into account "all the means reasonably likely to be used", is outside the Regulation (Recital 26); aggregate results of processing for statistical purposes are such information when they are not personal data (Recital 162). Publishing sales data is therefore the last step of a chain of processing of personal data, and each step needs a lawful basis and must respect the Art. 5 principles, even when the published result is anonymous. Anonymising is itself processing (WP216, §2.2.1).`,
        },
        {
          p: `In France the GDPR applies together with the Loi Informatique et Libertés (n° 78-17 du 6 janvier 1978, rewritten in 2018 to complement the Regulation): it sets the CNIL's missions and powers, among them the référentiels it adopts (art. 8), such as the one for customer files that gives the retention period applied here. A person who thinks their data is mishandled may complain to the CNIL (GDPR Art. 77), which every access answer says (${file("lib/privacy/processing.ts")}).`,
        },
        { h3: "The principles, applied to a sales release" },
        {
          table: {
            header: ["principle", "article", "what it requires here", "where the workbook applies it"],
            rows: [
              ["Lawfulness, fairness, transparency", "Art. 5(1)(a), 6, 13-14", "A lawful basis for each processing (next table); customers told that anonymous statistics are published", `Processing records as data: ${file("lib/privacy/processing.ts")}; the information notice is organisational, outside the code`],
              ["Purpose limitation", "Art. 5(1)(b), 6(4), 89(1)", "Publishing statistics is a further purpose, compatible when the link, context, consequences and safeguards (pseudonymisation, encryption) allow it; statistical purposes with Art. 89(1) safeguards are not incompatible", `Analysis runs on pseudonymised marts only (${file("lib/marts/")}); the release is computed from the marts by one query per dataset (${file("lib/opendata/model/")}) and publishes anonymous aggregates only (${file("reports/anonymisation-assessment.md")})`],
              ["Data minimisation", "Art. 5(1)(c), 25(2)", "Carry into the pipeline only what a purpose needs; publish the coarsest grain that serves reusers", `The payment card number is never staged (${file("tests/split/split.test.ts")}); marts keep generalised attributes only (${file("tests/marts/marts.test.ts")})`],
              ["Accuracy", "Art. 5(1)(d), 16", "Invalid values are not kept as if valid; corrections survive reloads", `Cleansing rules and the missing-value policy (${file("lib/cleanse/missingValuePolicy.ts")}, ${file("notebooks/02_cleansing.ipynb")}); rectifications kept in an encrypted ledger and applied at every cleanse, so a reload cannot undo them (${file("lib/rights/rectify.ts")}, ${file("tests/rights/rights.test.ts")})`],
              ["Storage limitation", "Art. 5(1)(e), 17(3)(b)", `Customer data kept ${retention} years after the last contact, accounting records ${accounting} years without personal fields`, `Periods in ${file("lib/policy.ts")}; the retention job erases customers past the period (${file("lib/rights/retention.ts")}), and staged files holding personal values are deleted at the end of every run (${file("lib/privacy/staging.ts")})`],
              ["Integrity and confidentiality", "Art. 5(1)(f), 32", "Personal fields protected against reading, moving and tampering", `AES-256-GCM envelope encryption (${file("lib/privacy/envelope.ts")}, ${file("tests/privacy/envelope.test.ts")})`],
              ["Accountability", "Art. 5(2), 24, 30", "Be able to show compliance", `Hash-chained audit log (${file("lib/privacy/auditLog.ts")}); this document and the [compliance matrix](compliance-matrix.md); the Art. 30 register (${file("reports/register-of-processing.md")}) and the DPIA (${file("reports/dpia.md")}) generated from the processing records`],
            ],
          },
        },
        { h3: "Lawful basis of each processing" },
        {
          p: `The same records feed the Art. 30 register and the answers to access requests (${file("lib/privacy/processing.ts")}), so that they cannot disagree. None of them processes special categories of data (Art. 9); birth date, gender and postal code are not special categories but are quasi-identifiers, which is why they are generalised before any analysis (section 3).`,
        },
        {
          table: {
            header: ["processing", "lawful basis", "why this basis"],
            rows: [
              ["P1 Order management and accounting records", "Art. 6(1)(b) contract; Art. 6(1)(c) legal obligation", "Orders are performed under the sales contract; the Code de commerce requires the accounting records"],
              ["P2 Sales and inventory analysis (marts)", "Art. 6(1)(f) legitimate interest; compatible further processing, Art. 6(4)", "Steering the business is a legitimate interest; Art. 6(4)(e) names encryption and pseudonymisation among the appropriate safeguards of a further processing, and the marts are pseudonymised (generalising the quasi-identifiers is a further safeguard the workbook adds); EDPB Guidelines 01/2025 note that pseudonymisation helps the balancing test"],
              ["P3 Production of the Open Data release", "Art. 6(1)(f) legitimate interest, statistical purpose with Art. 89(1) safeguards", "Producing anonymous aggregates is processing of personal data; its output, once it passes the WP216 tests, is no longer personal data (Recital 26, 162)"],
              ["P4 Data-subject rights and security logging", "Art. 6(1)(c) legal obligation (Art. 12-22, 30, 32)", `Answering requests within one month (Art. 12(3)) and keeping proof is required by the Regulation itself; each request's receipt and deadline are logged and late answers reported (${file("lib/rights/deadlines.ts")}, ${file("tests/privacy/deadlines.test.ts")})`],
            ],
          },
        },
        {
          p: `Customers may object to P2, which rests on legitimate interest (Art. 21(1)), and to P3, a processing for statistical purposes under Art. 89(1), on grounds relating to their particular situation (Art. 21(6)); erasure (Art. 17) takes a customer out of the marts and of future releases at the next load. The order records that accounting law requires are kept under that obligation, which erasure does not override (Art. 17(3)(b)); the warehouse's copy of an erased customer's order lines keeps no personal field and no pseudonym, and statistics already produced under Art. 89(1) may stand (Art. 17(3)(d)). Access (with portability), rectification and erasure requests are answered by the \`rights\` command (${file("lib/cli/rights.ts")}, ${file("lib/rights/")}), tested end to end (${file("tests/rights/rights.test.ts")}) and shown in notebook [\`08_gdpr_rights_and_security\`](../notebooks/08_gdpr_rights_and_security.ipynb); each access answer lists every processing (P3 included), the rights of Art. 15(1)(e) and the right to complain to the CNIL (Art. 15(1)(f)). Erasure reaches the copies that cannot be rewritten by crypto-shredding (${file("tests/privacy/keyring.test.ts")}); a key backup taken before the erasure still opens them until it expires, which the answer states: ${policy.retention.keyBackupDays} days at most (\`retention.keyBackupDays\`).`,
        },
      ],
      sources: [
        `${GDPR}: Art. 4(1), 4(5), 5, 6(1), 6(4), 9, 12(3), 13-22 (in particular 15(1)(e)-(f), 17(3)(b) and (d), 21(1) and 21(6)), 24, 25, 30, 32, 35, 77, 89(1); Recitals 26, 28, 29, 50, 162`,
        LOI_78_17,
        EDPB_PSEUDO,
        WP216,
        CNIL_REF,
        CNIL_SANCTION,
      ],
    },
    {
      id: "techniques",
      blocks: [
        {
          p: `WP216 defines anonymisation as processing personal data "in order to irreversibly prevent identification" and judges every technique by three risks that must be gone for a dataset to count as anonymous without further analysis: **singling out** (isolating the records of one person), **linkability** (linking two records of the same person or group, in one dataset or across datasets) and **inference** (deducing an attribute of a person with significant probability). A dataset that fails one of them is anonymous only after a documented re-identification risk analysis, and the assessment is repeated at every release. The CNIL's guidance on anonymisation applies the same three criteria. Pseudonymisation is not anonymisation: it only reduces the linkability of a dataset with the original identity, and is a security measure (WP216 §4; EDPB Guidelines 01/2025).`,
        },
        {
          p: `The table reads "is the risk still present after the technique alone?". The verdicts for the techniques WP216 assesses are its own (WP216 §5, Table 6); the others are this document's assessment, marked as such.`,
        },
        {
          table: {
            header: ["technique", "family", "singling out", "linkability", "inference", "where this workbook uses it"],
            rows: [
              ["Pseudonymisation (any: counter, random number, encryption, hash)", "pseudonymisation (WP216 §4)", "yes", "yes", "yes", `Core and marts carry customers by pseudonym only; never the basis of the release`],
              ["Keyed hashing (HMAC with a secret key)", "pseudonymisation, hashing (WP216 §4; ENISA 2019 §5)", "yes", "yes", "may not", `\`customerPseudonym\` = HMAC-SHA-256 under a key kept apart (${file("lib/privacy/pseudonym.ts")}); the dictionary attack that reverses a plain hash recovers nothing from it (${file("tests/privacy/pseudonym.test.ts")})`],
              ["Tokenisation (random token and a mapping table)", "pseudonymisation, tokenisation (WP216 §4)", "yes", "yes", "may not", "Not used: a keyed hash gives the same reproducible pseudonym without a mapping table to protect"],
              ["Encryption with a secret key", "pseudonymisation (WP216 §4; EDPB 01/2025; ENISA 2021)", "yes (for the key holder)", "yes", "yes", `Personal fields under AES-256-GCM with a per-customer data key wrapped by the master key (${file("lib/privacy/envelope.ts")}, ${file("lib/privacy/keyring.ts")}); erasure by destroying the data key (crypto-shredding); the core file itself encrypted (${file("lib/privacy/coreEncryption.ts")})`],
              ["Generalisation (coarser values)", "generalisation (WP216 §3.2); this document's verdict", "reduced, not removed (depends on the grain: measure it)", "yes", "yes", `Age band instead of birth date, département and région instead of postal code, in core and marts (${file("tests/warehouse/build.test.ts")}); each table's design (time grain, geography, groups) chosen from a ladder by measuring what protection costs (${file("lib/opendata/design.ts")}, ${file("lib/opendata/model/designs.json")})`],
              ["Aggregation (WP216: \"aggregation and k-anonymity\")", "generalisation (WP216 §3.2.1)", "no", "yes", "yes", `Open Data tables are aggregates, and every published cell has at least ${person} persons or ${business} businesses (the frequency rule, ${file("lib/opendata/confidentiality/frequency.ts")}). That is a threshold on each cell of a table; k-anonymity, which WP216 assesses here, is a property of a file of individual records (each record shares its quasi-identifiers with at least k-1 others), and the release publishes no such file`],
              ["l-diversity / t-closeness", "generalisation (WP216 §3.2.2)", "no", "yes", "may not", `Not used as such; on magnitude tables the dominance rule plays its role: no cell where ${domN} contributor(s) hold more than ${domK} % (${file("lib/opendata/confidentiality/dominance.ts")})`],
              ["Suppression (primary and secondary cell suppression)", "statistical disclosure control; this document's verdict", "no (below the thresholds)", "reduced (linked tables protected together; patterns stable across releases: watch list)", "no within the protection interval", `${file("lib/opendata/confidentiality/")}: frequency and dominance (primary), complementary cells chosen and audited by linear programming (secondary)`],
              ["Noise addition", "randomisation (WP216 §3.1.1)", "yes", "may not", "may not", "Not used: published totals must reconcile to the cent with the marts; noise is on the watch list for small domains"],
              ["Permutation", "randomisation (WP216 §3.1.2)", "yes", "yes", "may not", "Not used"],
              ["Differential privacy", "randomisation (WP216 §3.1.3)", "may not", "may not", "may not", "Not used: exact totals are a requirement and a privacy budget across monthly releases would have to be managed; on the watch list"],
            ],
          },
        },
        {
          p: `Reading the table for this workbook: the warehouse and the marts are pseudonymised, so they stay personal data and are protected as such (section 3); only the Open Data release claims anonymity, and it combines aggregation with a frequency threshold per cell, dominance, secondary suppression with a protection interval, and generalisation of time. Every release is assessed against the three criteria with numbers computed from its own files (smallest published group, identifier-like columns, dominance and homogeneity of published cells) and the prosecutor, journalist and marketer risks of its customer table; a failed criterion stops the release (${file("lib/opendata/assessment/wp29.ts")}, ${file("lib/opendata/assessment/risk.ts")}; the current release's report: ${file("reports/anonymisation-assessment.md")}). The residual risk WP216 asks to analyse, linkability across successive releases, is not measured by the code: it is on the watch list (section 6).`,
        },
      ],
      sources: [WP216, CNIL_ANON, EDPB_PSEUDO, ENISA_2019, ENISA_2021, `${GDPR}: Art. 4(5), 25, 32(1)(a); Recitals 26, 28, 29`, SWEENEY],
    },
    {
      id: "security",
      blocks: [
        { h3: "Trust zones" },
        {
          list: [
            `**Raw and staging** (personal data in clear): the export and the staged Parquet files; rejects files hold raw values and are never committed (${file(".gitignore")}); staged personal data is purged at the end of each run (${file("lib/privacy/staging.ts")}).`,
            `**Core warehouse** (pseudonymised, personal fields encrypted, file encrypted): ${file("lib/warehouse/")}; no personal value in clear, checked by a PII scan over every core column (${file("tests/warehouse/build.test.ts")}).`,
            `**Marts** (pseudonymised, no direct identifier, generalised attributes): the build fails if any mart column holds a known personal value (${file("lib/marts/piiScan.ts")}, ${file("tests/marts/marts.test.ts")}).`,
            `**Open Data** (anonymous aggregates only): a versioned release directory that becomes current only after its gates pass, one of which scans every published byte (CSV and decoded Parquet cells) for the personal values held in the warehouse (${file("lib/opendata/gates/piiScan.ts")}, ${file("tests/opendata/piiScan.test.ts")}). The zones and the roles that may read each are described in ${file("reports/security-zones.md")}, with a grant script for a database server (${file("reports/postgres-grants.sql")}).`,
          ],
        },
        { h3: "Encryption at rest" },
        {
          p: `Two layers (Art. 32(1)(a)). Field level: each customer's identifying fields under AES-256-GCM with that customer's random data key, the customer and column bound in the authenticated data so that a moved or altered ciphertext fails (${file("lib/privacy/envelope.ts")}, ${file("tests/privacy/envelope.test.ts")}). File level: DuckDB database encryption of the core file with a key derived from the master key, never stored (${file("lib/privacy/coreEncryption.ts")}); it depends on DuckDB's mbedTLS write path (\`force_mbedtls_unsafe\`), so it is defence in depth against theft of the file, not the control the GDPR properties rest on. Encryption is also what spares a notification to customers after a breach of the files (Art. 34(3)(a)), provided the keys were not taken with them.`,
        },
        { h3: "Key management" },
        {
          p: `The pseudonymisation secret and the master key are kept apart from the data, as Art. 4(5) and EDPB Guidelines 01/2025 require: in \`${keyDir}/\` at the project root (git-ignored, directory 0700, files 0600), or where \`${keyEnv}\` points. Each key is versioned and checked against a manifest of check values, so a truncated, flipped or swapped key is caught before it produces wrong pseudonyms; a missing key stops the run with the fix and is never silently regenerated (Art. 32(1)(c)) (${file("lib/privacy/keystore.ts")}, ${file("tests/privacy/keystore.test.ts")}). Rotation adds a version; data keys are re-wrapped and pseudonyms re-keyed before an old version is destroyed (${file("tests/privacy/keyring.test.ts")}, ${file("tests/privacy/pseudonym.test.ts")}). The module documents how each operation maps onto a cloud KMS or Vault for production.`,
        },
        { h3: "Least privilege" },
        {
          p: `Files holding personal data are owner-only (${file("tests/warehouse/build.test.ts")}); analysts are given the marts, which hold no direct identifier, not the core (Art. 25(2), 32(4)). Database roles and grants on a server: ${file("reports/postgres-grants.sql")}.`,
        },
        { h3: "Logging" },
        {
          p: `An append-only, hash-chained audit log records key creation and rotation, requests and crypto-shredding; editing, deleting or reordering a line breaks the chain, and the head is anchored elsewhere to detect a removed tail (${file("lib/privacy/auditLog.ts")}, ${file("tests/privacy/auditLog.test.ts")}). Subjects are pseudonyms, never contact details: the log must not become a copy of erased data (Art. 5(1)(c), 17). ENISA (2019) asks for logging of access to the pseudonymisation secret.`,
        },
        { h3: "Formula injection in published CSV" },
        {
          p: `A CSV cell starting with \`=\`, \`+\`, \`-\`, \`@\`, a tab or a carriage return can be executed as a formula by spreadsheet software (OWASP). The release's CSV writer prefixes such text cells with a single quote (numeric cells are written as numbers and are not affected: a negative amount stays a number) (${file("lib/opendata/publish/csv.ts")}, ${file("tests/opendata/csv.test.ts")}).`,
        },
        { h3: "Re-identification by linkage" },
        {
          p: `Birth date, gender and postal code together single out most people (Sweeney); they are therefore generalised before the warehouse is queried: age band at the version's start, département and région (${file("tests/warehouse/build.test.ts")}). In aggregates, linkage attacks use published margins, other tables sharing a margin, and successive releases (differencing); the confidentiality engine protects every table of a release as one model, with what a reader can write down besides the figures: signs, row existence, nested populations (${file("tests/opendata/confidentiality/engine.test.ts")}); published figures are final, so a new release cannot be differenced against the previous one unless the operator withdraws it, and an independent attacker reads each release with the previous one before it is published (${file("tests/opendata/attack/leaks.test.ts")}).`,
        },
      ],
      sources: [
        `${GDPR}: Art. 4(5), 5(1)(f), 25, 32(1)(a)-(d), 32(4), 33, 34(3)(a)`,
        EDPB_PSEUDO,
        ENISA_2019,
        ENISA_2021,
        OWASP_CSV,
        "NIST SP 800-38D (GCM), RFC 5869 (HKDF), RFC 2104 (HMAC)",
        SWEENEY,
      ],
    },
    {
      id: "confidentiality",
      blocks: [
        {
          p: `Aggregates can disclose an individual contribution even when no person is named: a cell with one customer is that customer's purchases; a cell dominated by one supplier tells the second supplier the first one's turnover. The workbook applies the rules of French official statistics, the strictest recognised practice for this kind of table. Loi n° 51-711 binds the official statistical service, not a retailer; the retailer applies its practice because it is the recognised standard, because GDPR Recital 26 requires the release to be anonymous, and because an individual supplier's or carrier's figures are the company's commercial information, protected as trade secrets (Directive (EU) 2016/943, Art. 2(1)).`,
        },
        { h3: "Primary suppression" },
        {
          list: [
            `**Frequency rule**: a cell is published only with at least ${person} distinct contributors when it describes natural persons (the DGFiP's rule for its tax statistics, which the project applies to its customers), and ${business} when it describes businesses (INSEE's rule for business statistics). An empty cell describes nobody and is published. Tests: ${file("tests/opendata/confidentiality/primary.test.ts")}; code: ${file("lib/opendata/confidentiality/frequency.ts")}.`,
            `**Dominance rule (${domN}, ${domK})**: a cell is suppressed when its ${domN} largest contributor(s) hold strictly more than ${domK} % of its value, compared in exact integer arithmetic so the boundary case is exact; contributions are taken in absolute value when returns make them negative (${file("lib/opendata/confidentiality/dominance.ts")}).`,
            `**Businesses carried by a table about persons**: a cell of the carrier table counts shipments to persons (${person} recipients at least) but also states the figures of the carriers that made them, so the business rules apply to the carriers too: at least ${business} known carriers per cell and none above ${domK} % of its shipments (${file("lib/opendata/confidentiality/primary.ts")}, ${file("tests/opendata/confidentiality/primary.test.ts")}). A row naming one carrier is therefore always confidential: per-carrier performance stays internal.`,
            `**p% rule** (not applied): a cell is sensitive when the total minus its two largest contributions is less than p % of the largest, i.e. when the second contributor could estimate the first within p %. It is the rule Eurostat's handbook and tau-ARGUS prefer for magnitude tables; the workbook applies the dominance rule because it is INSEE's published practice. A switch would be a new entry in ${file("lib/policy.ts")} and a rule beside the others.`,
          ],
        },
        { h3: "Secondary suppression and protection intervals" },
        {
          p: `Suppressing only the sensitive cells is not enough: with the row total published, a single hidden cell is the total minus the others. Complementary cells are suppressed until, from everything published (all margins, hierarchical totals such as département within région, and other tables sharing a margin), no suppressed value can be narrowed to within ±${interval} % of its true value; secondary cells are held to the same interval (\`protectSecondaryCells\` = ${String(sc.protectSecondaryCells)}). The pattern is checked by linear programming (HiGHS): the exact feasible interval of each suppressed cell is computed and the loop continues until every one is wide enough (${file("lib/opendata/confidentiality/secondary.ts")}, ${file("lib/opendata/confidentiality/audit.ts")}; ${file("tests/opendata/confidentiality/engine.test.ts")}). The model is the whole release, with what an intruder knows besides the figures: a row that exists has a contributor, net amounts of a real category are not negative, counts are whole numbers, a table of persons nested in a table of all customers leaves the businesses as a difference, a total with a single non-empty child reveals that child (${file("lib/opendata/confidentiality/knowledge.ts")}). Before publication an independent attacker, written apart from the engine, reads the release files only and must not narrow any confidential cell (${file("lib/opendata/attack/")}, ${file("tests/opendata/attack/leaks.test.ts")}). The same input gives the same pattern whatever the row order (${file("tests/opendata/confidentiality/engine.test.ts")}).`,
        },
        { h3: "How suppressed cells are published" },
        {
          p: `Every measure of a suppressed cell is left empty with the flag \`${flag}\` beside it, never published as zero, which would state "no activity" (Eurostat practice). The audit report, which holds the true values of suppressed cells, is internal and never published.`,
        },
        { h3: "The thresholds chosen, and why" },
        {
          table: {
            header: ["rule", "value applied", "why this value"],
            rows: [
              ["Frequency, persons", `${person} contributors`, "The project's choice of a published rule: the DGFiP's threshold for its tax statistics on persons (written question n° 28351), the strictest French practice found for tables about people; it keeps a single household or a few neighbours from being isolated"],
              ["Frequency, businesses", `${business} contributors`, "INSEE's rule for business statistics (Manuel de protection des tableaux): with two contributors each one learns the other's figure by subtraction"],
              ["Dominance", `(${domN}, ${domK} %)`, "INSEE's rule (Manuel de protection des tableaux; the same share in the DGFiP answer): above it the second contributor estimates the first closely"],
              ["Protection interval", `±${interval} %`, "The project's choice: the default a-priori interval of INSEE's rtauargus (MAN(10)); no text fixes it, and an estimate within it would reveal the value for practical purposes"],
              ["Confidentiality flag", `\`${flag}\``, "Eurostat's flag, understood by reusers of official statistics"],
            ],
          },
        },
        {
          p: `The complete list, with the policy keys, is the [thresholds table](#${githubSlug(SECTION_TITLES.thresholds)}) above. The share of cells each rule suppresses in the current release is in its README and in the internal [disclosure audit](disclosure-audit.md), which also lists the interval the audit proved for every suppressed cell.`,
        },
      ],
      sources: [LOI_51_711, INSEE_SDC, DGFIP_11, RTAUARGUS, HUNDEPOOL, "Eurostat, ESS handbook / guidelines on statistical disclosure control; Eurostat flag c (confidential)", TRADE_SECRETS, `${GDPR}: Recital 26, 162; Art. 89(1)`],
    },
    {
      id: "opendata",
      blocks: [
        {
          p: `Context: Directive (EU) 2019/1024 and the Loi pour une République numérique oblige public bodies to publish by default in open, machine-readable formats; a private retailer is not bound by them, but they set the expectations of reusers and portals, and both apply without prejudice to the GDPR (Art. 1(4) of the Directive; CRPA L312-1-2 requires personal data to be anonymised before publication). The release follows the same standards.`,
        },
        { h3: "Formats" },
        {
          list: [
            "CSV, UTF-8, RFC 4180, one table per file, the confidentiality flag in its own column: readable by everyone (3 stars).",
            "Parquet with the same columns and types, for analytical reuse.",
            "Metadata beside the data: a Frictionless Data Package and CSVW metadata for the tables, a DCAT-AP description for catalogues.",
          ],
        },
        { h3: "Metadata standards" },
        {
          list: [
            "**Frictionless Data Package v2 (2024)**: `datapackage.json` with `$schema`, resources of `type: \"table\"`, each with a Table Schema (`fields`, `primaryKey`, `foreignKeys`, `missingValues`).",
            "**W3C CSVW (2015)**: `csv-metadata.json` describing `tableSchema.columns` and the `dialect` of each CSV, so that a generic tool reads types and units.",
            "**DCAT-AP 3.0**: a Dataset with `dct:title` and `dct:description` (mandatory), each Distribution with `dcat:accessURL` (mandatory) and `dct:license`, `dct:format`, `dcat:downloadURL` (recommended), so the release can be harvested by data.gouv.fr and data.europa.eu.",
          ],
        },
        { h3: "The 5-star scheme" },
        {
          p: "★ on the Web under an open licence; ★★ structured; ★★★ non-proprietary format (CSV); ★★★★ URIs to identify things; ★★★★★ linked to other data. The data files reach three stars; the DCAT-AP metadata identifies datasets and distributions by URI and links licence and format vocabularies, the part of stars four and five that is useful for aggregates.",
        },
        { h3: "The licence" },
        {
          p: `**Licence Ouverte / Open Licence 2.0 (Etalab, 2017)**: free reuse, including commercial, with attribution (source and date of last update). It is one of the licences French administrations may use (décret n° 2017-638). ${LICENCE_COMPATIBILITY} ODbL was considered: its share-alike clause would oblige a reuser who combines the release with other data in a database to publish that database under ODbL, a barrier to reuse that protects nothing here, since the release is anonymous aggregates. The conditions of reuse, in the words of the release's LICENCE.md, README and catalogue (\`dct:rights\`), all written from ${file("lib/opendata/publish/licence.ts")}: ${REUSE_CONDITIONS} Section 4 is that protection.`,
        },
        {
          p: `Where it is done: the model and its extraction queries (${file("lib/opendata/model/")}, notebook [\`06_open_data_model\`](../notebooks/06_open_data_model.ipynb)); the writers (${file("lib/opendata/publish/")}); the Data Package validated with ajv against the official v2 profiles plus checks the profiles cannot express (files, headers, keys, types) (${file("lib/opendata/gates/packageChecks.ts")}, ${file("tests/opendata/packageChecks.test.ts")}); the release and its gates (${file("lib/opendata/release.ts")}, notebook [\`07_anonymisation_and_release\`](../notebooks/07_anonymisation_and_release.ipynb)); the static portal that lets the public browse, chart and query the release in the browser (${file("lib/portal/")}, ${file("tests/portal/browser.test.ts")}).`,
        },
      ],
      sources: [OPEN_DATA_DIR, REP_NUM, CNIL_CADA_OPENDATA, FRICTIONLESS, CSVW, DCAT_AP, FIVE_STAR, LO2, ODBL, "RFC 4180 (CSV)"],
    },
    {
      id: "dissemination",
      blocks: [
        { h3: "Best practices" },
        {
          list: [
            `Publish only what leaves the confidentiality engine (cells with flags), never a query on the marts (${file("lib/opendata/confidentiality/index.ts")}).`,
            "Assess each release against singling out, linkability and inference, and keep the assessment with the release (WP216: anonymisation is not a one-off exercise).",
            "Prefer the coarsest grain that serves reusers; redesign a table rather than publish mostly flags.",
            `Make releases reproducible: same input and keys, same bytes (${file("tests/opendata/confidentiality/engine.test.ts")}, ${file("tests/opendata/release.test.ts")}, ${file("tests/warehouse/build.test.ts")}), with checksums in the metadata.`,
            "Keep suppression patterns stable across periods, and protect tables sharing margins together.",
            "Neutralise formula-like text cells in CSV; publish UTF-8 with a declared dialect.",
            "Keep secrets and internal reports (suppression audit, key material, rejects) out of the release; scan the release for known personal values as the marts are scanned.",
            "Document the method (rules, thresholds, flag) for reusers without revealing which rule fired on which cell when that would itself disclose.",
          ],
        },
        { h3: "Watch list: re-check at each release" },
        {
          table: {
            header: ["what", "why", "how it is checked"],
            rows: [
              ["Differencing with earlier releases", "A cell safe in each release can be recomputed from two overlapping releases", `Published figures are final: a run that would revise the current release keeps it current, unless the operator withdraws it (${file("lib/opendata/revisions.ts")}, ${file("tests/opendata/release.test.ts")}); the attacker gate reads the previous release too (${file("tests/opendata/attack/leaks.test.ts")})`],
              ["Thresholds still current", "INSEE and DGFiP practice can change", `Review ${file("lib/policy.ts")}; regenerate this document; ${file("tests/opendata/confidentiality/policy.test.ts")}`],
              ["EDPB Guidelines 01/2025", "Adopted on 16 January 2025 for public consultation (closed on 28 February 2025); this document cites that version", "When a final version is adopted, compare it with sections 2 and 3 and update the citation"],
              ["Case law on pseudonymised data", "CJEU, judgment of 4 September 2025, Case C-413/23 P (EDPS v SRB, ECLI:EU:C:2025:645): pseudonymised data is not necessarily personal data for a recipient with no reasonable means of re-identifying, but the controller's duty to inform is assessed from its own point of view, before the transfer", "The workbook keeps treating the marts as personal data (section 1): the judgment does not lighten the controller's obligations; re-read it before sharing marts with a third party"],
              ["CNIL guidance", "The référentiel « gestion des activités commerciales » (délibération n° 2021-131) and the anonymisation guidance", `Review the retention rows of ${file("lib/policy.ts")} and section 2`],
              ["New fields in the export", "A new column can be a direct identifier or a quasi-identifier", `Source profiles (${file("data/sources/")}); the marts' PII scan (${file("lib/marts/piiScan.ts")})`],
              ["Keys", "Rotation due, old versions still needed, audit log anchor recorded", `${file("lib/privacy/keystore.ts")}, ${file("lib/privacy/auditLog.ts")}`],
              ["DuckDB file encryption", "The mbedTLS write path is marked unsafe upstream", `Re-check when the OpenSSL path is available offline (${file("lib/privacy/coreEncryption.ts")})`],
              ["Standards versions", "Frictionless v2, DCAT-AP 3.0.x (3.0.1 published by SEMIC), CSVW", `The package is validated against the official v2 profiles (${file("tests/opendata/release.test.ts")}); re-check DCAT-AP and CSVW by hand`],
              ["Compliance matrix", "Every requirement keeps passing evidence", "[compliance matrix](compliance-matrix.md), regenerated with `--strict` against jest's results"],
            ],
          },
        },
      ],
      sources: [WP216, CNIL_ANON, EDPB_PSEUDO, "CJEU (First Chamber), judgment of 4 September 2025, Case C-413/23 P, EDPS v Single Resolution Board, ECLI:EU:C:2025:645", OWASP_CSV, DCAT_AP, FRICTIONLESS],
    },
  ];
}
