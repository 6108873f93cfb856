/**
 * The Open Data release: extract (marts only) -> generalise -> protect (suppression + LP audit)
 * -> publish (CSV, Parquet, Data Package, CSVW, DCAT, README, licence, assessment) -> gates ->
 * switch `current.json`.
 *
 * A release is written to `<outDir>/releases/<version>.partial`, checked, then renamed to
 * `<outDir>/releases/<version>`; `<outDir>/current.json` is replaced (write + rename) only when
 * every gate passed. A failed gate removes the partial directory and leaves the previous current
 * release as it was. The version is `v` + 12 hex of the sha256 of everything the release is made
 * of (the extracted cells, the models, the policy): the same data gives the same version and the
 * same bytes, never a timestamp.
 *
 * Gates (each also a test): the LP audit (every suppressed cell keeps +/- 10 %), every file matches
 * its schema (the project's package checks, and ajv against the official Data Package v2 profile
 * when ../shared/standards is present), published + suppressed values reconcile with independent
 * mart totals, and no published byte holds a known personal value or pseudonym.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import countries from "i18n-iso-countries";
// eslint-disable-next-line @typescript-eslint/no-require-imports
countries.registerLocale(require("i18n-iso-countries/langs/en.json"));
import { openNative, queryRows, sqlString } from "../engine/native";
import { projectRoot } from "../io/paths";
import { POLICY } from "../policy";
import { attachEncrypted, coreKeyFor, readCoreKeyInfo } from "../privacy/coreEncryption";
import { openKeyStore, type KeyStore } from "../privacy/keystore";
import { engineSettings } from "../engine/settings";
import { renderSql, spillDirectoryFor } from "../warehouse/db";
import { assessRelease, assessTable, Wp29Assessment } from "./assessment/wp29";
import { reidentificationRisk, RiskClass, RiskReport } from "./assessment/risk";
import { AuditReport, compareText, EXACT_INTERVALS_MAX_CELLS, protectLinkedTables, ProtectedTable, TableInput } from "./confidentiality/index";
import { chooseGrain, GrainMeasurement, isDetailCell, measureGrain } from "./generalise";
import { checkPackage, PackageProblem, validateProfile } from "./gates/packageChecks";
import { publicVocabulary, readKnownValues, scanForKnownValues, scanInputFor, PiiScanResult, tokens } from "./gates/piiScan";
import { derivedOf, labelColumnsOf, loadDatasets, measuresOf, MODEL_DIR, OdDataset, TimeGrain } from "./model/datasets";
import { withCurrency } from "../raw/profile";
import { attachMarts, customerBuckets, ExtractRow, extractRows, runReconcileQuery, toTableInput } from "./model/extract";
import { csvwMetadata } from "./publish/csvw";
import { CsvValue, parseCsv, toCsv } from "./publish/csv";
import { dataPackage, ReleaseMeta, ResourceFile } from "./publish/datapackage";
import { dcatCatalogue } from "./publish/dcat";
import { writeParquet } from "./publish/parquet";
import { DatasetLine, licenceText, releaseReadme, suppressionTable, grainTable } from "./publish/readme";

export interface ReleaseOptions {
  martsPath: string;
  corePath: string;
  /** outputs/opendata */
  outDir: string;
  /** Cleansed staging (customers.parquet, suppliers.parquet) for the PII scan; default outputs/staging/clean. */
  cleanDir?: string;
  /** Where reports/disclosure-audit.md and reports/anonymisation-assessment.md go; default <root>/reports; null = none. */
  reportsDir?: string | null;
  /** Official Frictionless v2 profiles; default ../shared/standards/frictionless-v2 from the project root (skipped if absent). */
  profilesDir?: string;
  keyStore?: KeyStore;
  /** Credit line of the source data, if its licence asks for one. */
  sourceAttribution?: string;
  /** ISO 4217 code of the source's amounts (its profile's `currency`): the metadata's "{currency}". Default EUR. */
  currency?: string;
  /** Tests only: alters the written release before the gates run (to prove a gate stops it). */
  tamper?: (releaseDir: string) => void;
  log?: (message: string) => void;
}

export interface GateResult {
  gate: "confidentiality_audit" | "schema" | "datapackage_profile" | "reconciliation" | "pii_scan";
  passed: boolean;
  detail: string;
}

