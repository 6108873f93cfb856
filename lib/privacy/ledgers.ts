/**
 * The two ledgers every load applies, so that an answered request stays answered when the
 * pipeline reruns from the untouched raw export:
 *
 * - the erasure ledger (GDPR Art. 17): one line per erased customer, applied at the split stage
 *   (lib/split/split.ts), the first code that reads the raw export, so no staged file, reject or
 *   later output ever holds the person's values again;
 * - the rectification ledger (Art. 16): one line per corrected field, applied at the cleanse
 *   stage (lib/cleanse/cleanse.ts) before validation, so the warehouse and the marts receive the
 *   corrected value from every later load.
 *
 * Both live in `outputs/privacy/` and hold no personal value in clear (Art. 5(1)(c), 5(1)(f)):
 * - a customer is named by the keyed pseudonym of their customer number, with the pseudonym key
 *   version it was computed under (the re-keying procedure rewrites them, lib/rights/rekey.ts);
 * - a corrected value is stored AES-256-GCM encrypted under that customer's own data key, so that
 *   a later erasure (which shreds the key) also makes every pending correction unreadable.
 *
 * JSON lines, append-only, owner-only (0600), fsynced: a crash never loses an answered request.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { cleanCode } from "../cleanse/rules/codes";
import { keyCheckValue, type KeyStore } from "./keystore";
import { customerPseudonym } from "./pseudonym";
import { decryptField, encryptField } from "./envelope";
import { openCustomerKeyRing, type CustomerKeyRing } from "./keyring";

export const ERASURE_LEDGER_FILE = "erasure-ledger.jsonl";
export const RECTIFICATION_LEDGER_FILE = "rectification-ledger.jsonl";
export const RIGHTS_AUDIT_FILE = "rights-audit.jsonl";
/** Which pseudonym key the ledgers' pseudonyms were computed under, by its check value (assertLedgerKey). */
export const LEDGER_KEY_FILE = "ledger-key.json";
const LEDGER_KEY_FORMAT = "retail-workbook ledger key v1";

/** The sentinel customer number that replaces an erased customer's number at the split stage. */
export const ERASED_CUSTOMER_ID = "ERASED";

/** `outputs/privacy` beside a staging directory (`outputs/staging` -> `outputs/privacy`). */
export function privacyDirFor(stagingDir: string): string {
  return path.join(path.dirname(path.resolve(stagingDir)), "privacy");
}

/** The project's own `outputs/privacy`. */
export function defaultPrivacyDir(): string {
  return path.join(projectRoot(), "outputs", "privacy");
}

/** Why a customer is in the erasure ledger. */
export type ErasureReason = "erasure-request" | "retention";

export interface ErasureEntry {
  seq: number;
  at: string;
  customer_pseudonym: string;
  /** Pseudonym key version `customer_pseudonym` was computed under. */
  key_version: number;
  reason: ErasureReason;
}

/** The customer columns a data subject may have corrected (the personal ones the warehouse keeps). */
export const RECTIFIABLE_COLUMNS = [
  "company_name", "first_name", "last_name", "email", "phone", "birth_date", "gender", "street", "postal_code", "city", "country",
] as const;
export type RectifiableColumn = (typeof RECTIFIABLE_COLUMNS)[number];

export interface RectificationEntry {
  seq: number;
  at: string;
  customer_pseudonym: string;
  key_version: number;
  column: RectifiableColumn;
  /** The corrected value, encrypted under the customer's data key (AAD `rectification:<pseudonym>:<column>`). */
  value_enc: string;
}

/** A ledger line that cannot be trusted: the message names the file and line. */
export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LedgerError";
  }
}

function readLines<T extends { seq: number }>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, "utf8");
  if (text !== "" && !text.endsWith("\n")) throw new LedgerError(`${file}: the last line is incomplete (interrupted write); restore the file from backup`);
  const lines = text === "" ? [] : text.slice(0, -1).split("\n");
  return lines.map((line, i) => {
    try {
      const entry = JSON.parse(line) as T;
      if (entry.seq !== i + 1) throw new Error(`expected seq ${i + 1}, found ${JSON.stringify(entry.seq)}`);
      return entry;
    } catch (err) {
      throw new LedgerError(`${file} line ${i + 1}: ${(err as Error).message}`);
    }
  });
}

