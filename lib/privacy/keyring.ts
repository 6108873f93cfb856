/**
 * The customer key ring: one random data key per customer pseudonym, stored only wrapped under
 * the master key, in `<key directory>/customer-keys.jsonl` (never under outputs/, never in git,
 * and not in the warehouse either: a copy there would survive the shredding of this one).
 *
 * Why this gives crypto-shredding (erasure under GDPR Art. 17 for data that cannot be rewritten:
 * old Parquet partitions, backups, copies already exported):
 * - each data key is random, not derived. A key derived as HKDF(master, pseudonym) could be
 *   recomputed by anyone holding the master key, so "deleting" it would erase nothing;
 * - the data key exists only here (wrapped) and in the process memory of a build. `shred` removes
 *   it and rewrites the file atomically, so after it returns no live copy of the key remains,
 *   and the master key alone cannot regenerate it: every copy of that customer's ciphertext,
 *   wherever it lies, is unreadable noise (EDPB Guidelines 01/2025 and ENISA 2019 on destroying
 *   the secret; Art. 32(1)(a) encryption).
 * - Older copies of this file (backups, filesystem remnants of the replaced inode) still hold the
 *   wrapped key. They are closed by the master rotation procedure: after erasures,
 *   `keyStore.rotate("master")`, `ring.rewrapAll()`, and destroy the old master key version once the
 *   key backups that contain it have expired. From then on an old key-ring copy opens nothing.
 *   The erasure ledger must state this delay (Art. 17 "without undue delay"; Art. 12(3) one month).
 *
 * A shredded customer must stay shredded: a rebuild from an export that still contains them
 * would call `getOrCreate` and mint a fresh key for new ciphertext. The warehouse consults the
 * erasure ledger before creating keys; `get` exists for readers that must never create one.
 *
 * One writer at a time (the warehouse build): the file is rewritten whole on `save`, so two
 * concurrent writers would lose each other's new keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as crypto from "node:crypto";
import * as util from "node:util";
import type { KeyStore } from "./keystore";
import { masterVersionOf, newDataKey, unwrapDataKey, wrapDataKeyDeterministic, wrapDataKeyDeterministicParts } from "./envelope";
import { WrappedKeyTable } from "./wrappedKeyTable";

export const CUSTOMER_KEY_RING_FILE = "customer-keys.jsonl";

/** Lines of the key ring written at a time by `save` (a few MiB). */
const SAVE_BLOCK_LINES = 20_000;

export interface CustomerKeyRing {
  /** Absolute path of the key ring file. */
  readonly path: string;
  /** Number of customers with a live data key. */
  readonly size: number;
  has(pseudonym: string): boolean;
  /** The customer's data key; creates, wraps and records one if absent (call `save()` before any ciphertext made with it is written). */
  getOrCreate(pseudonym: string): Buffer;
  /** The customer's data key, or undefined if none (never shredded customers return undefined too, so readers cannot mint keys). */
  get(pseudonym: string): Buffer | undefined;
  /** The wrapped form of the customer's key, as the file stores it. */
  wrappedKey(pseudonym: string): string | undefined;
  /** Destroys the customer's data key and persists at once; true if there was one. */
  shred(pseudonym: string): boolean;
  /** Destroys the data keys of several customers and persists once (the file is rewritten whole on every save); returns how many there were. */
  shredAll(pseudonyms: Iterable<string>): number;
  /** Writes the ring atomically (temp file, fsync, rename); same entries and master version give the same bytes. */
  save(): void;
  /** Re-wraps every entry under the current master key (after a master rotation); returns how many changed; saves. */
  rewrapAll(): number;
  /** Applies a pseudonym re-keying map (old -> new, from `rekeyPseudonyms`); data keys are kept; saves. */
  renamePseudonyms(mapping: Map<string, string>): void;
  /** The pseudonyms with a live key, sorted. */
  pseudonyms(): string[];
}

interface RingLine {
  customer_pseudonym: string;
  wrapped_key: string;
}

function checkPseudonym(pseudonym: unknown): asserts pseudonym is string {
  if (typeof pseudonym !== "string" || pseudonym.length === 0) throw new TypeError(`customer pseudonym must be a non-empty string`);
}

function fsyncDirectory(dir: string): void {
  // The rename is only durable once the directory entry is; without this a crash after `shred`
  // could bring the shredded key back. Not supported on every platform: best effort.
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* directories cannot be opened for fsync on Windows */
  }
}

function readRing(file: string): WrappedKeyTable {
  const entries = new WrappedKeyTable();
  if (!fs.existsSync(file)) return entries;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((text, i) => {
    const where = `${file} line ${i + 1}`;
    let row: Partial<RingLine>;
    try {
      row = JSON.parse(text);
    } catch {
      throw new Error(`${where}: not valid JSON; expected {"customer_pseudonym": ..., "wrapped_key": "mk<N>:..."}. Restore the key ring from backup.`);
    }
    if (typeof row.customer_pseudonym !== "string" || row.customer_pseudonym === "") throw new Error(`${where}: customer_pseudonym missing or empty`);
    if (typeof row.wrapped_key !== "string") throw new Error(`${where}: wrapped_key missing`);
    try {
      masterVersionOf(row.wrapped_key);
    } catch (err) {
      throw new Error(`${where}: wrapped_key for ${row.customer_pseudonym}: ${(err as Error).message}`);
    }
    if (entries.has(row.customer_pseudonym)) throw new Error(`${where}: customer_pseudonym ${row.customer_pseudonym} appears twice`);
    entries.set(row.customer_pseudonym, row.wrapped_key);
  });
  return entries;
}

