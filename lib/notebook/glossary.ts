/**
 * The workbook's glossary, as data: each term a trainee meets in the notebooks, in plain words,
 * with where the workbook uses it. reports/glossary.md is generated from this list
 * (`npx tsx lib/compliance/cli.ts`), and tests/notebook/glossary.test.ts checks that every
 * notebook links a term to it the first time its prose uses the term.
 */
import { githubSlug, markdownTable } from "../io/markdown";

export interface GlossaryEntry {
  term: string;
  /** Other spellings that count as a use of the term (lower case is matched case-insensitively). */
  aliases?: string[];
  /** The idea in plain words. */
  definition: string;
  /** Where the workbook applies it (a notebook, a file). */
  where: string;
}

export const GLOSSARY_REPORT = "reports/glossary.md";

export const GLOSSARY: readonly GlossaryEntry[] = [
  { term: "AES-GCM", aliases: ["AES-256-GCM"], definition: "A standard way to encrypt data with a secret key that also detects tampering: a changed or moved ciphertext fails to decrypt instead of giving wrong data. The 256 is the key length in bits.", where: "Customers' personal fields in the warehouse (`lib/privacy/envelope.ts`), notebooks 03 and 08" },
  { term: "Anonymisation", aliases: ["anonymised"], definition: "Processing that makes data no longer relate to an identifiable person, by any means reasonably likely to be used. Anonymous data is outside the GDPR; pseudonymised data is not anonymous.", where: "The Open Data release only (notebook 07); the warehouse and marts are pseudonymised" },
  { term: "ART index", definition: "DuckDB's index structure (an Adaptive Radix Tree). It speeds up a lookup of a few rows by value, costs storage and load time, and does not help queries that scan most of a table.", where: "`lib/warehouse/indexes/`, measured in notebook 05" },
  { term: "Conformed dimension", aliases: ["conformed dimensions"], definition: "A dimension shared, with the same keys and meaning, by several fact tables, so that their figures can be compared and combined (sales and stock by the same product and date).", where: "`dim_date`, `dim_product`, `dim_supplier`, `dim_warehouse` serve both facts (notebook 03)" },
  { term: "Constellation", aliases: ["constellation schema", "galaxy schema"], definition: "A warehouse design with several fact tables sharing conformed dimensions: several star schemas joined at their common dimensions.", where: "`fact_sales` and `fact_inventory` (notebook 03)" },
  { term: "Crypto-shredding", definition: "Erasing encrypted data by destroying the only key that decrypts it: every copy of the ciphertext, backups included, becomes unreadable once no copy of the key remains.", where: "Erasure of a customer's data key (`lib/privacy/keyring.ts`), notebook 08" },
  { term: "CSVW", aliases: ["CSV on the Web"], definition: "The W3C standard for describing a CSV file in a JSON file beside it: its columns, their types and the file's dialect, so that tools read it correctly.", where: "`csv-metadata.json` of each release (notebook 07)" },
  { term: "Data mart", aliases: ["data marts"], definition: "A smaller database built from the warehouse for one team's questions (sales, inventory), holding only what that team needs.", where: "`outputs/warehouse/marts.duckdb`, notebook 04" },
  { term: "DCAT-AP", definition: "The European profile of the W3C Data Catalog vocabulary: how a dataset and its downloadable files are described so that portals such as data.europa.eu can list them.", where: "`catalogue.jsonld` of each release (notebook 07)" },
  { term: "Dominance rule", aliases: ["dominance"], definition: "A published cell must not be made mostly of one contributor's figure: if the largest contributor holds more than a set share of the cell's value, anyone who knows the rest could estimate it. The cell is then suppressed.", where: "`lib/opendata/confidentiality/dominance.ts`, thresholds in `lib/policy.ts` (notebooks 00 and 07)" },
  { term: "E.164", definition: "The international format of phone numbers: a plus sign, the country code and the national number, without spaces (+33123456789).", where: "The phone rule of the cleansing stage (notebook 02)" },
  { term: "Fact table", aliases: ["fact tables"], definition: "The table of events or measurements of a business process, one row per event at a stated grain, with numeric measures and keys to the dimensions that describe it.", where: "`fact_sales` (one row per order line), `fact_inventory` (one row per snapshot), notebook 03" },
  { term: "Frequency rule", aliases: ["threshold rule"], definition: "A published cell must aggregate at least a minimum number of distinct contributors (people or businesses); below it the cell is suppressed. It is a rule on cells of a table, not k-anonymity, which is a property of a file of individual records.", where: "`lib/opendata/confidentiality/frequency.ts`, thresholds in `lib/policy.ts` (notebooks 00 and 07)" },
  { term: "Grain", definition: "What one row of a table stands for (an order line, a product on a day). Every measure of the table is true at that grain; mixing grains double-counts.", where: "Stated in every model's `.doc.json` (notebooks 03, 04, 06)" },
  { term: "HMAC", definition: "A keyed hash: a fingerprint of a value computed with a secret key. Without the key it cannot be recomputed, so a dictionary of likely values does not reverse it (a plain hash can be reversed that way).", where: "Customer pseudonyms (`lib/privacy/pseudonym.ts`), notebooks 03 and 08" },
  { term: "Hive partitioning", aliases: ["Hive-partitioned", "partitioned lake"], definition: "Storing a table as many files in folders named after column values (`year=2024/month=12/`), so that a reader can skip the folders a filter excludes.", where: "The Parquet lake (`lib/warehouse/lake/`), notebooks 03 and 05" },
  { term: "Inferred member", aliases: ["inferred members"], definition: "A dimension row created for a key that facts reference but that the source never described (a product sold but absent from the catalogue): the fact keeps its reference, and the member is marked inferred with unknown attributes until the source describes it.", where: "`dim_product`, `dim_carrier`, `dim_supplier`, `dim_warehouse` (`is_inferred`), notebook 03" },
  { term: "Link group", aliases: ["link groups"], definition: "Published tables that share cells or margins and are therefore protected together, so that one table cannot be used to recompute a cell hidden in another.", where: "The `linkGroup` of each Open Data dataset (notebooks 06 and 07)" },
  { term: "Lineage", definition: "Where a column comes from: the chain of tables and columns it is computed from, back to the source.", where: "The `lineage` of each published column (notebook 06)" },
  { term: "Missing-value policy", definition: "A rule, written as data, of what to do when a value is missing or invalid: reject the row, keep it with a flag, impute a documented value, or allow it.", where: "`lib/cleanse/missingValuePolicy.ts`, notebook 02" },
  { term: "Near duplicate", aliases: ["near duplicates", "near copy", "near copies"], definition: "Two records of the same thing that differ only in spelling (spaces, letter case, format), so that they become identical once cleansed.", where: "Deduplication in the cleansing stage (notebooks 01 and 02)" },
  { term: "Parquet", definition: "An open, compressed, column-oriented file format for tables, read by most analytical engines.", where: "Staging files, the lake, the release (notebooks 01, 03, 07)" },
  { term: "Primary suppression", definition: "Hiding a published cell because of what it is: too few contributors (frequency rule) or one dominant contributor (dominance rule).", where: "`lib/opendata/confidentiality/`, notebook 07" },
  { term: "Prosecutor risk", aliases: ["prosecutor, journalist and marketer", "journalist risk", "marketer risk"], definition: "Three measures of re-identification risk. Prosecutor: the attacker knows the person is in the data and looks for them. Journalist: the attacker does not know whether the person is in it, and matches against a wider population. Marketer: the attacker tries to re-identify as many people as possible; the risk is the expected share re-identified.", where: "The anonymisation assessment of each release (notebook 07)" },
  { term: "Protection interval", definition: "How uncertain a suppressed value must stay: from everything published, an intruder must not be able to narrow it to within this percentage of its true value.", where: "`protectionIntervalPercent` in `lib/policy.ts`, the LP audit (notebook 07)" },
  { term: "Pseudonymisation", aliases: ["pseudonym", "pseudonyms", "pseudonymised"], definition: "Replacing identifiers by a code (a pseudonym) that can be linked back to the person only with separately kept information (here a secret key). Pseudonymised data is still personal data.", where: "`customer_pseudonym` in the warehouse and marts (`lib/privacy/pseudonym.ts`), notebooks 03, 04, 08" },
  { term: "Quasi-identifier", aliases: ["quasi-identifiers"], definition: "An attribute that does not name anyone alone but does in combination with others (birth date, postal code and gender together single out most people).", where: "Generalised before analysis: age band, département, région (notebook 03)" },
  { term: "Reconciliation", definition: "Checking that two independent counts of the same thing agree: rows in = rows kept + rows rejected, the warehouse total = the staged total to the cent.", where: "Build gates (notebook 03), the release gates (notebook 07), injected against caught defects (notebook 01)" },
  { term: "SCD2", aliases: ["SCD type 2", "type 2 slowly changing dimension", "slowly changing dimension"], definition: "Slowly changing dimension of type 2: when an attribute that matters for history changes (a customer moves), a new row (version) is added with its validity dates, so that past facts keep the version valid when they happened.", where: "`dim_customer` (`valid_from`, `valid_to`, `is_current`), notebook 03" },
  { term: "Secondary suppression", aliases: ["complementary suppression"], definition: "Hiding further, non-sensitive cells so that a suppressed cell cannot be recomputed by subtraction from totals that are published.", where: "`lib/opendata/confidentiality/secondary.ts`, notebook 07" },
  { term: "Semi-additive measure", aliases: ["semi-additive"], definition: "A measure that can be summed across some dimensions but not across time: a stock level summed over days means nothing; take the level at one date (the last of a month, say).", where: "`stock_on_hand` in `fact_inventory`, guarded by `lib/warehouse/semiAdditive.ts` (notebooks 03 and 04)" },
  { term: "Staging", definition: "The intermediate files between the raw export and the warehouse: the export split by entity (all text), then cleansed and typed.", where: "`outputs/staging/split/`, `outputs/staging/clean/` (notebooks 01 and 02)" },
  { term: "Surrogate key", aliases: ["surrogate keys"], definition: "A meaningless integer key the warehouse gives each dimension row, instead of the source's identifier: it survives changes of source codes and lets one customer have several versions.", where: "`product_key`, `customer_key`... (notebook 03)" },
  { term: "Time ladder", definition: "The list of time grains a published table may use (month, then quarter, then year): the release takes the finest one whose suppression stays acceptable.", where: "`timeGrains` of each Open Data dataset (notebooks 06 and 07)" },
  { term: "Unknown member", definition: "A dimension row with key -1 that stands for \"no value\": a fact whose reference is missing points to it, so no fact is dropped by a join and the missing references can be counted.", where: "Every dimension of the warehouse (notebook 03)" },
  { term: "WP29 tests", aliases: ["singling out", "linkability", "inference"], definition: "The three risks the Article 29 Working Party (Opinion 05/2014) says an anonymous dataset must resist: singling out a person, linking records about the same person, inferring a person's attribute.", where: "The anonymisation assessment of each release (notebook 07)" },
  { term: "Zone map", aliases: ["zone maps"], definition: "The minimum and maximum of each column for each block of rows, kept by the engine: a filter skips every block whose range cannot match, without an index.", where: "Why most DuckDB queries need no index (notebook 05)" },
];