function appendLine(file: string, entry: object): void {
  appendLines(file, [entry]);
}

/** Appends entries, one JSON line each, in one write and one fsync. */
function appendLines(file: string, entries: readonly object[]): void {
  if (entries.length === 0) return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, "a", 0o600);
  try {
    fs.writeSync(fd, entries.map((e) => JSON.stringify(e) + "\n").join(""));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(file, 0o600);
}

function rewrite(file: string, entries: object[]): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, entries.map((e) => JSON.stringify(e) + "\n").join(""), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

// ------------------------------------------------------------------------- the ledgers' key

/**
 * The ledgers hold pseudonyms, HMACs of customer numbers under the pseudonym key: read with
 * another key store (a new or lost WORKBOOK_KEY_DIR, a .keys generated afresh), whose key of the
 * same version is another key, no erased customer was recognised and every one came back at the
 * next load, silently (the version check below cannot see it: both keys are v1). The key each
 * ledger entry was written under is recorded by its check value beside the ledgers, and every
 * reader and writer of the ledgers compares it with the key store's. Ledgers from before the
 * record have none to compare: the next entry records it.
 */
export function assertLedgerKey(privacyDir: string, keyStore: KeyStore): void {
  const file = path.join(privacyDir, LEDGER_KEY_FILE);
  if (!fs.existsSync(file)) return;
  let bound: { format?: string; pseudonym?: { version?: number; checkValue?: string } };
  try {
    bound = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new LedgerError(`${file}: not valid JSON. Restore it from backup with the ledgers`);
  }
  const version = bound.pseudonym?.version;
  if (bound.format !== LEDGER_KEY_FORMAT || !Number.isInteger(version) || typeof bound.pseudonym?.checkValue !== "string") {
    throw new LedgerError(`${file}: expected {"format": "${LEDGER_KEY_FORMAT}", "pseudonym": {"version": N, "checkValue": "<hex>"}}. Restore it from backup with the ledgers`);
  }
  const another =
    `the erasure and rectification ledgers in ${privacyDir} were written under pseudonym key v${version} of another key store than ${keyStore.dir}: ` +
    `with this one no erased customer would be recognised, and every one would come back. ` +
    `Fix: set WORKBOOK_KEY_DIR to the key directory that wrote them (a new or regenerated one cannot read them); nothing was changed`;
  let key: Buffer;
  try {
    key = keyStore.pseudonymKey(version).key;
  } catch {
    throw new LedgerError(another);
  }
  const matches = keyCheckValue(key) === bound.pseudonym.checkValue;
  key.fill(0);
  if (!matches) throw new LedgerError(another);
}

/** Records the pseudonym key `version` of `keyStore` as the ledgers' key. */
function bindLedgerKey(privacyDir: string, keyStore: KeyStore, version: number): void {
  const key = keyStore.pseudonymKey(version).key;
  const record = { format: LEDGER_KEY_FORMAT, pseudonym: { version, checkValue: keyCheckValue(key) } };
  key.fill(0);
  rewrite(path.join(privacyDir, LEDGER_KEY_FILE), [record]);
}

// ------------------------------------------------------------------------------ erasure ledger

export function readErasures(privacyDir: string): ErasureEntry[] {
  return readLines<ErasureEntry>(path.join(privacyDir, ERASURE_LEDGER_FILE));
}

/** Records an erasure (idempotent: an already erased pseudonym is not added twice); returns the entry. */
export function recordErasure(privacyDir: string, keyStore: KeyStore, pseudonym: string, reason: ErasureReason, at = new Date().toISOString()): ErasureEntry {
  return recordErasures(privacyDir, keyStore, [pseudonym], reason, at)[0];
}

/**
 * Records the erasure of several customers at once (a retention run may erase tens of thousands):
 * the ledger is read once and the new entries appended in one write and one fsync, where one
 * `recordErasure` per customer read the whole ledger again and synced the disk each time.
 * Idempotent as recordErasure; returns each pseudonym's entry, in the order given.
 */
