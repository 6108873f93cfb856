/**
 * DuckDB's own database encryption for `core.duckdb`, the second of two layers (GDPR Art. 32(1)(a)).
 *
 * What each layer protects against:
 * - Field level (lib/privacy/envelope.ts, OpenSSL AES-256-GCM through node:crypto): each
 *   customer's personal fields under their own data key. Protects against anyone who can READ
 *   the warehouse (an analyst with a DuckDB shell on core, a leaked Parquet lake, a backup): they
 *   see ciphertext. It is also what makes erasure work (crypto-shredding one customer's key).
 * - File level (this module, DuckDB `ATTACH ... (ENCRYPTION_KEY ...)`, AES-GCM on every block):
 *   protects the whole file (pseudonyms, sales, the generalised attributes, the wrapped-key
 *   copies) against theft of the FILE or its disk, backup or snapshot: without the key it does
 *   not even open. It does nothing against a process that opened the database with the key.
 *
 * The key is derived, never stored: HKDF-SHA-256(master key vN, salt, "retail-workbook
 * core.duckdb v1"). The salt is random per build and the master key version are written beside
 * the file (`core.duckdb.kdf.json`; a salt is not secret, RFC 5869 §3.1), so every build gets a
 * fresh database key and a rebuild never reuses a key with a new set of nonces.
 *
 * Why `SET force_mbedtls_unsafe = true`: DuckDB 1.5.6 writes encrypted files only through
 * OpenSSL from the httpfs extension, which cannot be installed offline. Its built-in mbedTLS path
 * can write too, behind this setting; DuckDB marks it unsafe because that path's random number
 * generator is not cryptographically secure, which raises the chance of a repeated GCM nonce
 * (duckdb/duckdb PR #20148, #20420). The consequence here: the file layer is defence in depth
 * against file theft, not the control the GDPR properties rest on. Confidentiality of personal
 * fields and crypto-shredding rely on the field layer only, whose nonces come from OpenSSL. The
 * per-build key (fresh salt) limits any nonce repetition to one build's file. Reading (READ_ONLY
 * attach) needs the setting only to encrypt its spill files (`attachEncrypted`); the marts build,
 * whose spills stay in clear, does without. On a server with httpfs/OpenSSL, drop the setting:
 * nothing else changes.
 *
 * A failed encrypted ATTACH followed by a plain ATTACH would silently create an unencrypted file
 * (docs/stack notes): `assertEncryptedAtRest` proves, on the closed file, that it cannot be
 * opened without the key, and the warehouse build runs it before publishing.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { openNative } from "../engine/native";
import type { KeyStore } from "./keystore";

export const CORE_KDF_FORMAT = "retail-workbook core.duckdb encryption v1";
const HKDF_INFO = "retail-workbook core.duckdb v1";

export interface CoreKeyInfo {
  format: typeof CORE_KDF_FORMAT;
  /** Master key version the database key is derived from. */
  masterVersion: number;
  /** HKDF salt, hex, random per build (not secret). */
  salt: string;
}

/** A database key and where it comes from; `toString`/`toJSON` never show the key. */
export interface CoreKey {
  info: CoreKeyInfo;
  /** base64 of 32 derived bytes, passed to DuckDB as ENCRYPTION_KEY. */
  readonly secret: string;
}

export class CoreEncryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CoreEncryptionError";
  }
}

function makeKey(info: CoreKeyInfo, keyStore: KeyStore): CoreKey {
  const { key } = keyStore.masterKey(info.masterVersion);
  const derived = Buffer.from(crypto.hkdfSync("sha256", key, Buffer.from(info.salt, "hex"), HKDF_INFO, 32));
  const secret = derived.toString("base64");
  key.fill(0);
  derived.fill(0);
  const redacted = () => `CoreKey(master v${info.masterVersion}, [redacted])`;
  return Object.freeze({ info, secret, toString: redacted, toJSON: () => ({ info, secret: "[redacted]" }) });
}

/** A fresh database key for a new build, under the current master key. */
export function newCoreKey(keyStore: KeyStore): CoreKey {
  return makeKey({ format: CORE_KDF_FORMAT, masterVersion: keyStore.currentVersion("master"), salt: crypto.randomBytes(16).toString("hex") }, keyStore);
}

export function kdfPathFor(databaseFile: string): string {
  return `${databaseFile}.kdf.json`;
}

