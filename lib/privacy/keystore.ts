/**
 * The key store: two families of versioned 256-bit secrets, kept apart from the data they
 * protect. GDPR Art. 4(5) only calls data pseudonymised when "the additional information is kept
 * separately and is subject to technical and organisational measures"; EDPB Guidelines 01/2025
 * (pseudonymisation) name that additional information the "pseudonymisation secret". Art. 32(1)(a)
 * asks for pseudonymisation and encryption, and Art. 32(1)(c) for the ability to restore, which
 * is why losing a key is a loud error here and never a silent regeneration.
 *
 * - `pseudonym` key: the HMAC key behind `customerPseudonym` (lib/privacy/pseudonym.ts). Whoever
 *   holds it can recompute pseudonyms from customer ids, so it never leaves this directory.
 * - `master` key: the key-encryption key that wraps each customer's random data key
 *   (lib/privacy/envelope.ts, lib/privacy/keyring.ts). It never encrypts personal data itself.
 *
 * On disk (`keyDirectory()`, mode 0700, git-ignored):
 *   keystore.json        manifest: current version of each kind and, per version, the file name
 *                        and a SHA-256 check value, so a truncated, flipped or swapped key file
 *                        is detected before it silently produces wrong pseudonyms or garbage
 *                        ciphertexts (ENISA, "Pseudonymisation techniques and best practices",
 *                        2019, on secret management). The check value is a domain-separated hash
 *                        of a 256-bit random key: it identifies the key but cannot be inverted.
 *   pseudonym.v<N>.key   64 hex characters and a newline, mode 0600
 *   master.v<N>.key      same
 *   customer-keys.jsonl  the wrapped per-customer data keys (lib/privacy/keyring.ts)
 *
 * Rotation adds a version and keeps the old ones: pseudonyms must be re-keyed
 * (`rekeyPseudonyms`) and wrapped data keys re-wrapped (`rewrapDataKey`) before an old version
 * may be destroyed, otherwise everything keyed by it is orphaned.
 *
 * Mapping onto a real KMS (what to change for production):
 * - AWS KMS / GCP Cloud KMS / HashiCorp Vault transit hold the master key; it never leaves the
 *   KMS. `wrapDataKey`/`unwrapDataKey` become `Encrypt`/`Decrypt` (AWS: `GenerateDataKey` returns
 *   a fresh data key and its wrapped form in one call; GCP: `encrypt`/`decrypt` on a CryptoKey;
 *   Vault: `transit/encrypt`, `transit/decrypt`, `transit/datakey`). The wrapped string already
 *   names its key version (`mk<N>:`), as Vault's `vault:v<N>:` prefix does.
 * - The pseudonym key becomes an HMAC key inside the KMS (AWS KMS `GenerateMac` with an
 *   HMAC_256 key, GCP `macSign`, Vault `transit/hmac`), so the process computing pseudonyms never
 *   sees the secret either; access to the MAC operation is itself logged by the KMS.
 * - `rotate` becomes "create a new key version" (AWS: new key + alias switch for HMAC keys,
 *   GCP: new CryptoKeyVersion, Vault: `transit/keys/<name>/rotate`); decryption of old versions
 *   keeps working until the old version is disabled, exactly as here.
 * - The local files, their modes and the check values are then replaced by the KMS's IAM policy,
 *   audit trail and key-version states.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as util from "node:util";

export type KeyKind = "pseudonym" | "master";

export interface KeyStore {
  /** Absolute path of the key directory. */
  dir: string;
  pseudonymKey(version?: number): { version: number; key: Buffer };
  masterKey(version?: number): { version: number; key: Buffer };
  currentVersion(kind: KeyKind): number;
  /** Creates the next version of `kind`, makes it current, keeps the old ones; returns the new version. */
  rotate(kind: KeyKind): number;
}

export interface OpenKeyStoreOptions {
  /** Defaults to `keyDirectory()`. */
  dir?: string;
  /** Create the directory and fresh keys when it is absent or empty (default true). */
  createIfMissing?: boolean;
  /** Where the one-time creation notice and permission warnings go (default: console.warn). */
  log?: (msg: string) => void;
}

/** Any problem with the key directory: the message names the file and the fix. */
export class KeyStoreError extends Error {
  readonly file: string;
  constructor(message: string, file: string) {
    super(message);
    this.name = "KeyStoreError";
    this.file = file;
  }
}