export function recordErasures(privacyDir: string, keyStore: KeyStore, pseudonyms: readonly string[], reason: ErasureReason, at = new Date().toISOString()): ErasureEntry[] {
  assertLedgerKey(privacyDir, keyStore);
  const entries = readErasures(privacyDir);
  const version = keyStore.currentVersion("pseudonym");
  const recorded = new Map(entries.filter((e) => e.key_version === version).map((e) => [e.customer_pseudonym, e]));
  const added: ErasureEntry[] = [];
  const out = pseudonyms.map((pseudonym) => {
    let entry = recorded.get(pseudonym);
    if (!entry) {
      entry = { seq: entries.length + added.length + 1, at, customer_pseudonym: pseudonym, key_version: version, reason };
      added.push(entry);
      recorded.set(pseudonym, entry);
    }
    return entry;
  });
  appendLines(path.join(privacyDir, ERASURE_LEDGER_FILE), added);
  if (added.length > 0) bindLedgerKey(privacyDir, keyStore, version);
  return out;
}

/**
 * The erased pseudonyms under the current pseudonym key. An entry under another version means a
 * rotation was not followed by the re-keying procedure: applying it would silently let the
 * person back in, so it stops the load instead.
 */
export function erasedPseudonyms(privacyDir: string, keyStore: KeyStore): Set<string> {
  assertLedgerKey(privacyDir, keyStore);
  const current = keyStore.currentVersion("pseudonym");
  const out = new Set<string>();
  for (const e of readErasures(privacyDir)) {
    if (e.key_version !== current) {
      throw new LedgerError(
        `${path.join(privacyDir, ERASURE_LEDGER_FILE)} line ${e.seq}: pseudonym computed under key v${e.key_version}, current is v${current}. ` +
          `Run the re-keying procedure (rekeyPrivacyLedgers, lib/rights/rekey.ts) before loading, or erased customers would come back.`,
      );
    }
    out.add(e.customer_pseudonym);
  }
  return out;
}

/** The customer number as the cleansing stage will have it (lib/cleanse/rules/codes.ts), or null. */
export function normaliseCustomerId(raw: string | null): string | null {
  if (raw === null) return null;
  const cleaned = cleanCode(raw);
  return cleaned.value ?? null;
}

/**
 * For the split stage: given the distinct raw customer numbers of the export (as typed, possibly
 * noisy), returns the ones whose customer is in the erasure ledger. The key store is only opened
 * when the ledger has entries, so a project with no erasure needs no key at split time.
 */
export function erasedCustomerMatcher(privacyDir: string, keyStore: () => KeyStore): (rawCustomerIds: string[]) => Set<string> {
  return (rawCustomerIds) => {
    const hits = new Set<string>();
    if (readErasures(privacyDir).length === 0) return hits;
    const store = keyStore();
    const erased = erasedPseudonyms(privacyDir, store);
    for (const raw of rawCustomerIds) {
      const id = normaliseCustomerId(raw);
      if (id !== null && id !== ERASED_CUSTOMER_ID && erased.has(customerPseudonym(store, id))) hits.add(raw);
    }
    return hits;
  };
}

// ------------------------------------------------------------------------ rectification ledger

export function rectificationAad(pseudonym: string, column: string): string {
  return `rectification:${pseudonym}:${column}`;
}

export function readRectifications(privacyDir: string): RectificationEntry[] {
  return readLines<RectificationEntry>(path.join(privacyDir, RECTIFICATION_LEDGER_FILE));
}

export function recordRectification(
  privacyDir: string,
  keyStore: KeyStore,
  ring: CustomerKeyRing,
  pseudonym: string,
  column: RectifiableColumn,
  value: string,
  at = new Date().toISOString(),
): RectificationEntry {
  if (!(RECTIFIABLE_COLUMNS as readonly string[]).includes(column)) {
    throw new LedgerError(`cannot rectify ${JSON.stringify(column)}: rectifiable columns are ${RECTIFIABLE_COLUMNS.join(", ")}`);
  }
  assertLedgerKey(privacyDir, keyStore);
  const dataKey = ring.get(pseudonym);
  if (!dataKey) throw new LedgerError(`customer ${pseudonym} has no data key (unknown or erased): nothing to rectify`);
  const entries = readRectifications(privacyDir);
  const entry: RectificationEntry = {
    seq: entries.length + 1,
    at,
    customer_pseudonym: pseudonym,
    key_version: keyStore.currentVersion("pseudonym"),
    column,
    value_enc: encryptField(dataKey, value, rectificationAad(pseudonym, column))!,
  };
  dataKey.fill(0);
  appendLine(path.join(privacyDir, RECTIFICATION_LEDGER_FILE), entry);
  bindLedgerKey(privacyDir, keyStore, entry.key_version);
  return entry;
}