/** The anchor of a term in reports/glossary.md. */
export function glossaryAnchor(term: string): string {
  const entry = GLOSSARY.find((e) => e.term.toLowerCase() === term.toLowerCase());
  if (!entry) throw new Error(`no glossary entry "${term}" in lib/notebook/glossary.ts`);
  return githubSlug(entry.term);
}

/** A markdown link from a notebook to a term: `[text](../reports/glossary.md#term)`. */
export function glossaryLink(term: string, text: string = term): string {
  return `[${text}](../${GLOSSARY_REPORT}#${glossaryAnchor(term)})`;
}

/** reports/glossary.md. */
export function renderGlossary(entries: readonly GlossaryEntry[] = GLOSSARY): string {
  const sorted = [...entries].sort((a, b) => a.term.localeCompare(b.term, "en"));
  const lines = [
    "# Glossary",
    "",
    "The terms the notebooks use, in plain words, with where the workbook applies each one. Every notebook links a term here the first time its prose uses it. Generated from [`lib/notebook/glossary.ts`](../lib/notebook/glossary.ts) by `npx tsx lib/compliance/cli.ts`; do not edit by hand.",
    "",
    markdownTable(["term", "also written"], sorted.map((e) => [`[${e.term}](#${githubSlug(e.term)})`, (e.aliases ?? []).join(", ")])),
  ];
  for (const e of sorted) {
    lines.push(`## ${e.term}`, "", e.definition, "", `In the workbook: ${e.where}.`, "");
  }
  return lines.join("\n");
}