const KINDS: readonly KeyKind[] = ["pseudonym", "master"];
const KEY_BYTES = 32; // 256-bit keys: AES-256 and HMAC-SHA-256 at full strength (ENISA 2019)
const MANIFEST = "keystore.json";
const MANIFEST_FORMAT = "retail-workbook keystore v1";
const CREATION_LOCK = ".creating.lock";

interface KeyEntry {
  version: number;
  file: string;
  checkValue: string;
  createdAt: string;
}

interface Manifest {
  format: string;
  current: Record<KeyKind, number>;
  keys: Record<KeyKind, KeyEntry[]>;
}

let projectRootCache: string | undefined;

/** The directory holding package.json, searched from this module upward. */
function projectRoot(): string {
  if (projectRootCache) return projectRootCache;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return (projectRootCache = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json found above ${__dirname}: cannot locate the project root for .keys/`);
    dir = parent;
  }
}

/** `WORKBOOK_KEY_DIR` if set, else `<project root>/.keys` (git-ignored). */
export function keyDirectory(): string {
  const fromEnv = process.env.WORKBOOK_KEY_DIR;
  if (fromEnv && fromEnv.trim() !== "") return path.resolve(fromEnv);
  return path.join(projectRoot(), ".keys");
}

/** A key's check value (SHA-256 of a label and the key): tells two keys apart without revealing either. */
export function keyCheckValue(key: Buffer): string {
  return checkValue(key);
}

function checkValue(key: Buffer): string {
  return crypto.createHash("sha256").update("retail-workbook key check value v1\0").update(key).digest("hex");
}

function keyFileName(kind: KeyKind, version: number): string {
  return `${kind}.v${version}.key`;
}

function startOverHint(dir: string): string {
  return (
    `Fix: restore it from your key backup. Or, to start over, delete the whole directory ${dir}; ` +
    `that orphans everything keyed by it: the encrypted core becomes unreadable and every customer pseudonym changes.`
  );
}

/** Durable replace: readers see the old or the new file, never half of one (write temp + fsync + rename). */
function writeFileAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  const fd = fs.openSync(tmp, "wx", mode);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, mode); // the process umask may have narrowed or, if odd, the FS ignored `mode`
  fs.renameSync(tmp, file);
}

/** A new key file; `wx` so that an existing key is never overwritten, whatever the caller believed. */
function writeKeyFile(file: string, key: Buffer): void {
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    fs.writeSync(fd, key.toString("hex") + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(file, 0o600);
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const POSIX_MODES = process.platform !== "win32";

class FileKeyStore implements KeyStore {
  readonly dir: string;
  #manifest: Manifest;
  #keys = new Map<string, Buffer>();

  constructor(dir: string, manifest: Manifest, keys: Map<string, Buffer>) {
    this.dir = dir;
    this.#manifest = manifest;
    this.#keys = keys;
  }

  #get(kind: KeyKind, version?: number): { version: number; key: Buffer } {
    const v = version ?? this.#manifest.current[kind];
    const key = this.#keys.get(`${kind}:${v}`);
    if (!key) {
      const known = this.#manifest.keys[kind].map((e) => e.version).join(", ");
      throw new KeyStoreError(
        `no ${kind} key version ${v} in ${path.join(this.dir, MANIFEST)} (known versions: ${known})`,
        path.join(this.dir, MANIFEST),
      );
    }
    // A copy: a caller that zeroes or mutates its buffer must not corrupt the store's key.
    return { version: v, key: Buffer.from(key) };
  }

  pseudonymKey(version?: number) {
    return this.#get("pseudonym", version);
  }

  masterKey(version?: number) {
    return this.#get("master", version);
  }

  currentVersion(kind: KeyKind): number {
    if (!KINDS.includes(kind)) throw new TypeError(`unknown key kind ${String(kind)}; expected "pseudonym" or "master"`);
    return this.#manifest.current[kind];
  }

  rotate(kind: KeyKind): number {
    if (!KINDS.includes(kind)) throw new TypeError(`unknown key kind ${String(kind)}; expected "pseudonym" or "master"`);
    const version = Math.max(...this.#manifest.keys[kind].map((e) => e.version)) + 1;
    const file = keyFileName(kind, version);
    const key = crypto.randomBytes(KEY_BYTES);
    try {
      writeKeyFile(path.join(this.dir, file), key);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") {
        throw new KeyStoreError(
          `cannot rotate the ${kind} key: ${path.join(this.dir, file)} already exists but is not in the manifest ` +
            `(another process rotating at the same time, or a leftover). Reopen the key store and retry; never delete a key file you cannot account for.`,
          path.join(this.dir, file),
        );
      }
      throw err;
    }
    const next: Manifest = JSON.parse(JSON.stringify(this.#manifest));
    next.keys[kind].push({ version, file, checkValue: checkValue(key), createdAt: new Date().toISOString() });
    next.current[kind] = version;
    // The manifest is the commit point: until it is replaced, the new file is an unused extra.
    writeFileAtomic(path.join(this.dir, MANIFEST), JSON.stringify(next, null, 2) + "\n", 0o600);
    this.#manifest = next;
    this.#keys.set(`${kind}:${version}`, key);
    return version;
  }

  // Key material must never reach a log, a notebook output or an error report (Art. 32(1)(b)
  // confidentiality): every string form of the store shows where the keys are, not what they are.
  toString(): string {
    return `KeyStore(${this.dir}; pseudonym v${this.#manifest.current.pseudonym}, master v${this.#manifest.current.master})`;
  }

  toJSON(): Record<string, unknown> {
    return { dir: this.dir, current: { ...this.#manifest.current }, keyMaterial: "[redacted]" };
  }

  [util.inspect.custom](): string {
    return this.toString();
  }
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new KeyStoreError(`key store manifest ${file} is unreadable or not valid JSON (${(err as Error).message}). ${startOverHint(dir)}`, file);
  }
  const m = parsed as Partial<Manifest>;
  const bad = (why: string) => new KeyStoreError(`key store manifest ${file} is malformed: ${why}. ${startOverHint(dir)}`, file);
  if (!m || typeof m !== "object" || m.format !== MANIFEST_FORMAT) throw bad(`expected "format": "${MANIFEST_FORMAT}"`);
  if (!m.current || !m.keys) throw bad(`expected "current" and "keys"`);
  for (const kind of KINDS) {
    const entries = m.keys[kind];
    if (!Array.isArray(entries) || entries.length === 0) throw bad(`no ${kind} keys listed`);
    for (const e of entries) {
      if (!Number.isInteger(e?.version) || e.version < 1) throw bad(`a ${kind} key has no positive integer version`);
      if (e.file !== keyFileName(kind, e.version)) throw bad(`${kind} v${e.version} should be in ${keyFileName(kind, e.version)}, found ${JSON.stringify(e.file)}`);
      if (typeof e.checkValue !== "string" || !/^[0-9a-f]{64}$/.test(e.checkValue)) throw bad(`${kind} v${e.version} has no SHA-256 check value`);
    }
    if (!entries.some((e) => e.version === m.current![kind])) throw bad(`current ${kind} version ${m.current[kind]} is not among the listed keys`);
  }
  return m as Manifest;
}

function readKeyFile(dir: string, kind: KeyKind, entry: KeyEntry): Buffer {
  const file = path.join(dir, entry.file);
  const what = `${kind} key v${entry.version}`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new KeyStoreError(`key file ${file} is missing (${what} is listed in ${path.join(dir, MANIFEST)}). ${startOverHint(dir)}`, file);
  }
  if (POSIX_MODES && (stat.mode & 0o077) !== 0) {
    // Refused, not merely warned about, as ssh refuses an unprotected private key: a key readable
    // by other accounts is no longer "kept separately" (Art. 4(5)).
    throw new KeyStoreError(
      `key file ${file} is accessible by group or others (mode ${(stat.mode & 0o777).toString(8)}). Fix: chmod 600 ${file} (and chmod 700 ${dir}); if other accounts may have read it, rotate the key.`,
      file,
    );
  }
  const text = fs.readFileSync(file, "utf8").replace(/\r?\n$/, "");
  if (!/^[0-9a-fA-F]*$/.test(text)) {
    throw new KeyStoreError(`key file ${file} is corrupt: expected ${KEY_BYTES * 2} hexadecimal characters, found other characters (${what}). ${startOverHint(dir)}`, file);
  }
  if (text.length !== KEY_BYTES * 2) {
    throw new KeyStoreError(
      `key file ${file} is corrupt: wrong length, expected ${KEY_BYTES} bytes (${KEY_BYTES * 2} hex characters), found ${text.length} hex characters (${what}). ${startOverHint(dir)}`,
      file,
    );
  }
  const key = Buffer.from(text, "hex");
  if (!crypto.timingSafeEqual(Buffer.from(checkValue(key), "hex"), Buffer.from(entry.checkValue, "hex"))) {
    throw new KeyStoreError(
      `key file ${file} is corrupt or replaced: its SHA-256 check value does not match the one recorded in ${MANIFEST} (${what}). ${startOverHint(dir)}`,
      file,
    );
  }
  return key;
}

function loadKeyStore(dir: string, log: (msg: string) => void): FileKeyStore {
  if (POSIX_MODES) {
    const mode = fs.statSync(dir).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      log(`warning: key directory ${dir} is accessible by group or others (mode ${mode.toString(8)}); run chmod 700 ${dir}`);
    }
  }
  const manifest = readManifest(dir);
  const keys = new Map<string, Buffer>();
  // Every listed version is checked now, not at first use, so a broken backup is found at the
  // start of a run rather than halfway through writing the warehouse (Art. 32(1)(d) testing).
  for (const kind of KINDS) {
    for (const entry of manifest.keys[kind]) keys.set(`${kind}:${entry.version}`, readKeyFile(dir, kind, entry));
  }
  return new FileKeyStore(dir, manifest, keys);
}

function createKeyStore(dir: string, log: (msg: string) => void): void {
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    current: { pseudonym: 1, master: 1 },
    keys: { pseudonym: [], master: [] },
  };
  const createdAt = new Date().toISOString();
  for (const kind of KINDS) {
    const key = crypto.randomBytes(KEY_BYTES);
    const file = keyFileName(kind, 1);
    writeKeyFile(path.join(dir, file), key);
    manifest.keys[kind].push({ version: 1, file, checkValue: checkValue(key), createdAt });
  }
  writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n", 0o600);
  log(`created new keys in ${dir} (owner-only); back them up: losing the master key makes the encrypted core unreadable`);
}

