/**
 * The Open Data release: extract (marts only) at every rung of each design ladder -> choose the
 * designs by measurement (design.ts) -> protect the whole release in one model (suppression of
 * least information loss + LP audit) -> publish (CSV, Parquet, Data Package, CSVW, DCAT, README,
 * licence, assessment) -> gates -> switch `current.json`.
 *
 * A release is written to `<outDir>/releases/<version>.partial`, checked, then renamed to
 * `<outDir>/releases/<version>`; `<outDir>/current.json` is replaced (write + rename) only when
 * every gate passed. A failed gate removes the partial directory and leaves the previous current
 * release as it was. The version is `v` + 12 hex of the sha256 of everything the release is made
 * of (the extracted cells, the models, the policy, the pattern): the same data gives the same
 * version and the same bytes, never a timestamp.
 *
 * Gates (each also a test): the confidentiality audit of the whole release (every confidential
 * figure keeps +/- 10 % under everything an intruder knows) and the Article 29 tests; every file
 * matches its schema (the project's package checks, and ajv against the official Data Package v2
 * profile when ../shared/standards is present); published + suppressed values reconcile with
 * independent mart totals; and no published byte holds a known personal value or pseudonym.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openNative, queryRows, sqlString } from "../engine/native";
import { projectRoot } from "../io/paths";
import { POLICY } from "../policy";
import { attachEncrypted, coreKeyFor, readCoreKeyInfo } from "../privacy/coreEncryption";
import { openKeyStore, type KeyStore } from "../privacy/keystore";
import { engineSettings } from "../engine/settings";
import { renderSql, spillDirectoryFor } from "../warehouse/db";
import { cleanInputRows } from "../warehouse/gates";
import { assessRelease, assessTable, Wp29Assessment } from "./assessment/wp29";
import { reidentificationRisk, RiskClass, RiskReport } from "./assessment/risk";
import { censusSources, regionPopulations, statedPopulation } from "./assessment/census";
import { assertReleasable, compareText, protectFromParts, protectRelease, ProtectionResult, TableInput, TableLoss } from "./confidentiality/index";
import { chooseDesigns, DesignOutcome, RungMeasurement } from "./design";
import { UnprotectableDesignError } from "./confidentiality/secondary";
import { checkPackage, PackageProblem, validateProfile } from "./gates/packageChecks";
import { loadKnownValues, publicVocabulary, scanKnownValuesIn, scanInputFor, PiiScanResult, tokens } from "./gates/piiScan";
import { DesignParams, derivedOf, designDataset, labelColumnsOf, loadDatasets, loadDesigns, measuresOf, MODEL_DIR, OdDataset } from "./model/datasets";
import { attachMarts, customerBuckets, ExtractRow, largeCountries, runReconcileQuery } from "./model/extract";
import { geoName, originName } from "./model/hierarchies";
import { withCurrency } from "../raw/profile";
import type { SourceTotals } from "../cleanse/sourceTotal";
import { csvwMetadata } from "./publish/csvw";
import { CsvValue, parseCsv, toCsv } from "./publish/csv";
import { dataPackage, DisclosureControl, ReleaseMeta, ResourceFile } from "./publish/datapackage";
import { dcatCatalogue } from "./publish/dcat";
import { writeParquet } from "./publish/parquet";
import { licenceText, releaseReadme } from "./publish/readme";
import { assessmentMarkdown, disclosureAuditMarkdown, MethodComparison } from "./reports";
import { compareWithPrevious, Revision } from "./revisions";
import { attackMarkdown, attackRelease, judgeFindings, type AttackVerdict, type OracleAnswer, type TruthOracle } from "./attack/index";
import type { DatasetSummary, NotApplicable, Prepared } from "./releaseDatasets";

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
  /** Secondary suppression method; default "optimal" (it starts from the heuristic and reports both). */
  method?: "optimal" | "heuristic";
  /**
   * `final` (default): a run that would revise figures the current release published keeps that
   * release current and publishes nothing (revisions.ts); `withdraw-previous`: publishes the new
   * release and takes the previous one offline.
   */
  revisions?: "final" | "withdraw-previous";
  /** ISO 4217 code of the source's amounts (its profile's `currency`): the metadata's "{currency}". Default EUR. */
  currency?: string;
  /** Tests only: alters the written release before the gates run (to prove a gate stops it). */
  tamper?: (releaseDir: string) => void;
  log?: (message: string) => void;
}