export interface DatasetSummary {
  dataset: string;
  grain: string;
  rows: number;
  published: number;
  primary: number;
  secondary: number;
  suppressedPercent: number;
}

export interface ReleaseSummary {
  version: string;
  releaseDir: string;
  current: boolean;
  datasets: DatasetSummary[];
  grains: GrainMeasurement[];
  gates: GateResult[];
  wp29: Wp29Assessment;
  risk: RiskReport;
  files: string[];
}

export class ReleaseGateError extends Error {
  constructor(
    readonly gates: GateResult[],
    readonly version: string,
  ) {
    super(`open data release ${version} not published: gate(s) ${gates.filter((g) => !g.passed).map((g) => `${g.gate} (${g.detail})`).join("; ")}; the current release is unchanged`);
    this.name = "ReleaseGateError";
  }
}

interface Prepared {
  ds: OdDataset;
  grain: TimeGrain | null;
  rows: ExtractRow[];
  input: TableInput;
}

export function defaultProfilesDir(): string {
  return path.resolve(projectRoot(), "..", "shared", "standards", "frictionless-v2");
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Country names from ISO 3166 (English short names), régions from the mart. */
function geoName(code: string, fromMart: unknown): string {
  if (typeof fromMart === "string" && fromMart.length > 0) return fromMart;
  if (code === "All") return "All";
  if (code === "UNK") return "Unknown";
  if (code === "FR-UNK") return "France, région unknown";
  return countries.getName(code, "en") ?? code;
}

async function prepare(conn: DuckDBConnection, log: (m: string) => void, currency: string): Promise<{ prepared: Prepared[]; measured: GrainMeasurement[] }> {
  const datasets = loadDatasets().map((ds) => withCurrency(ds, currency));
  const measured: GrainMeasurement[] = [];
  const wanted = new Map<string, number>();
  const ladderOf = new Map<string, TimeGrain[]>();
  // Every rung measured is kept: the grain chosen is one of them (at ten million sale lines an
  // extraction of the sales tables takes about a minute).
  const extracted = new Map<string, ExtractRow[]>();
  const buckets = await customerBuckets(conn);
  const extract = async (ds: OdDataset, grain: TimeGrain | null): Promise<ExtractRow[]> => {
    const key = `${ds.dataset}|${grain}`;
    let rows = extracted.get(key);
    if (!rows) extracted.set(key, (rows = await extractRows(conn, ds, grain, buckets)));
    return rows;
  };
  for (const ds of datasets) {
    if (ds.timeGrains.length === 0) continue;
    const ms: GrainMeasurement[] = [];
    for (const grain of ds.timeGrains) {
      const rows = await extract(ds, grain);
      log(`opendata: ${ds.dataset} measured at ${grain}, ${rows.length} cells`);
      ms.push(measureGrain(ds, grain, toTableInput(ds, rows)));
    }
    measured.push(...ms);
    const chosen = ds.timeGrains.indexOf(chooseGrain(ds.timeGrains, ms));
    ladderOf.set(ds.linkGroup, ds.timeGrains);
    wanted.set(ds.linkGroup, Math.max(wanted.get(ds.linkGroup) ?? 0, chosen));
  }
  const prepared: Prepared[] = [];
  for (const ds of datasets) {
    const grain = ds.timeGrains.length === 0 ? null : ds.timeGrains[Math.min(wanted.get(ds.linkGroup) ?? 0, ds.timeGrains.length - 1)];
    const rows = await extract(ds, grain);
    log(`opendata: ${ds.dataset} extracted at ${grain ?? "whole period"}, ${rows.length} cells`);
    prepared.push({ ds, grain, rows, input: toTableInput(ds, rows) });
  }
  return { prepared, measured };
}

/** The release's identity: its policy, model, input cells and the suppression pattern published. */
function versionOf(prepared: readonly Prepared[], protectedBy: ReadonlyMap<string, ProtectedTable>): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(POLICY));
  for (const f of readdirSync(MODEL_DIR).filter((f) => /\.(sql|json)$/.test(f)).sort()) h.update(f).update(readFileSync(path.join(MODEL_DIR, f)));
  for (const p of prepared) h.update(JSON.stringify({ grain: p.grain, cells: p.input.cells }));
  // The same inputs protected by another version of the engine can publish another pattern.
  for (const p of prepared) h.update(JSON.stringify(protectedBy.get(p.input.name)?.cells.map((c) => c.status) ?? []));
  return `v${h.digest("hex").slice(0, 12)}`;
}