class FileCustomerKeyRing implements CustomerKeyRing {
  readonly path: string;
  #keyStore: KeyStore;
  /** Pseudonym -> wrapped key, compact (wrappedKeyTable.ts): one per customer for a whole build. */
  #wrapped: WrappedKeyTable;

  constructor(keyStore: KeyStore, file: string) {
    this.path = file;
    this.#keyStore = keyStore;
    this.#wrapped = readRing(file);
  }

  get size(): number {
    return this.#wrapped.size;
  }

  has(pseudonym: string): boolean {
    return this.#wrapped.has(pseudonym);
  }

  get(pseudonym: string): Buffer | undefined {
    checkPseudonym(pseudonym);
    const wrapped = this.#wrapped.get(pseudonym);
    // Unwrapped on every call, never cached: a build asks once per customer, and a cache would
    // hold every customer's key in clear for the whole build (at 5 M rows, some 1.2 million keys).
    return wrapped === undefined ? undefined : unwrapDataKey(this.#keyStore, wrapped);
  }

  getOrCreate(pseudonym: string): Buffer {
    const existing = this.get(pseudonym);
    if (existing) return existing;
    const key = newDataKey();
    this.#wrapped.setParts(pseudonym, wrapDataKeyDeterministicParts(this.#keyStore, key, pseudonym));
    return key;
  }

  wrappedKey(pseudonym: string): string | undefined {
    return this.#wrapped.get(pseudonym);
  }

  shred(pseudonym: string): boolean {
    return this.shredAll([pseudonym]) === 1;
  }

  shredAll(pseudonyms: Iterable<string>): number {
    let shredded = 0;
    for (const pseudonym of pseudonyms) {
      checkPseudonym(pseudonym);
      if (!this.#wrapped.has(pseudonym)) continue;
      this.#wrapped.delete(pseudonym);
      shredded++;
    }
    if (shredded > 0) this.save();
    return shredded;
  }

  pseudonyms(): string[] {
    return [...this.#wrapped.keys()].sort();
  }

  save(): void {
    // Sorted, one customer per line, fixed key order: the same ring always has the same bytes,
    // and a diff of two key-ring versions shows exactly which customers were added or shredded.
    // Written by blocks of lines: the whole file as one string (and its UTF-8 copy) would add
    // hundreds of MiB to the build's peak memory at millions of customers.
    const dir = path.dirname(this.path);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
    const fd = fs.openSync(tmp, "wx", 0o600);
    try {
      const pseudonyms = this.pseudonyms();
      for (let start = 0; start < pseudonyms.length; start += SAVE_BLOCK_LINES) {
        let block = "";
        // {"customer_pseudonym": ..., "wrapped_key": ...} (RingLine), one JSON object per line.
        for (const p of pseudonyms.slice(start, start + SAVE_BLOCK_LINES)) block += this.#wrapped.jsonLine(p)!;
        fs.writeSync(fd, block);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.path);
    fsyncDirectory(dir);
  }

  rewrapAll(): number {
    const current = this.#keyStore.currentVersion("master");
    let changed = 0;
    for (const p of this.pseudonyms()) {
      const wrapped = this.#wrapped.get(p)!;
      if (masterVersionOf(wrapped) === current) continue;
      const key = unwrapDataKey(this.#keyStore, wrapped);
      this.#wrapped.set(p, wrapDataKeyDeterministic(this.#keyStore, key, p));
      key.fill(0);
      changed++;
    }
    this.save();
    return changed;
  }

  renamePseudonyms(mapping: Map<string, string>): void {
    const next = new WrappedKeyTable();
    for (const p of this.pseudonyms()) {
      const renamed = mapping.get(p);
      if (renamed === undefined) throw new Error(`${this.path}: re-keying map has no new pseudonym for ${p}; refusing a partial re-keying`);
      if (next.has(renamed)) throw new Error(`${this.path}: re-keying map sends two pseudonyms to ${renamed}`);
      const key = unwrapDataKey(this.#keyStore, this.#wrapped.get(p)!);
      // Re-wrapped because the deterministic wrapping IV is derived from the pseudonym.
      next.set(renamed, wrapDataKeyDeterministic(this.#keyStore, key, renamed));
      key.fill(0);
    }
    this.#wrapped = next;
    this.save();
  }

  // The key store and the wrapped keys must not leak through logs or notebook output.
  toString(): string {
    return `CustomerKeyRing(${this.path}; ${this.size} customers)`;
  }

  toJSON(): Record<string, unknown> {
    return { path: this.path, customers: this.size };
  }

  [util.inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Opens (or starts, if the file does not exist yet) the customer key ring. `ringPath` defaults
 * to `customer-keys.jsonl` in the key store's own directory, i.e. `<keyDirectory()>/customer-keys.jsonl`
 * for the default store, so that a test store in a temp directory never touches the real one.
 */
export function openCustomerKeyRing(keyStore: KeyStore, ringPath?: string): CustomerKeyRing {
  return new FileCustomerKeyRing(keyStore, path.resolve(ringPath ?? path.join(keyStore.dir, CUSTOMER_KEY_RING_FILE)));
}