export interface GateResult {
  gate: "confidentiality_audit" | "attacker" | "schema" | "datapackage_profile" | "reconciliation" | "pii_scan";
  passed: boolean;
  detail: string;
}

export interface ReleaseSummary {
  version: string;
  releaseDir: string;
  current: boolean;
  /** Set when the run would have revised published figures and kept the previous release instead. */
  kept: { reason: string; revisions: Revision[] } | null;
  /** The release this one took offline (revisions: withdraw-previous). */
  withdrew: string | null;
  datasets: DatasetSummary[];
  designs: RungMeasurement[];
  /** Datasets the export cannot feed, not published. */
  notApplicable: NotApplicable[];
  comparison: MethodComparison | null;
  /** The independent attacker's verdict on the published files (internal: its failures name true values). */
  attack: AttackVerdict | null;
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

export function defaultProfilesDir(): string {
  return path.resolve(projectRoot(), "..", "shared", "standards", "frictionless-v2");
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The label of a code in a label column (geo_name), computed from the code. */
function labelOf(column: string, dims: Readonly<Record<string, string>>): string | null {
  if (column === "geo_name") return geoName(dims.geo_code);
  if (column === "origin_name") return originName(dims.supplier_origin);
  return null;
}

function keyOf(ds: OdDataset, values: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(ds.dimensions.map((d) => String(values[d.name])));
}

/** The version: policy, models, the designs' cells and the pattern published. */
function versionOf(prepared: readonly Prepared[], protection: ProtectionResult): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(POLICY));
  for (const f of readdirSync(MODEL_DIR).filter((f) => /\.(sql|json)$/.test(f)).sort()) h.update(f).update(readFileSync(path.join(MODEL_DIR, f)));
  for (const p of prepared) h.update(JSON.stringify({ design: p.design, cells: p.input.cells }));
  for (const t of protection.tables) h.update(JSON.stringify(t.cells.map((c) => c.status)));
  return `v${h.digest("hex").slice(0, 12)}`;
}