export interface RawRectification {
  /** The customer number exactly as staged (raw, possibly noisy). */
  rawCustomerId: string;
  column: RectifiableColumn;
  value: string;
}

/**
 * For the cleanse stage: the corrections that apply to the given raw customer numbers, decrypted,
 * the latest per (customer, column). A correction whose data key was shredded is unreadable by
 * design and skipped (the customer is erased anyway).
 */
export function rectificationSource(privacyDir: string, keyStore: () => KeyStore): (rawCustomerIds: string[]) => RawRectification[] {
  return (rawCustomerIds) => {
    const entries = readRectifications(privacyDir);
    if (entries.length === 0) return [];
    const store = keyStore();
    assertLedgerKey(privacyDir, store);
    const current = store.currentVersion("pseudonym");
    const latest = new Map<string, RectificationEntry>();
    for (const e of entries) {
      if (e.key_version !== current) {
        throw new LedgerError(
          `${path.join(privacyDir, RECTIFICATION_LEDGER_FILE)} line ${e.seq}: pseudonym computed under key v${e.key_version}, current is v${current}. Run the re-keying procedure (lib/rights/rekey.ts) first.`,
        );
      }
      latest.set(`${e.customer_pseudonym}\u0000${e.column}`, e);
    }
    const ring = openCustomerKeyRing(store);
    const byPseudonym = new Map<string, string[]>();
    for (const raw of rawCustomerIds) {
      const id = normaliseCustomerId(raw);
      if (id === null || id === ERASED_CUSTOMER_ID) continue;
      const p = customerPseudonym(store, id);
      if (!byPseudonym.has(p)) byPseudonym.set(p, []);
      byPseudonym.get(p)!.push(raw);
    }
    const out: RawRectification[] = [];
    for (const e of [...latest.values()].sort((a, b) => a.seq - b.seq)) {
      const raws = byPseudonym.get(e.customer_pseudonym);
      if (!raws) continue;
      const key = ring.get(e.customer_pseudonym);
      if (!key) continue; // shredded: the correction is erased with the person
      const value = decryptField(key, e.value_enc, rectificationAad(e.customer_pseudonym, e.column));
      key.fill(0);
      if (value === null) continue;
      for (const rawCustomerId of raws) out.push({ rawCustomerId, column: e.column, value });
    }
    return out;
  };
}

/** Rewrites both ledgers through a re-keying map (old pseudonym -> new); see lib/rights/rekey.ts. */
export function rewriteLedgers(
  privacyDir: string,
  keyStore: KeyStore,
  mapping: Map<string, string>,
  toVersion: number,
  reencrypt: (oldPseudonym: string, newPseudonym: string, column: string, valueEnc: string) => string,
): { erasures: number; rectifications: number; unresolved: number } {
  let unresolved = 0;
  const erasures = readErasures(privacyDir).map((e) => {
    const renamed = mapping.get(e.customer_pseudonym);
    if (renamed === undefined) {
      unresolved++;
      return e;
    }
    return { ...e, customer_pseudonym: renamed, key_version: toVersion };
  });
  const rectifications = readRectifications(privacyDir).flatMap((e) => {
    const renamed = mapping.get(e.customer_pseudonym);
    if (renamed === undefined) return []; // customer gone (erased): the correction is moot
    return [{ ...e, customer_pseudonym: renamed, key_version: toVersion, value_enc: reencrypt(e.customer_pseudonym, renamed, e.column, e.value_enc) }];
  });
  if (fs.existsSync(path.join(privacyDir, ERASURE_LEDGER_FILE))) rewrite(path.join(privacyDir, ERASURE_LEDGER_FILE), erasures);
  if (fs.existsSync(path.join(privacyDir, RECTIFICATION_LEDGER_FILE))) {
    rewrite(path.join(privacyDir, RECTIFICATION_LEDGER_FILE), rectifications.map((e, i) => ({ ...e, seq: i + 1 })));
  }
  if (erasures.length + rectifications.length > 0) bindLedgerKey(privacyDir, keyStore, toVersion);
  return { erasures: erasures.length, rectifications: rectifications.length, unresolved };
}