function publishedRows(p: Prepared, table: ProtectedTable): Record<string, CsvValue>[] {
  const labels = labelColumnsOf(p.ds);
  const measures = measuresOf(p.ds);
  const derived = derivedOf(p.ds);
  const rows = table.cells.map((cell, i) => {
    const src = p.rows[i];
    const hidden = cell.status !== "published";
    const row: Record<string, CsvValue> = {};
    for (const c of labels) row[c.name] = c.name === "geo_name" ? geoName(String(src.geo_code), src.geo_name) : (src[c.name] as CsvValue);
    for (const m of measures) row[m.name] = hidden ? null : (cell.measures[m.name] as number);
    for (const d of derived) {
      const v = src[d.name];
      row[d.name] = hidden || v === null || v === undefined ? null : Math.round(Number(v) * 10 ** (d.decimals ?? 2)) / 10 ** (d.decimals ?? 2);
    }
    row.status = cell.status;
    row.flag = cell.flag;
    return row;
  });
  const key = p.ds.primaryKey;
  return rows.sort((a, b) => {
    for (const k of key) {
      const c = compareText(String(a[k]), String(b[k]));
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** Gate: top-level rows (every dimension with a total at it) of the CSV, suppressed values taken from the engine, against the mart totals. */
async function reconcile(conn: DuckDBConnection, releaseDir: string, prepared: readonly Prepared[]): Promise<GateResult> {
  const problems: string[] = [];
  const lines: string[] = [];
  for (const p of prepared) {
    const expected = await runReconcileQuery(conn, p.ds);
    const [header, ...records] = parseCsv(readFileSync(path.join(releaseDir, `${p.ds.dataset}.csv`), "utf8"));
    const truth = new Map(p.rows.map((r) => [JSON.stringify(p.ds.primaryKey.map((k) => String(r[k]))), r]));
    const col = (name: string) => header.indexOf(name);
    const totals: Record<string, number> = {};
    for (const rec of records) {
      const top = p.ds.dimensions.every((d) => d.total === undefined || rec[col(d.name)] === d.total);
      if (!top) continue;
      const published = rec[col("status")] === "published";
      const source = truth.get(JSON.stringify(p.ds.primaryKey.map((k) => rec[col(k)])));
      for (const m of Object.keys(expected)) {
        const v = published ? Number(rec[col(m)]) : Number(source?.[m]);
        totals[m] = (totals[m] ?? 0) + v;
      }
    }
    for (const [m, want] of Object.entries(expected)) {
      const got = totals[m] ?? 0;
      const ok = Math.abs(got - want) <= 0.005 + 1e-9 * Math.abs(want);
      lines.push(`${p.ds.dataset}.${m}: ${got.toFixed(2)} vs mart ${want.toFixed(2)}`);
      if (!ok) problems.push(`${p.ds.dataset}.${m} sums to ${got.toFixed(2)}, marts say ${want.toFixed(2)}`);
    }
  }
  return { gate: "reconciliation", passed: problems.length === 0, detail: problems.length === 0 ? `${lines.length} totals reconcile` : problems.join("; ") };
}

async function attachCore(conn: DuckDBConnection, corePath: string, keyStore?: KeyStore): Promise<void> {
  const file = path.resolve(corePath);
  const key = readCoreKeyInfo(file) ? coreKeyFor(file, keyStore ?? openKeyStore({ createIfMissing: false, log: () => {} })) : undefined;
  if (key) await attachEncrypted(conn, file, "core", key, { readOnly: true });
  else await conn.run(`attach ${sqlString(file)} as core (read_only)`);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => !f.startsWith(".")).sort();
}

export function disclosureAuditMarkdown(version: string, audits: readonly { group: string; tables: string[]; audit: AuditReport; rounds: number }[], lines: readonly DatasetLine[]): string {
  const rows = audits.map((a) => {
    const required = a.audit.intervals.filter((i) => i.required && i.value !== 0);
    const narrowest = required.reduce<number | null>((m, i) => {
      const width = Math.min(i.value - i.lower, i.upper - i.value) / Math.abs(i.value);
      return m === null ? width : Math.min(m, width);
    }, null);
    const shown = narrowest === null ? "n/a" : narrowest === Infinity ? "unbounded" : `${(100 * narrowest).toFixed(1)} %`;
    const proven = a.audit.intervals.filter((i) => !i.exact).length;
    return `| ${a.group} | ${a.tables.join(", ")} | ${a.rounds} | ${a.audit.intervals.length} | ${proven} | ${a.audit.exposed.length} | ${shown}${proven > 0 ? " (at least)" : ""} | ${a.audit.passed ? "pass" : "FAIL"} |`;
  });
  return `# Disclosure audit of the Open Data release ${version}

Generated by lib/opendata/release.ts; deterministic (no timings). For every suppressed cell and
every measure, linear programming (HiGHS) computes the narrowest interval an intruder can derive
from every published total and margin of the tables released together. The release passes only
if each interval reaches at least +/- ${POLICY.statisticalConfidentiality.protectionIntervalPercent} % of the true value (secondary
suppressions included). True values stay internal; this report gives counts and the narrowest
relative protection only.

Linked groups of more than ${EXACT_INTERVALS_MAX_CELLS} suppressed cells are proven rather than measured
(lib/opendata/confidentiality/audit.ts): their intervals are inner bounds found from feasible
values, so the protection shown for them is a lower bound ("at least"); the pass or fail decision
is the same as with exact intervals, because every side short of its protection is solved exactly.

| link group | tables | audit rounds | intervals checked | of which proven, not measured | exposed | narrowest protection | result |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
${rows.join("\n")}

## Suppression by dataset

${suppressionTable(lines)}
`;
}

export function assessmentMarkdown(version: string, wp29: Wp29Assessment, risk: RiskReport, pii: PiiScanResult, measured: readonly GrainMeasurement[]): string {
  const yes = (b: boolean) => (b ? "passed" : "FAILED");
  const tableRows = wp29.tables.map(
    (t) =>
      `| ${t.dataset} | ${t.population} | ${t.threshold} | ${t.publishedCells} | ${t.suppressedCells} | ${t.smallestPublishedGroup ?? "n/a"} | ${t.publishedBelowThreshold} | ${t.largestTopSharePercent === null ? "n/a" : t.largestTopSharePercent.toFixed(1) + " %"} | ${t.homogeneousPublishedCells} | ${t.identifierLikeColumns.length === 0 ? "none" : t.identifierLikeColumns.join(", ")} |`,
  );
  const r = (x: number) => x.toFixed(4);
  const known = Object.entries(pii.knownValues).map(([k, n]) => `${k} ${n}`).join(", ");
  return `# Anonymisation assessment of the Open Data release ${version}

Article 29 Working Party, Opinion 05/2014 (WP216): an anonymous release must resist singling
out, linkability and inference. Computed from the data of this release; reassessed at every release.

## Per table

| dataset | describes | threshold | published cells | suppressed cells | smallest published group | published below threshold | largest top share (published) | homogeneous published cells | identifier-like columns |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${tableRows.join("\n")}

## 1. Singling out: ${yes(wp29.singlingOut.passed)}

Every published cell aggregates at least its population's threshold of distinct contributors; the
smallest published group in the whole release has ${wp29.singlingOut.smallestGroup ?? "n/a"} contributors. No file has a row per
person, order or customer.

## 2. Linkability: ${yes(wp29.linkability.passed)}

- Columns named like an identifier: ${wp29.linkability.identifierLikeColumns}.
- Values shaped like a customer pseudonym (cp_ + 32 hex): ${wp29.linkability.pseudonymShapedValues}.
- Known personal values or pseudonyms found by the byte scan: ${wp29.linkability.piiHits} (searched: ${known}; ${pii.filesScanned} files, ${pii.bytesScanned} bytes).
- Quasi-identifier combinations across tables: every published cell of every table has at least its threshold of contributors, so no combination of quasi-identifiers (area, age band, gender, period, category, channel) is unique in any table; the tables share only margins protected together.

## 3. Inference: ${yes(wp29.inference.passed)}

- Dominance: the largest share of one contributor in a published amount cell is ${wp29.inference.largestTopSharePercent === null ? "n/a" : wp29.inference.largestTopSharePercent.toFixed(1) + " %"} (rule: at most ${POLICY.statisticalConfidentiality.dominance.kPercent} %).
- Homogeneity: published cells where every contributor has the same value: ${wp29.inference.homogeneousCells}.
- Suppressed cells cannot be narrowed below +/- ${POLICY.statisticalConfidentiality.protectionIntervalPercent} % (disclosure-audit.md).

## Re-identification risk of the customer table

Equivalence classes: the detail cells (area x age band x gender) of the private-customer table;
sample size f = customers in the cell, population F = persons with the same attributes among all
customers in the warehouse.

| model | published classes | before suppression |
| --- | ---: | ---: |
| classes | ${risk.published.classes} | ${risk.beforeSuppression.classes} |
| records (customers) | ${risk.published.records} | ${risk.beforeSuppression.records} |
| smallest class | ${risk.published.smallestClass} | ${risk.beforeSuppression.smallestClass} |
| prosecutor, maximum (1 / min f) | ${r(risk.published.prosecutorMax)} | ${r(risk.beforeSuppression.prosecutorMax)} |
| prosecutor, average (classes / records) | ${r(risk.published.prosecutorAverage)} | ${r(risk.beforeSuppression.prosecutorAverage)} |
| journalist, maximum (1 / min F) | ${r(risk.published.journalistMax)} | ${r(risk.beforeSuppression.journalistMax)} |
| marketer (mean f / F) | ${r(risk.published.marketer)} | ${r(risk.beforeSuppression.marketer)} |

With the ${risk.threshold}-customer threshold the prosecutor risk of any published class is at most 1/${risk.threshold} = ${r(1 / risk.threshold)}.

## Generalisation measurements

${grainTable(measured)}

## Conclusion

${wp29.passed ? "The three tests pass with the numbers above: the release is treated as anonymous (outside the GDPR, Recital 26)." : "At least one test FAILED: the release must not be published."}
`;
}

export async function releaseOpenData(opts: ReleaseOptions): Promise<ReleaseSummary> {
  const log = opts.log ?? (() => {});
  const root = projectRoot();
  const cleanDir = path.resolve(opts.cleanDir ?? path.join(root, "outputs", "staging", "clean"));
  const reportsDir = opts.reportsDir === undefined ? path.join(root, "reports") : opts.reportsDir;
  const profilesDir = opts.profilesDir ?? defaultProfilesDir();
  const outDir = path.resolve(opts.outDir);
  // The extraction's per-customer rows (pseudonymised, like the marts) spill beside the marts,
  // never into the release directory, under the memory limit every stage keeps (at ten million
  // sale lines the extraction's hash tables took 11 GiB without one).
  const spillDir = `${spillDirectoryFor(path.resolve(opts.martsPath))}-opendata`;
  rmSync(spillDir, { recursive: true, force: true });
  const { instance, conn } = await openNative({ memoryLimit: engineSettings().memoryLimit, tempDirectory: spillDir });
  try {
    await attachMarts(conn, opts.martsPath);
    const { prepared, measured } = await prepare(conn, log, opts.currency ?? "EUR");

    // Protection, per link group (tables sharing margins are protected together).
    const groups = [...new Set(prepared.map((p) => p.ds.linkGroup))].sort(compareText);
    const protectedBy = new Map<string, ProtectedTable>();
    const audits: { group: string; tables: string[]; audit: AuditReport; rounds: number }[] = [];
    for (const group of groups) {
      const members = prepared.filter((p) => p.ds.linkGroup === group);
      const result = await protectLinkedTables(members.map((m) => m.input));
      result.tables.forEach((t) => protectedBy.set(t.name, t));
      audits.push({ group, tables: members.map((m) => m.ds.dataset), audit: result.audit, rounds: result.rounds });
      log(`opendata: ${group} protected in ${result.rounds} audit round(s), ${result.audit.exposed.length} exposed`);
    }

    const version = versionOf(prepared, protectedBy);
    const releasesDir = path.join(outDir, "releases");
    const finalDir = path.join(releasesDir, version);
    const partial = `${finalDir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });

    // Period covered, from the marts' calendar (deterministic).
    const [period] = await queryRows<{ start: string; end: string }>(conn, renderSql(path.join(MODEL_DIR, "period.sql")));
    const meta: ReleaseMeta = {
      name: "retail-open-data",
      version,
      title: "Retail open data: sales, customers, stock, suppliers and carriers",
      description: "Aggregate statistics of a retail group's sales, stock, supplier and carrier performance, protected by statistical confidentiality rules (frequency, dominance, secondary suppression, LP audit).",
      dataStart: String(period.start),
      dataEnd: String(period.end),
      publisher: "Retail data workbook",
      sourceAttribution: opts.sourceAttribution,
    };

    const files: ResourceFile[] = [];
    const lines: DatasetLine[] = [];
    for (const p of prepared) {
      const table = protectedBy.get(p.ds.dataset)!;
      const rows = publishedRows(p, table);
      const csvName = `${p.ds.dataset}.csv`;
      const parquetName = `${p.ds.dataset}.parquet`;
      const csvText = toCsv(p.ds.columns, rows);
      writeFileSync(path.join(partial, csvName), csvText);
      await writeParquet(conn, path.join(partial, csvName), path.join(partial, parquetName), p.ds.columns, p.ds.primaryKey);
      const csvBytes = readFileSync(path.join(partial, csvName));
      const parquetBytes = readFileSync(path.join(partial, parquetName));
      files.push({ dataset: p.ds, csv: csvName, parquet: parquetName, rows: rows.length, csvHash: sha256(csvBytes), parquetHash: sha256(parquetBytes), csvBytes: csvBytes.length, parquetBytes: parquetBytes.length });
      lines.push({
        dataset: p.ds,
        grain: p.grain ?? "whole period",
        rows: rows.length,
        published: table.cells.filter((c) => c.status === "published").length,
        primaryFrequency: table.cells.filter((c) => c.status === "primary_frequency").length,
        primaryDominance: table.cells.filter((c) => c.status === "primary_dominance").length,
        secondary: table.secondaryCount,
      });
    }
    const pkg = dataPackage(meta, files);
    writeFileSync(path.join(partial, "datapackage.json"), JSON.stringify(pkg, null, 2) + "\n");
    writeFileSync(path.join(partial, "csv-metadata.json"), JSON.stringify(csvwMetadata(meta, files), null, 2) + "\n");
    writeFileSync(path.join(partial, "catalogue.jsonld"), JSON.stringify(dcatCatalogue(meta, files), null, 2) + "\n");
    writeFileSync(path.join(partial, "README.md"), releaseReadme(meta, lines, measured));
    writeFileSync(path.join(partial, "LICENCE.md"), licenceText());

    // Assessment (needs core for the journalist population and the known identifiers).
    await attachCore(conn, opts.corePath, opts.keyStore);
    const customerPrep = prepared.find((p) => p.ds.quasiIdentifiers !== undefined);
    const riskClasses: RiskClass[] = [];
    if (customerPrep) {
      const population = await queryRows<{ geo_code: string; age_band: string; gender: string; population: number }>(conn, renderSql(path.join(__dirname, "assessment", "population.sql")));
      const pop = new Map(population.map((r) => [`${r.geo_code}|${r.age_band}|${r.gender}`, Number(r.population)]));
      const table = protectedBy.get(customerPrep.ds.dataset)!;
      customerPrep.input.cells.forEach((cell, i) => {
        if (!isDetailCell(customerPrep.ds, customerPrep.input, cell.dims)) return;
        const key = `${cell.dims.geo_code}|${cell.dims.age_band}|${cell.dims.gender}`;
        riskClasses.push({ key, sample: cell.contributors, population: pop.get(key) ?? cell.contributors, published: table.cells[i].status === "published" });
      });
    }
    const risk = reidentificationRisk(riskClasses, POLICY.statisticalConfidentiality.frequency.minContributors.person);
    const known = await readKnownValues(conn, cleanDir);
    // Public vocabulary: région, département and country names, the business labels of the
    // tables, and the words of the documentation the release generated (before any later change).
    const labels = prepared.flatMap((p) => p.rows.flatMap((r) => labelColumnsOf(p.ds).map((c) => r[c.name]).filter((v): v is string => typeof v === "string")));
    const documents = ["README.md", "LICENCE.md", "datapackage.json", "csv-metadata.json", "catalogue.jsonld"].map((f) => readFileSync(path.join(partial, f), "utf8"));
    const vocabulary = publicVocabulary(labels, documents);
    const addWords = (text: string) => tokens(text).forEach((t) => vocabulary.add(t));
    const stringColumns = new Set(prepared.flatMap((p) => p.ds.columns.filter((c) => c.type === "string").map((c) => c.name)));
    const tableAssessments = prepared.map((p) => assessTable(p.input, protectedBy.get(p.ds.dataset)!.cells, p.ds.columns.map((c) => c.name)));
    const provisionalPii = scanForKnownValues(
      await Promise.all(files.flatMap((f) => [scanInputFor(conn, path.join(partial, f.csv), f.csv, stringColumns), scanInputFor(conn, path.join(partial, f.parquet), f.parquet)])),
      known,
      vocabulary,
    );
    const csvTexts = files.map((f) => readFileSync(path.join(partial, f.csv), "utf8"));
    const wp29 = assessRelease(tableAssessments, csvTexts, provisionalPii.hits.length);
    const assessmentText = assessmentMarkdown(version, wp29, risk, provisionalPii, measured);
    writeFileSync(path.join(partial, "anonymisation-assessment.md"), assessmentText);
    addWords(assessmentText);

    opts.tamper?.(partial);

    // Gates.
    const gates: GateResult[] = [];
    const exposed = audits.reduce((n, a) => n + a.audit.exposed.length, 0);
    gates.push({ gate: "confidentiality_audit", passed: audits.every((a) => a.audit.passed) && wp29.passed, detail: `${audits.reduce((n, a) => n + a.audit.intervals.length, 0)} intervals, ${exposed} exposed; WP29 tests ${wp29.passed ? "pass" : "fail"}` });
    const written = JSON.parse(readFileSync(path.join(partial, "datapackage.json"), "utf8"));
    const problems: PackageProblem[] = checkPackage(partial, written);
    gates.push({ gate: "schema", passed: problems.length === 0, detail: problems.length === 0 ? `${written.resources.length} resources match their schema` : problems.slice(0, 3).map((p) => `${p.resource}: ${p.message}`).join("; ") });
    if (existsSync(path.join(profilesDir, "datapackage.json"))) {
      const profileProblems = validateProfile(written, profilesDir);
      gates.push({ gate: "datapackage_profile", passed: profileProblems.length === 0, detail: profileProblems.length === 0 ? "valid against Data Package v2 (ajv)" : profileProblems.slice(0, 3).map((p) => p.message).join("; ") });
    } else {
      log(`opendata: ${profilesDir} absent, Data Package profile validation skipped (the tests run it)`);
    }
    gates.push(await reconcile(conn, partial, prepared));
    const inputs = await Promise.all(listFiles(partial).map((f) => scanInputFor(conn, path.join(partial, f), f, stringColumns)));
    const pii = scanForKnownValues(inputs, known, vocabulary);
    gates.push({ gate: "pii_scan", passed: pii.passed, detail: pii.passed ? `${pii.filesScanned} files, ${pii.bytesScanned} bytes, no known value` : pii.hits.map((h) => `${h.file}: ${h.kind} x${h.occurrences}`).join("; ") });

    if (!gates.every((g) => g.passed)) {
      rmSync(partial, { recursive: true, force: true });
      throw new ReleaseGateError(gates, version);
    }

    rmSync(finalDir, { recursive: true, force: true });
    renameSync(partial, finalDir);
    const pointer = path.join(outDir, "current.json");
    writeFileSync(`${pointer}.next`, JSON.stringify({ version, path: `releases/${version}` }, null, 2) + "\n");
    renameSync(`${pointer}.next`, pointer);
    if (reportsDir) {
      mkdirSync(reportsDir, { recursive: true });
      writeFileSync(path.join(reportsDir, "disclosure-audit.md"), disclosureAuditMarkdown(version, audits, lines));
      writeFileSync(path.join(reportsDir, "anonymisation-assessment.md"), assessmentMarkdown(version, wp29, risk, pii, measured));
    }
    log(`opendata: release ${version} is current (${files.length} datasets)`);
    return {
      version,
      releaseDir: finalDir,
      current: true,
      datasets: lines.map((l) => ({
        dataset: l.dataset.dataset,
        grain: l.grain,
        rows: l.rows,
        published: l.published,
        primary: l.primaryFrequency + l.primaryDominance,
        secondary: l.secondary,
        suppressedPercent: Math.round((1000 * (l.rows - l.published)) / Math.max(1, l.rows)) / 10,
      })),
      grains: measured,
      gates,
      wp29,
      risk,
      files: listFiles(finalDir),
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(spillDir, { recursive: true, force: true });
  }
}

/** The version `current.json` names, or null before the first release. */
export function currentRelease(outDir: string): { version: string; path: string } | null {
  const pointer = path.join(outDir, "current.json");
  return existsSync(pointer) ? JSON.parse(readFileSync(pointer, "utf8")) : null;
}