function publishedRows(p: Prepared, table: ProtectionResult["tables"][number]): Record<string, CsvValue>[] {
  const labels = labelColumnsOf(p.ds).filter((c) => !p.ds.dimensions.some((d) => d.name === c.name));
  const measures = measuresOf(p.ds);
  const derived = derivedOf(p.ds);
  const flag = POLICY.statisticalConfidentiality.confidentialFlag;
  const source = new Map(p.rows.map((r) => [keyOf(p.ds, r), r]));
  const rows = table.cells.map((cell) => {
    const hidden = cell.status !== "published";
    const src = source.get(keyOf(p.ds, cell.dims));
    const row: Record<string, CsvValue> = {};
    for (const d of p.ds.dimensions) row[d.name] = cell.dims[d.name];
    for (const c of labels) row[c.name] = labelOf(c.name, cell.dims);
    for (const m of measures) row[m.name] = hidden ? null : (cell.measures[m.name] as number);
    for (const d of derived) {
      const v = src?.[d.name];
      row[d.name] = hidden || v === null || v === undefined ? null : Math.round(Number(v) * 10 ** (d.decimals ?? 2)) / 10 ** (d.decimals ?? 2);
    }
    row.flag = hidden ? flag : null;
    return row;
  });
  return rows.sort((a, b) => {
    for (const k of p.ds.primaryKey) {
      const c = compareText(String(a[k]), String(b[k]));
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The disclosure-control metadata of one table (datapackage.ts): what its files reveal besides values. */
function disclosureOf(p: Prepared, meta: ReleaseMeta): DisclosureControl {
  return {
    flag: { field: "flag", confidential: POLICY.statisticalConfidentiality.confidentialFlag },
    scope: p.ds.scope,
    population: p.ds.population,
    rows: p.ds.rows,
    period: { start: meta.dataStart, end: meta.dataEnd },
    dimensions: p.input.dimensions.map((d) => ({
      field: d.name,
      total: d.total ?? null,
      codes: [...new Set(p.input.cells.map((c) => c.dims[d.name]))].filter((c) => c !== d.total).sort(compareText),
      parents: Object.fromEntries(Object.entries(d.parent ?? {}).sort(([a], [b]) => compareText(a, b))),
    })),
    measures: measuresOf(p.ds).map((m) => ({
      field: m.name,
      concept: m.concept ?? m.name,
      additive: true as const,
      lowerBound: m.sign === "signed" ? null : 0,
      integer: m.type === "integer",
      ...(m.minIfNonEmpty !== undefined ? { minIfNonEmpty: m.minIfNonEmpty } : {}),
    })),
    derived: derivedOf(p.ds).map((d) => ({ field: d.name, ...(d.derivation ?? { kind: "unspecified" }) })),
  };
}

/** Gate: top-level rows (every dimension with a total at it) of the CSV, suppressed values taken from the engine, against the mart totals. */
async function reconcile(conn: DuckDBConnection, releaseDir: string, prepared: readonly Prepared[], protection: ProtectionResult, source: SourceTotals | null): Promise<GateResult> {
  const problems: string[] = [];
  const lines: string[] = [];
  for (const [t, p] of prepared.entries()) {
    const expected = await runReconcileQuery(conn, p.ds);
    const [header, ...records] = parseCsv(readFileSync(path.join(releaseDir, `${p.ds.dataset}.csv`), "utf8"));
    const table = protection.model.tables[t];
    const truth = new Map(table.cells.map((c) => [keyOf(p.ds, c.dims), c.measures]));
    const col = (name: string) => header.indexOf(name);
    const totals: Record<string, number> = {};
    for (const rec of records) {
      const top = p.ds.dimensions.every((d) => d.total === undefined || rec[col(d.name)] === d.total);
      if (!top) continue;
      const published = rec[col("flag")] === "";
      const values = truth.get(JSON.stringify(p.ds.dimensions.map((d) => rec[col(d.name)])));
      for (const m of Object.keys(expected)) {
        const v = published ? Number(rec[col(m)]) : Number(values?.[m]);
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
  // The release's grand total against the export's own, as the source computes it (the cleansing
  // stage's sourceTotals, lib/cleanse/sourceTotal.ts): the sales tables cover identified
  // customers, so the lines without one (from the Sales mart) make up the difference.
  const sales = prepared.findIndex((p) => p.ds.dataset === "sales_by_period_area_category");
  if (source && sales >= 0) {
    const table = protection.model.tables[sales];
    const total = table.cells.find((c) => prepared[sales].ds.dimensions.every((d) => c.dims[d.name] === d.total));
    const [m] = await queryRows<{ all_lines: number; identified: number }>(
      conn,
      "select (select coalesce(sum(net_amount), 0) from sales.sales_daily)::double as all_lines, (select coalesce(sum(net_amount), 0) from sales.customer_sales)::double as identified",
    );
    const released = Number(total?.measures.net_amount ?? 0);
    const got = released + (Number(m.all_lines) - Number(m.identified));
    const want = Number(source.netAmount);
    lines.push(`grand total ${got.toFixed(2)} vs the export's own ${want.toFixed(2)}`);
    if (Math.abs(got - want) > 0.005 + 1e-9 * Math.abs(want)) problems.push(`the release's grand net total (${released.toFixed(2)} for identified customers, plus ${(Number(m.all_lines) - Number(m.identified)).toFixed(2)} without one) is ${got.toFixed(2)}, the export's own total is ${want.toFixed(2)} (${source.formula})`);
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

function summaryOf(prepared: readonly Prepared[], protection: ProtectionResult): DatasetSummary[] {
  return prepared.map((p, i) => {
    const loss: TableLoss = protection.loss[i];
    return {
      dataset: p.ds.dataset,
      design: p.design,
      meetsTargets: p.meetsTargets,
      rows: loss.cells,
      published: loss.cells - loss.suppressedCells,
      primary: loss.primaryCells,
      secondary: loss.secondaryCells,
      suppressedPercent: loss.suppressedPercent,
      suppressedValuePercent: loss.suppressedValuePercent,
    };
  });
}

/** Chooses the designs and protects the whole release (no file written): for the release, notebooks and tests. */
export async function prepareRelease(conn: DuckDBConnection, log: (m: string) => void, options: { method?: "optimal" | "heuristic"; currency?: string } = {}): Promise<{ prepared: Prepared[]; notApplicable: NotApplicable[]; outcome: DesignOutcome; protection: ProtectionResult; comparison: MethodComparison | null }> {
  const datasets = loadDatasets().map((ds) => withCurrency(ds, options.currency ?? "EUR"));
  const groups = loadDesigns(datasets);
  const outcome = await chooseDesigns(conn, datasets, groups, await customerBuckets(conn), log);
  const all: Prepared[] = outcome.choices
    .flatMap((choice) => choice.tables.map((t) => ({ ds: designDataset(t.ds, t.drop), group: choice.group, design: choice.name, params: t.rung.params, meetsTargets: choice.meets, rows: t.rows, input: t.input })))
    .sort((a, b) => compareText(a.ds.dataset, b.ds.dataset));
  // A dataset the export cannot feed (no stock snapshots, no shipments, no supplier records) is
  // not published empty: the release says it does not apply, and why.
  const notApplicable = all.filter((p) => p.input.cells.every((c) => c.contributors === 0)).map((p) => ({ dataset: p.ds.dataset, reason: `the export has none of the records it is computed from (${p.ds.contributors})` }));
  let prepared = all.filter((p) => !notApplicable.some((n) => n.dataset === p.ds.dataset));
  for (const n of notApplicable) log(`opendata: ${n.dataset} not applicable: ${n.reason}`);
  const parts = outcome.choices.filter((c) => c.tables.some((t) => prepared.some((p) => p.ds.dataset === t.ds.dataset))).map((c) => c.protection);
  let protection: ProtectionResult;
  try {
    protection =
      options.method === undefined && notApplicable.length === 0 && parts.every((p): p is ProtectionResult => p !== null)
        ? await protectFromParts(prepared.map((p) => p.input), parts, { log })
        : await protectRelease(prepared.map((p) => p.input), { log, method: options.method });
  } catch (err) {
    if (!(err instanceof UnprotectableDesignError)) throw err;
    // A group whose every rung failed the targets keeps its coarsest one, first protected here
    // (design.ts): when suppression cannot protect even that (a few lines dominate whole
    // periods), the group is withheld, said in the release, rather than the run failing or the
    // figures going out exposed. Groups are independent (no relation crosses them): each is
    // protected alone to find which.
    const withheld = await unprotectableGroups(outcome, prepared);
    if (withheld.length === 0) throw err;
    for (const w of withheld) log(`opendata: ${w.dataset} withheld: ${w.reason}`);
    notApplicable.push(...withheld);
    prepared = prepared.filter((p) => !withheld.some((w) => w.dataset === p.ds.dataset));
    protection = await protectRelease(prepared.map((p) => p.input), { log, method: options.method });
  }
  log(`opendata: whole release protected in ${protection.rounds} round(s), ${protection.cuts} cuts, ${protection.audit.intervals.length} figures audited, ${protection.audit.exposed.length} exposed`);
  assertReleasable(protection, "open data release");
  const comparison: MethodComparison | null = protection.heuristic
    ? { optimal: { rounds: protection.rounds, loss: protection.loss, passed: protection.audit.passed }, heuristic: { rounds: protection.heuristic.rounds, loss: protection.heuristic.loss, passed: true }, optimality: protection.optimality }
    : null;
  return { prepared, notApplicable, outcome, protection, comparison };
}

/** The datasets of the groups that suppression cannot protect at their chosen design, each protected alone; with the reason. */
async function unprotectableGroups(outcome: DesignOutcome, prepared: readonly Prepared[]): Promise<NotApplicable[]> {
  const withheld: NotApplicable[] = [];
  for (const choice of outcome.choices) {
    const mine = prepared.filter((p) => p.group === choice.group);
    if (mine.length === 0 || choice.protection !== null) continue;
    try {
      await protectRelease(mine.map((p) => p.input), { log: () => {} });
    } catch (err) {
      if (!(err instanceof UnprotectableDesignError)) throw err;
      const why = err.message.replace(/^secondary suppression \(heuristic\): /, "");
      const reason = `no design of its group (${choice.group}) can be published: the finer ones hide more than the targets allow or cannot be protected, and at the coarsest (${choice.name}) ${why}`;
      withheld.push(...mine.map((p) => ({ dataset: p.ds.dataset, reason, withheld: true as const })));
    }
  }
  return withheld;
}

export async function releaseOpenData(opts: ReleaseOptions): Promise<ReleaseSummary> {
  const log = opts.log ?? (() => {});
  const root = projectRoot();
  const cleanDir = path.resolve(opts.cleanDir ?? path.join(root, "outputs", "staging", "clean"));
  const reportsDir = opts.reportsDir === undefined ? path.join(root, "reports") : opts.reportsDir;
  const profilesDir = opts.profilesDir ?? defaultProfilesDir();
  const outDir = path.resolve(opts.outDir);
  // The extraction's per-customer rows (pseudonymised, like the marts) spill beside the marts,
  // never into the release directory, under the memory limit every stage keeps.
  const spillDir = `${spillDirectoryFor(path.resolve(opts.martsPath))}-opendata`;
  rmSync(spillDir, { recursive: true, force: true });
  const settings = engineSettings("opendata", cleanInputRows(cleanDir));
  const { instance, conn } = await openNative({ memoryLimit: settings.memoryLimit, threads: settings.threads, tempDirectory: spillDir });
  try {
    await attachMarts(conn, opts.martsPath);
    const { prepared, notApplicable, outcome, protection, comparison } = await prepareRelease(conn, log, { method: opts.method, currency: opts.currency });

    const version = versionOf(prepared, protection);
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
      title: "Retail open data: sales, customers, stock, suppliers and deliveries",
      description: "Aggregate statistics of a retail group's sales, customers, stock, supplier and delivery performance, protected by statistical confidentiality rules (frequency, dominance, secondary suppression of least information loss, an LP audit of the whole release).",
      dataStart: String(period.start),
      dataEnd: String(period.end),
      publisher: "Retail data workbook",
      sourceAttribution: opts.sourceAttribution,
    };

    const files: ResourceFile[] = [];
    for (const [i, p] of prepared.entries()) {
      const rows = publishedRows(p, protection.tables[i]);
      const csvName = `${p.ds.dataset}.csv`;
      const parquetName = `${p.ds.dataset}.parquet`;
      writeFileSync(path.join(partial, csvName), toCsv(p.ds.columns, rows));
      await writeParquet(conn, path.join(partial, csvName), path.join(partial, parquetName), p.ds.columns, p.ds.primaryKey);
      const csvBytes = readFileSync(path.join(partial, csvName));
      const parquetBytes = readFileSync(path.join(partial, parquetName));
      files.push({ dataset: p.ds, disclosure: disclosureOf(p, meta), csv: csvName, parquet: parquetName, rows: rows.length, csvHash: sha256(csvBytes), parquetHash: sha256(parquetBytes), csvBytes: csvBytes.length, parquetBytes: parquetBytes.length });
    }
    const datasets = summaryOf(prepared, protection);
    const pkg = dataPackage(meta, files);
    writeFileSync(path.join(partial, "datapackage.json"), JSON.stringify(pkg, null, 2) + "\n");

    // Published figures are final (revisions.ts): a revision of the current release is not made.
    const check = compareWithPrevious(outDir, partial);
    const revisionCount = check.revisions.reduce((n, r) => n + r.changed + r.flagChanged, 0);
    if (check.previous && check.previous.version !== version && check.sameDesign && revisionCount > 0 && (opts.revisions ?? "final") === "final") {
      rmSync(partial, { recursive: true, force: true });
      const reason = `the data changed since release ${check.previous.version} (erasures, rectifications or corrections): ${revisionCount} figure(s) it published would be revised (${check.revisions.map((r) => `${r.dataset} ${r.changed + r.flagChanged}`).join(", ")}); published figures are final, so ${check.previous.version} stays current (to publish a revision, withdraw it: \`npm start -- --withdraw-previous\`, the release's option revisions "withdraw-previous")`;
      log(`opendata: ${reason}`);
      return { version: check.previous.version, releaseDir: check.previous.dir, current: true, kept: { reason, revisions: check.revisions }, withdrew: null, datasets, designs: outcome.measurements, notApplicable, comparison, attack: null, gates: [], wp29: emptyWp29(), risk: reidentificationRisk([], POLICY.statisticalConfidentiality.frequency.minContributors.person), files: listFiles(check.previous.dir) };
    }
    const withdrawing = check.previous && check.previous.version !== version && (opts.revisions ?? "final") === "withdraw-previous" ? check.previous : null;
    writeFileSync(path.join(partial, "csv-metadata.json"), JSON.stringify(csvwMetadata(meta, files), null, 2) + "\n");
    writeFileSync(path.join(partial, "catalogue.jsonld"), JSON.stringify(dcatCatalogue(meta, files), null, 2) + "\n");
    writeFileSync(path.join(partial, "README.md"), releaseReadme(meta, prepared, datasets, outcome.measurements, notApplicable));
    writeFileSync(path.join(partial, "LICENCE.md"), licenceText());

    // Assessment (needs core for the journalist population and the known identifiers).
    await attachCore(conn, opts.corePath, opts.keyStore);
    const risk = await customerRisk(conn, prepared, protection);
    const known = await loadKnownValues(conn, cleanDir);
    // Public vocabulary: area, country and zone names, the business labels of the tables, and the
    // words of the documentation the release generated (before any later change).
    const labels = prepared.flatMap((p, i) => protection.tables[i].cells.flatMap((c) => [...Object.values(c.dims), ...labelColumnsOf(p.ds).map((l) => labelOf(l.name, c.dims) ?? "")]));
    const documents = ["README.md", "LICENCE.md", "datapackage.json", "csv-metadata.json", "catalogue.jsonld"].map((f) => readFileSync(path.join(partial, f), "utf8"));
    const vocabulary = publicVocabulary(labels, documents);
    const addWords = (text: string) => tokens(text).forEach((t) => vocabulary.add(t));
    const stringColumns = new Set(prepared.flatMap((p) => p.ds.columns.filter((c) => c.type === "string").map((c) => c.name)));
    const tableAssessments = prepared.map((p, i) => assessTable(protection.model.tables[i], protection.tables[i].cells, p.ds.columns.map((c) => c.name)));
    const provisionalPii = await scanKnownValuesIn(
      conn,
      known,
      await Promise.all(files.flatMap((f) => [scanInputFor(conn, path.join(partial, f.csv), f.csv, stringColumns), scanInputFor(conn, path.join(partial, f.parquet), f.parquet)])),
      vocabulary,
    );
    const csvTexts = files.map((f) => readFileSync(path.join(partial, f.csv), "utf8"));
    const wp29 = assessRelease(tableAssessments, csvTexts, provisionalPii.hits.length);
    const assessmentText = assessmentMarkdown(version, wp29, risk, provisionalPii, protection);
    writeFileSync(path.join(partial, "anonymisation-assessment.md"), assessmentText);
    addWords(assessmentText);

    opts.tamper?.(partial);

    // Gates.
    const gates: GateResult[] = [];
    gates.push({
      gate: "confidentiality_audit",
      passed: protection.audit.passed && wp29.passed,
      detail: `${protection.audit.intervals.length} confidential figures audited over the whole release, ${protection.audit.exposed.length} exposed; WP29 tests ${wp29.passed ? "pass" : `fail (singling out ${wp29.singlingOut.passed ? "pass" : "fail"}, linkability ${wp29.linkability.passed ? "pass" : "fail"}, inference ${wp29.inference.passed ? "pass" : `fail: largest top share ${wp29.inference.largestTopSharePercent} %, ${wp29.inference.homogeneousCells} homogeneous cells`})`}`,
    });
    // The red team: a separate code path (lib/opendata/attack) reads only the files written and
    // the previous release still online, attacks them, and the true data judges what it found.
    const attack = judgeFindings(
      await attackRelease({ releaseDir: partial, previousReleaseDir: withdrawing || !check.previous || check.previous.version === version ? undefined : check.previous.dir }),
      truthOracle(prepared, protection),
    );
    gates.push({
      gate: "attacker",
      passed: attack.passed,
      detail: attack.passed
        ? `${attack.counts.cells} confidential cells, ${attack.counts.complements} complements, ${attack.counts.revisions} revisions, ${attack.counts.attributes} single-child totals attacked; none recovered`
        : attack.failures.slice(0, 3).map((f) => `${f.rule}: ${f.subject}`).join("; "),
    });
    const written = JSON.parse(readFileSync(path.join(partial, "datapackage.json"), "utf8"));
    const problems: PackageProblem[] = checkPackage(partial, written);
    gates.push({ gate: "schema", passed: problems.length === 0, detail: problems.length === 0 ? `${written.resources.length} resources match their schema` : problems.slice(0, 3).map((p) => `${p.resource}: ${p.message}`).join("; ") });
    if (existsSync(path.join(profilesDir, "datapackage.json"))) {
      const profileProblems = validateProfile(written, profilesDir);
      gates.push({ gate: "datapackage_profile", passed: profileProblems.length === 0, detail: profileProblems.length === 0 ? "valid against Data Package v2 (ajv)" : profileProblems.slice(0, 3).map((p) => p.message).join("; ") });
    } else {
      log(`opendata: ${profilesDir} absent, Data Package profile validation skipped (the tests run it)`);
    }
    const cleanManifest = path.join(cleanDir, "manifest.json");
    const sourceTotals = existsSync(cleanManifest) ? ((JSON.parse(readFileSync(cleanManifest, "utf8")) as { sourceTotals?: SourceTotals }).sourceTotals ?? null) : null;
    gates.push(await reconcile(conn, partial, prepared, protection, sourceTotals));
    const inputs = await Promise.all(listFiles(partial).map((f) => scanInputFor(conn, path.join(partial, f), f, stringColumns)));
    const pii = await scanKnownValuesIn(conn, known, inputs, vocabulary);
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
    if (withdrawing) {
      rmSync(withdrawing.dir, { recursive: true, force: true });
      log(`opendata: release ${withdrawing.version} withdrawn (taken offline): ${version} revises it`);
    }
    if (reportsDir) {
      mkdirSync(reportsDir, { recursive: true });
      writeFileSync(path.join(reportsDir, "disclosure-audit.md"), disclosureAuditMarkdown(version, protection, datasets, outcome.measurements, comparison));
      writeFileSync(path.join(reportsDir, "anonymisation-assessment.md"), assessmentMarkdown(version, wp29, risk, pii, protection));
      writeFileSync(path.join(reportsDir, "red-team.md"), attackMarkdown(attack));
    }
    log(`opendata: release ${version} is current (${files.length} datasets)`);
    return { version, releaseDir: finalDir, current: true, kept: null, withdrew: withdrawing?.version ?? null, datasets, designs: outcome.measurements, notApplicable, comparison, attack, gates, wp29, risk, files: listFiles(finalDir) };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(spillDir, { recursive: true, force: true });
  }
}

/**
 * Re-identification risk of the customer table: its detail cells (no dimension at a total) are
 * the equivalence classes of the quasi-identifiers it publishes. The sample of a class is its
 * customers; its population is stated (assessment/census.ts): INSEE's legal population of its
 * area (assessment/population.sql, at the design's geography) times the census share of its age
 * band and gender; none for an area abroad or unknown.
 */
async function customerRisk(conn: DuckDBConnection, prepared: readonly Prepared[], protection: ProtectionResult): Promise<RiskReport> {
  const threshold = POLICY.statisticalConfidentiality.frequency.minContributors.person;
  const i = prepared.findIndex((p) => p.ds.quasiIdentifiers !== undefined);
  if (i < 0) return reidentificationRisk([], threshold);
  const p = prepared[i];
  const table = protection.model.tables[i];
  const quasi = p.ds.quasiIdentifiers!;
  const areas = await queryRows<{ geo_code: string; population: bigint | number }>(
    conn,
    renderSql(path.join(__dirname, "assessment", "population.sql"), {
      regions: regionPopulations().map((r) => `(${sqlString(r.code)}, ${r.population})`).join(", "),
      geo_level: sqlString(p.params.geo_level),
      large_countries: await largeCountries(conn, p.params.min_country_customers),
    }),
  );
  const areaPopulation = new Map(areas.map((a) => [a.geo_code, Number(a.population)]));
  const keyOf = (dims: Readonly<Record<string, string>>) => quasi.map((q) => String(dims[q])).join("|");
  const classes: RiskClass[] = [];
  const ids = protection.model.tableCells[i];
  table.cells.forEach((cell, j) => {
    const detail = table.dimensions.every((d) => cell.dims[d.name] !== d.total && !Object.values(d.parent ?? {}).includes(cell.dims[d.name]));
    if (!detail || cell.contributors === 0 || cell.population === "business") return;
    const population = statedPopulation(areaPopulation.get(cell.dims.geo_code), quasi.includes("profile") ? cell.dims.profile : undefined, quasi.includes("gender") ? cell.dims.gender : undefined);
    classes.push({ key: keyOf(cell.dims), sample: cell.contributors, population, published: protection.status[ids[j]] === "published" });
  });
  return reidentificationRisk(classes, threshold, censusSources());
}

/**
 * What the true data says of a cell the attacker pinned (lib/opendata/attack judges with it): its
 * values, and whom it describes. A cell made confidential by the business rules on the units it
 * carries (the carriers behind shipments) answers with those units, so that the judge holds it to
 * the business rules. Complements and revisions have no cell of their own in the release: the
 * oracle does not answer for them, and a pinned one fails the gate.
 */
export function truthOracle(prepared: readonly Prepared[], protection: ProtectionResult): TruthOracle {
  const byKey = new Map<string, OracleAnswer>();
  const minBusiness = POLICY.statisticalConfidentiality.frequency.minContributors.business;
  prepared.forEach((p, t) => {
    const table = protection.model.tables[t];
    const name = p.ds.dataset.replace(/_/g, "-");
    table.cells.forEach((cell) => {
      const key = JSON.stringify(p.ds.primaryKey.map((k) => cell.dims[k]));
      const units = cell.businessUnits;
      const share = (top?: number, total?: number) => (top !== undefined && total !== undefined && total > 0 ? Math.abs(top) / total : 0);
      const unitsRule = units && units.total > 0 && (units.contributors < minBusiness || share(units.topContribution, units.total) * 100 > POLICY.statisticalConfidentiality.dominance.kPercent);
      byKey.set(`${name}\u0001${key}`, {
        values: { ...cell.measures },
        contributors: unitsRule ? units!.contributors : cell.contributors,
        largestShare: unitsRule ? share(units!.topContribution, units!.total) : cell.topShare ?? share(cell.topContribution, cell.absoluteTotal ?? Math.abs(Object.values(cell.measures)[0] ?? 0)),
        population: unitsRule ? "business" : (cell.population ?? table.population),
      });
    });
  });
  return (query) => {
    if (query.kind !== "cell") return undefined;
    const p = prepared.find((x) => x.ds.dataset.replace(/_/g, "-") === query.dataset);
    if (!p) return undefined;
    return byKey.get(`${query.dataset}\u0001${JSON.stringify(p.ds.primaryKey.map((k) => query.key[k]))}`);
  };
}

function emptyWp29(): Wp29Assessment {
  return {
    tables: [],
    singlingOut: { passed: true, smallestGroup: null },
    linkability: { passed: true, identifierLikeColumns: 0, pseudonymShapedValues: 0, piiHits: 0 },
    inference: { passed: true, largestTopSharePercent: null, homogeneousCells: 0 },
    passed: true,
  };
}

/** The version `current.json` names, or null before the first release. */
export function currentRelease(outDir: string): { version: string; path: string } | null {
  const pointer = path.join(outDir, "current.json");
  return existsSync(pointer) ? JSON.parse(readFileSync(pointer, "utf8")) : null;
}