export function writeCoreKeyInfo(databaseFile: string, info: CoreKeyInfo): void {
  fs.writeFileSync(kdfPathFor(databaseFile), JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(kdfPathFor(databaseFile), 0o600);
}

/** The key parameters written beside an encrypted database; undefined for a plain file. */
export function readCoreKeyInfo(databaseFile: string): CoreKeyInfo | undefined {
  const file = kdfPathFor(databaseFile);
  if (!fs.existsSync(file)) return undefined;
  const info = JSON.parse(fs.readFileSync(file, "utf8")) as CoreKeyInfo;
  if (info.format !== CORE_KDF_FORMAT || !Number.isInteger(info.masterVersion) || !/^[0-9a-f]{32}$/.test(info.salt)) {
    throw new CoreEncryptionError(`${file} is malformed: expected {"format": "${CORE_KDF_FORMAT}", "masterVersion": N, "salt": "<32 hex>"}`);
  }
  return info;
}

/** The key of an existing encrypted database, re-derived from the key store; undefined for a plain file. */
export function coreKeyFor(databaseFile: string, keyStore: KeyStore): CoreKey | undefined {
  const info = readCoreKeyInfo(databaseFile);
  return info ? makeKey(info, keyStore) : undefined;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * ATTACH with the key. The statement holds the key, so a failure is re-thrown with DuckDB's
 * message only (it never quotes the statement) and never retried without the key.
 */
export async function attachEncrypted(
  conn: DuckDBConnection,
  file: string,
  alias: string,
  key: CoreKey,
  opts: { readOnly?: boolean; encryptSpills?: boolean } = {},
): Promise<void> {
  // Spill files of an encrypted database are encrypted too, unless the caller says its spills hold
  // nothing more sensitive than its own unencrypted output (the marts build: see lib/marts/build.ts).
  const encryptSpills = opts.encryptSpills !== false;
  if (!opts.readOnly || encryptSpills) {
    // See the module comment: the only offline write path in DuckDB 1.5.6; field-level
    // encryption (OpenSSL) remains the control personal data relies on. A read-only attach needs
    // it too as soon as a query spills: without it, the first spill stopped the session with
    // "read-only crypto module" (the Open Data release at 10 M rows under a 1.5 GB limit, whose
    // session also holds the known personal values of its gate).
    await conn.run("set force_mbedtls_unsafe = true");
  }
  await conn.run(`set temp_file_encryption = ${encryptSpills}`);
  try {
    await conn.run(`attach ${sqlString(file)} as "${alias}" (encryption_key ${sqlString(key.secret)}${opts.readOnly ? ", read_only" : ""})`);
  } catch (err) {
    const message = String((err as Error).message ?? err).split(key.secret).join("[redacted]");
    if (/wrong encryption key/i.test(message)) {
      // Another key directory than the one that built it (a moved or new WORKBOOK_KEY_DIR, or a
      // key store generated afresh): DuckDB's own words name no cause and no fix.
      throw new CoreEncryptionError(
        `cannot open encrypted database ${file}: the key store in use does not hold the master key (version ${key.info.masterVersion}) it was encrypted with. Fix: point WORKBOOK_KEY_DIR at the key directory that built it (default: .keys in the project); without that key nothing in it can be read, so rebuild it with \`npm start\``,
      );
    }
    throw new CoreEncryptionError(`cannot open encrypted database ${file}: ${message}`);
  }
}

export interface EncryptedDatabase {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  close(): void;
}

/** An in-memory engine with `file` attached encrypted as `alias` and made the default catalog. */
export async function openEncryptedDatabase(
  file: string,
  key: CoreKey,
  opts: { alias?: string; readOnly?: boolean; threads?: number; memoryLimit?: string; tempDirectory?: string } = {},
): Promise<EncryptedDatabase> {
  const { instance, conn } = await openNative({ threads: opts.threads, memoryLimit: opts.memoryLimit, tempDirectory: opts.tempDirectory });
  const alias = opts.alias ?? "core";
  try {
    await attachEncrypted(conn, file, alias, key, { readOnly: opts.readOnly });
    await conn.run(`use "${alias}"`);
  } catch (err) {
    conn.closeSync();
    instance.closeSync();
    throw err;
  }
  return {
    instance,
    connection: conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Proves the closed file is encrypted: a fresh engine must refuse to open it without a key.
 * Throws if it opens (an unencrypted file, e.g. after a silent fallback) or fails for another reason.
 */
export async function assertEncryptedAtRest(file: string): Promise<void> {
  if (!fs.existsSync(file)) throw new CoreEncryptionError(`${file} does not exist`);
  const { instance, conn } = await openNative();
  try {
    await conn.run(`attach ${sqlString(file)} as probe (read_only)`);
  } catch (err) {
    if (/encrypted/i.test(String((err as Error).message))) return;
    throw new CoreEncryptionError(`${file}: expected "cannot open encrypted database without a key", got: ${(err as Error).message}`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  throw new CoreEncryptionError(`${file} opens without a key: it is NOT encrypted at rest; refusing to publish it`);
}

/**
 * Opens a published core for reading whichever way it was written: with its database key when
 * `core.duckdb.kdf.json` sits beside it (key re-derived from the key store, default: the
 * project's, never created here), as a plain file otherwise (test fixtures). The one call every
 * reader of core (notebooks, marts, Open Data, benchmarks) should use.
 */
export async function openCoreForReading(file: string, opts: { keyStore?: KeyStore; threads?: number; memoryLimit?: string } = {}): Promise<EncryptedDatabase> {
  // DuckDB would create an empty database in its place, and the reader fail later on a missing table.
  if (!fs.existsSync(file)) throw new Error(`${file} not found: the warehouse is built by \`npm start\` (or \`npm start -- warehouse\`)`);
  if (readCoreKeyInfo(file)) {
    // Imported here so that plain readers never touch the key store.
    const { openKeyStore } = await import("./keystore");
    const key = coreKeyFor(file, opts.keyStore ?? openKeyStore({ createIfMissing: false }))!;
    return openEncryptedDatabase(file, key, { readOnly: true, threads: opts.threads, memoryLimit: opts.memoryLimit });
  }
  const { instance, conn } = await openNative({ file, threads: opts.threads, memoryLimit: opts.memoryLimit });
  return {
    instance,
    connection: conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