function visibleEntries(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name !== CREATION_LOCK);
}

/**
 * Opens the key store, creating it only on a fresh machine (directory absent or empty). Once a
 * manifest exists, a missing or corrupt key is an error, never a reason to generate a new one:
 * a silently regenerated key would change every pseudonym and orphan every ciphertext.
 */
export function openKeyStore(opts: OpenKeyStoreOptions = {}): KeyStore {
  const dir = path.resolve(opts.dir ?? keyDirectory());
  const createIfMissing = opts.createIfMissing ?? true;
  const log = opts.log ?? ((msg: string) => console.warn(msg));
  const manifestFile = path.join(dir, MANIFEST);

  if (fs.existsSync(manifestFile)) return loadKeyStore(dir, log);

  const exists = fs.existsSync(dir);
  if (exists && !fs.statSync(dir).isDirectory()) throw new KeyStoreError(`${dir} is not a directory; the key store needs a directory there`, dir);
  if (exists && visibleEntries(dir).length > 0) {
    throw new KeyStoreError(
      `key store manifest ${manifestFile} is missing but ${dir} is not empty (${visibleEntries(dir).join(", ")}). ` +
        `Refusing to generate new keys over existing ones. ${startOverHint(dir)}`,
      manifestFile,
    );
  }
  if (!createIfMissing) {
    throw new KeyStoreError(`no key store in ${dir} (${manifestFile} not found) and createIfMissing is false. Fix: restore the directory from your key backup, or open with createIfMissing.`, manifestFile);
  }

  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (POSIX_MODES) fs.chmodSync(dir, 0o700);
  const lock = path.join(dir, CREATION_LOCK);
  let lockFd: number | undefined;
  try {
    lockFd = fs.openSync(lock, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  if (lockFd === undefined) {
    // Another process (a parallel test worker, a second notebook) is creating the keys: wait for
    // its manifest rather than race it and end up with two different key sets.
    for (let waited = 0; waited < 10_000; waited += 50) {
      if (fs.existsSync(manifestFile)) return loadKeyStore(dir, log);
      sleepMs(50);
    }
    throw new KeyStoreError(`${lock} exists but no manifest appeared within 10 s: a key creation was interrupted. Fix: if no other process is running, delete ${dir} and rerun.`, lock);
  }
  try {
    createKeyStore(dir, log);
  } finally {
    fs.closeSync(lockFd);
    fs.rmSync(lock, { force: true });
  }
  return loadKeyStore(dir, log);
}
