/**
 * The release gate's personal-data scan, applied to the built site: every byte of every page,
 * asset and data file is searched for the personal values the warehouse holds (names, emails,
 * phones, streets, birth dates, customer ids, pseudonyms; lib/opendata/gates/piiScan.ts, whose
 * functions are reused as they are), with the same public vocabulary the gate allows (région,
 * département and country names, the tables' own labels, the words of the release's documents).
 *
 * The known values come from the cleansed staging and core, as for the release gate. `npm start`
 * ends by purging the staged personal files (GDPR Art. 5(1)(e)); after it the list cannot be
 * built and `warehouseSources` says why, instead of scanning against nothing.
 *
 * What the site adds is scanned: its pages, assets, data files and generated vendor files. The
 * third-party files it copies verbatim from node_modules (vega, DuckDB-Wasm, Arrow: 35 MB, most
 * of it one wasm binary) are not searched, they are proven to be those copies instead (same
 * sha256 as the installed package's file): they cannot hold a value from the warehouse, while a
 * byte search of them only finds coincidences (a contributor's first name in a licence, a date
 * string in the engine) and costs ten seconds. A vendor file that differs from its source is
 * scanned like any other file.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { loadKnownValues, publicVocabulary, readKnownValues, scanInputFor, scanKnownValuesIn, type KnownValue, type PiiScanResult, type ScanInput } from "../opendata/gates/piiScan";
import { openCoreForReading } from "../privacy/coreEncryption";
import type { KeyStore } from "../privacy/keystore";
import type { PortalRelease } from "./release";
import { vendorFiles } from "./vendor";

export type WarehouseSources = { available: true; corePath: string; cleanDir: string } | { available: false; reason: string };

/** Where the known personal values come from, or why they cannot be read on this machine now. */
export function warehouseSources(root: string = projectRoot()): WarehouseSources {
  const corePath = path.join(root, "outputs", "warehouse", "core.duckdb");
  const cleanDir = path.join(root, "outputs", "staging", "clean");
  if (!existsSync(corePath)) return { available: false, reason: `${path.relative(root, corePath)} is absent: build the warehouse first (npm start)` };
  // The placeholders of the marts' list of known values name the cleansed files it reads.
  const listSql = readFileSync(path.join(root, "lib", "marts", "piiKnownValues.sql"), "utf8");
  const needed = [...new Set([...listSql.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).filter((n) => n !== "departements" && n !== "regions"))].map((n) => `${n}.parquet`);
  const missing = needed.filter((f) => !existsSync(path.join(cleanDir, f)));
  if (missing.length > 0) {
    return {
      available: false,
      reason: `${path.relative(root, cleanDir)} lacks ${missing.join(", ")}: npm start purges the staged personal files at its end (GDPR Art. 5(1)(e)); to scan, run the stages without the purge: npm start -- split && npm start -- cleanse && npm start -- warehouse && npm start -- marts`,
    };
  }
  return { available: true, corePath, cleanDir };
}

/** Where the scan reads the known personal values: a warehouse's core and the cleansed staging it was built from. */
export interface KnownValueSource {
  corePath: string;
  cleanDir: string;
  keyStore?: KeyStore;
}

/**
 * The release gate's list of known values (marts list + core pseudonyms + customer ids), in Node:
 * for a test that plants one of them, and the benchmark of the automata. The scan itself
 * (`scanSite`) keeps the list in the engine.
 */
export async function readWarehouseKnownValues(corePath: string, cleanDir: string, keyStore?: KeyStore): Promise<KnownValue[]> {
  const core = await openCoreForReading(corePath, { keyStore });
  try {
    return await readKnownValues(core.connection, cleanDir);
  } finally {
    core.close();
  }
}

/** The public words the release gate allowed in this release (a one-word known value equal to one of them is not searched). */
export function siteVocabulary(release: PortalRelease, releaseDir: string): Set<string> {
  const labels = release.datasets.flatMap((ds) => {
    const columns = ds.fields.map((f, i) => (f.type === "string" ? i : -1)).filter((i) => i >= 0);
    return ds.rows.flatMap((row) => columns.map((i) => row[i]));
  });
  const documents = ["README.md", "LICENCE.md", "datapackage.json", "csv-metadata.json", "catalogue.jsonld", "anonymisation-assessment.md"]
    .filter((f) => existsSync(path.join(releaseDir, f)))
    .map((f) => readFileSync(path.join(releaseDir, f), "utf8"));
  return publicVocabulary(labels, documents);
}

function walk(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? walk(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

export interface SiteScanResult extends PiiScanResult {
  /** Files left out of the byte search because they are byte-identical to their node_modules source. */
  verbatimCopies: string[];
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/**
 * The site searched for the warehouse's personal values, as the release gate searches the release
 * (lib/opendata/gates/piiScan.ts `loadKnownValues` + `scanKnownValuesIn`): the list stays in the
 * engine and only the values whose longest word occurs in the site reach the automaton, so the
 * scan costs the site's bytes plus one pass over the list (millions of values at ten million sale
 * lines), not the list read into Node. The counts of known values are the whole list's.
 */
export async function scanSite(siteDir: string, release: PortalRelease, source: KnownValueSource, vocabulary: ReadonlySet<string>): Promise<SiteScanResult> {
  const stringColumns = new Set(release.datasets.flatMap((d) => d.fields.filter((f) => f.type === "string").map((f) => f.name)));
  const verbatim = new Set(vendorFiles().filter((v) => existsSync(path.join(siteDir, v.site)) && sha256(path.join(siteDir, v.site)) === sha256(v.source)).map((v) => v.site));
  const core = await openCoreForReading(source.corePath, { keyStore: source.keyStore });
  try {
    const known = await loadKnownValues(core.connection, source.cleanDir);
    const inputs: ScanInput[] = [];
    for (const rel of walk(siteDir)) if (!verbatim.has(rel)) inputs.push(await scanInputFor(core.connection, path.join(siteDir, rel), rel, stringColumns));
    return { ...(await scanKnownValuesIn(core.connection, known, inputs, vocabulary)), verbatimCopies: [...verbatim].sort() };
  } finally {
    core.close();
  }
}