/** Markdown prose as the check reads it: fenced code, inline code and headings blanked (same length, so offsets hold). */
function proseOnly(markdown: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, " ");
  return markdown
    .replace(/^(```+|~~~+)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/^#{1,6} [^\n]*$/gm, blank);
}

export interface GlossaryUse {
  term: string;
  /** The words around the first use, to find it. */
  context: string;
}

/**
 * The glossary terms whose first use in `markdown` (a notebook's prose, cells joined in order;
 * headings and code do not count) is not inside a link to reports/glossary.md. A term counts
 * under its name or any alias, matched as whole words, case-insensitively.
 */
export function unlinkedFirstUses(markdown: string, entries: readonly GlossaryEntry[] = GLOSSARY): GlossaryUse[] {
  const prose = proseOnly(markdown);
  // Spans of link text whose target is the glossary.
  const linked: [number, number][] = [];
  for (const m of prose.matchAll(/\[([^\]]*)\]\(([^)\s]*)\)/g)) {
    if (m[2].includes("glossary.md#")) linked.push([m.index! + 1, m.index! + 1 + m[1].length]);
  }
  // Link targets are not prose: a term inside a URL is not a use.
  const text = prose.replace(/\]\(([^)\s]*)\)/g, (m) => "]" + " ".repeat(m.length - 1));
  const out: GlossaryUse[] = [];
  for (const entry of entries) {
    let first = -1;
    let length = 0;
    for (const name of [entry.term, ...(entry.aliases ?? [])]) {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const match = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "iu").exec(text);
      if (match && (first < 0 || match.index < first)) {
        first = match.index;
        length = match[0].length;
      }
    }
    if (first < 0) continue;
    const inLink = linked.some(([start, end]) => first >= start && first + length <= end);
    if (!inLink) out.push({ term: entry.term, context: markdown.slice(Math.max(0, first - 40), first + length + 40).replace(/\s+/g, " ") });
  }
  return out;
}

/** Glossary anchors a markdown text links to that the glossary does not have. */
export function brokenGlossaryLinks(markdown: string, entries: readonly GlossaryEntry[] = GLOSSARY): string[] {
  const anchors = new Set(entries.map((e) => githubSlug(e.term)));
  return [...markdown.matchAll(/\]\(([^)\s]*glossary\.md)#([^)\s]*)\)/g)].map((m) => m[2]).filter((a) => !anchors.has(a));
}
