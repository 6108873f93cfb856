/**
 * Envelope encryption of the identifying columns (email, phone, name, address) with AES-256-GCM.
 *
 * Two levels, as in every cloud KMS: each customer's fields are encrypted under that customer's
 * own random data key, and the data key is stored only wrapped (encrypted) under the master key.
 * This is what makes erasure by crypto-shredding possible (see lib/privacy/keyring.ts): destroying
 * one small wrapped key makes every copy of that customer's ciphertext unreadable, including copies
 * in old Parquet partitions and backups that cannot practically be rewritten (GDPR Art. 17 with
 * Art. 32(1)(a) encryption; EDPB Guidelines 01/2025 and ENISA's 2019 report treat encryption
 * with a separately held key as a pseudonymisation technique).
 *
 * AES-256-GCM is authenticated: a flipped bit, a ciphertext moved to another row or column (the
 * AAD names both), or the wrong key all fail loudly instead of decrypting to garbage (Art. 5(1)(f)
 * integrity). Formats are self-describing so that a reader years later knows what to do:
 *   wrapped data key   mk<master version>:<iv b64>:<ciphertext b64>:<tag b64>
 *   encrypted field    v1:<iv b64>:<ciphertext b64>:<tag b64>
 */
import * as crypto from "node:crypto";
import type { KeyStore } from "./keystore";

/** Decryption or format failure; never carries plaintext or key material. */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvelopeError";
  }
}

const DATA_KEY_BYTES = 32;
const IV_BYTES = 12; // 96-bit IV: the size GCM is specified for (NIST SP 800-38D §8.2)
const TAG_BYTES = 16;
const FIELD_FORMAT = "v1";

function checkDataKey(dataKey: unknown): asserts dataKey is Buffer {
  if (!Buffer.isBuffer(dataKey) || dataKey.length !== DATA_KEY_BYTES) {
    throw new TypeError(`data key must be a ${DATA_KEY_BYTES}-byte Buffer, got ${Buffer.isBuffer(dataKey) ? `${dataKey.length} bytes` : typeof dataKey}`);
  }
}

/**
 * Random bytes for data keys, drawn from the CSPRNG a block at a time: one `randomBytes(32)` per
 * customer cost 2.5 to 9 µs (the call, not the randomness), a quarter of the key ring's work at
 * 10 M rows (2.46 million customers); a 32 KiB block costs about as much as one call.
 */
const KEY_BLOCK_BYTES = 32 * 1024;
let keyBlock = Buffer.alloc(0);
let keyBlockAt = 0;

/** A fresh random 256-bit data key for one customer. */
export function newDataKey(): Buffer {
  if (keyBlockAt + DATA_KEY_BYTES > keyBlock.length) {
    keyBlock = crypto.randomFillSync(Buffer.alloc(KEY_BLOCK_BYTES));
    keyBlockAt = 0;
  }
  const key = Buffer.alloc(DATA_KEY_BYTES);
  keyBlock.copy(key, 0, keyBlockAt, keyBlockAt + DATA_KEY_BYTES);
  // A key handed out leaves no copy behind in the block.
  keyBlock.fill(0, keyBlockAt, keyBlockAt + DATA_KEY_BYTES);
  keyBlockAt += DATA_KEY_BYTES;
  return key;
}

function b64(buf: Buffer): string {
  return buf.toString("base64");
}

function fromB64(text: string, expectedBytes: number | undefined, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new EnvelopeError(`${what} is not valid base64`);
  const buf = Buffer.from(text, "base64");
  if (expectedBytes !== undefined && buf.length !== expectedBytes) throw new EnvelopeError(`${what} should be ${expectedBytes} bytes, found ${buf.length}`);
  return buf;
}

function gcmEncrypt(key: Buffer | crypto.KeyObject, iv: Buffer, plaintext: Buffer, aad: Buffer): { ct: Buffer; tag: Buffer } {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ct, tag: cipher.getAuthTag() };
}

/** Returns undefined when authentication fails (wrong key, wrong AAD or tampered bytes). */
function gcmDecrypt(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, aad: Buffer): Buffer | undefined {
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Unambiguous concatenation for MAC inputs: "ab"+"c" and "a"+"bc" must not collide. */
function lengthPrefixed(...parts: Buffer[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(p.length);
    chunks.push(len, p);
  }
  return Buffer.concat(chunks);
}

/**
 * A sub-key for deriving IVs, so that one key is never used both as an AES key and as an HMAC
 * key (key separation, NIST SP 800-57 Part 1 §5.2; derivation by HKDF, RFC 5869).
 *
 * HKDF-SHA-256 with an empty salt and one output block is two HMACs (RFC 5869 §2.2-2.3:
 * PRK = HMAC(zeros, IKM), OKM = HMAC(PRK, info | 0x01)); written out, it gives the bytes of
 * `crypto.hkdfSync` (tests/privacy/envelope.test.ts compares them) at a fraction of its cost,
 * which is paid once per customer in a warehouse build.
 */
function ivDerivationKey(key: Buffer, purpose: string): Buffer {
  const prk = crypto.createHmac("sha256", HKDF_EMPTY_SALT).update(key).digest();
  return crypto.createHmac("sha256", prk).update(`retail-workbook ${purpose} v1`, "utf8").update(HKDF_FIRST_BLOCK).digest();
}

const HKDF_EMPTY_SALT = Buffer.alloc(32);
const HKDF_FIRST_BLOCK = Buffer.from([1]);

/** The master key's IV sub-key for wrapping data keys, derived once per master key (not once per customer). */
let lastWrapKey: { key: Buffer; iv: crypto.KeyObject } | undefined;

function wrapIvKey(masterKey: Buffer): crypto.KeyObject {
  if (!lastWrapKey || !lastWrapKey.key.equals(masterKey)) {
    lastWrapKey = { key: Buffer.from(masterKey), iv: crypto.createSecretKey(ivDerivationKey(masterKey, "data key wrap IV")) };
  }
  return lastWrapKey.iv;
}

/**
 * The key objects of the last data key seen: the warehouse encrypts a customer's fields one after
 * the other, and deriving the IV sub-key (HKDF) and importing both keys for every field was most
 * of the encryption's cost (a million-row build: 11 of 17 s in `hkdfSync`). Same bytes out.
 */
let lastFieldKey: { key: Buffer; aes: crypto.KeyObject; iv: Buffer } | undefined;

function fieldKeys(dataKey: Buffer): { aes: crypto.KeyObject; iv: Buffer } {
  if (!lastFieldKey || !lastFieldKey.key.equals(dataKey)) {
    lastFieldKey?.iv.fill(0);
    // The IV sub-key as bytes, not a KeyObject: HMAC keyed by a Buffer skips the KeyObject
    // indirection on every field (same key, same MAC).
    lastFieldKey = { key: Buffer.from(dataKey), aes: crypto.createSecretKey(dataKey), iv: ivDerivationKey(dataKey, "field IV") };
  }
  return lastFieldKey;
}

// ---------------------------------------------------------------- data keys under the master key

function wrapAad(masterVersion: number): Buffer {
  return Buffer.from(`retail-workbook data key:mk${masterVersion}`, "utf8");
}

/** The wrapped key's string form, "mk<version>:<iv>:<ct>:<tag>" (base64): the key ring file's, and what `unwrapDataKey` reads. */
export function formatWrapped(version: number, iv: Buffer, ct: Buffer, tag: Buffer): string {
  // Copied into one flat string: a template literal leaves a rope of its parts. Measured when the
  // key ring kept these strings for a whole build (before wrappedKeyTable.ts): 406 bytes an entry
  // as a rope, 198 flat (500,000 entries after a full garbage collection).
  return Buffer.from(`mk${version}:${b64(iv)}:${b64(ct)}:${b64(tag)}`, "latin1").toString("latin1");
}

/** The master key version a wrapped data key needs (the `mk<N>:` prefix). */
export function masterVersionOf(wrapped: string): number {
  const m = /^mk([1-9][0-9]*):/.exec(typeof wrapped === "string" ? wrapped : "");
  if (!m) throw new EnvelopeError(`not a wrapped data key: expected "mk<version>:<iv>:<ciphertext>:<tag>"`);
  return Number(m[1]);
}

/** Wraps a data key under the current master key with a random IV. */
export function wrapDataKey(keyStore: KeyStore, dataKey: Buffer): string {
  checkDataKey(dataKey);
  const { version, key } = keyStore.masterKey();
  const iv = crypto.randomBytes(IV_BYTES);
  const { ct, tag } = gcmEncrypt(key, iv, dataKey, wrapAad(version));
  return formatWrapped(version, iv, ct, tag);
}

/**
 * Wraps a data key under the current master key with an IV derived from the master key, the
 * data key and `context` (the customer pseudonym). Same inputs, same string: the key ring file
 * keeps the same bytes across saves and reruns (reproducible outputs). GCM stays safe because the
 * IV changes whenever the wrapped plaintext (the data key) changes; equal strings only reveal
 * "same data key for the same customer", which is already public in the file itself.
 */
export function wrapDataKeyDeterministic(keyStore: KeyStore, dataKey: Buffer, context: string): string {
  const { version, iv, ct, tag } = wrapDataKeyDeterministicParts(keyStore, dataKey, context);
  return formatWrapped(version, iv, ct, tag);
}

/** A wrapped data key as its parts: what `wrapDataKeyDeterministic` writes as "mk<version>:<iv>:<ct>:<tag>". */
export interface WrappedKeyParts {
  version: number;
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

/** `wrapDataKeyDeterministic` before the string: the key ring keeps the bytes (wrappedKeyTable.ts). */
export function wrapDataKeyDeterministicParts(keyStore: KeyStore, dataKey: Buffer, context: string): WrappedKeyParts {
  checkDataKey(dataKey);
  const { version, key } = keyStore.masterKey();
  const iv = crypto
    .createHmac("sha256", wrapIvKey(key))
    .update(lengthPrefixed(Buffer.from(context, "utf8"), dataKey))
    .digest()
    .subarray(0, IV_BYTES);
  const { ct, tag } = gcmEncrypt(key, iv, dataKey, wrapAad(version));
  return { version, iv, ct, tag };
}

/** Unwraps with the master key version named in the string, so keys wrapped before a rotation still open. */
export function unwrapDataKey(keyStore: KeyStore, wrapped: string): Buffer {
  const version = masterVersionOf(wrapped);
  const parts = wrapped.split(":");
  if (parts.length !== 4) throw new EnvelopeError(`not a wrapped data key: expected 4 ":"-separated parts, found ${parts.length}`);
  const iv = fromB64(parts[1], IV_BYTES, "wrapped data key IV");
  const ct = fromB64(parts[2], DATA_KEY_BYTES, "wrapped data key ciphertext");
  const tag = fromB64(parts[3], TAG_BYTES, "wrapped data key tag");
  const { key } = keyStore.masterKey(version);
  const dataKey = gcmDecrypt(key, iv, ct, tag, wrapAad(version));
  if (!dataKey) {
    throw new EnvelopeError(`cannot unwrap data key with master key v${version}: authentication failed (tampered wrapped key, or a master key file that is not the one it was wrapped with)`);
  }
  return dataKey;
}

/** Re-wraps under the current master key (after `keyStore.rotate("master")`); the data key, and so every field ciphertext, is unchanged. */
export function rewrapDataKey(keyStore: KeyStore, wrapped: string): string {
  const dataKey = unwrapDataKey(keyStore, wrapped);
  try {
    return wrapDataKey(keyStore, dataKey);
  } finally {
    dataKey.fill(0);
  }
}

// ---------------------------------------------------------------- fields under a data key

function formatField(iv: Buffer, ct: Buffer, tag: Buffer): string {
  return `${FIELD_FORMAT}:${b64(iv)}:${b64(ct)}:${b64(tag)}`;
}

/**
 * AES-256-GCM with a fresh random 96-bit IV. `aad` binds the ciphertext to its place, e.g.
 * `customer:<pseudonym>:email`: copied to another customer or column it no longer decrypts.
 * null stays null (a missing value is not a secret and must stay distinguishable from "").
 */
export function encryptField(dataKey: Buffer, plaintext: string | null, aad: string): string | null {
  checkDataKey(dataKey);
  if (plaintext === null || plaintext === undefined) return null;
  const iv = crypto.randomBytes(IV_BYTES);
  const { ct, tag } = gcmEncrypt(dataKey, iv, Buffer.from(plaintext, "utf8"), Buffer.from(aad, "utf8"));
  return formatField(iv, ct, tag);
}

/**
 * Like `encryptField`, but the IV is derived from the plaintext and AAD (SIV-like):
 * IV = HMAC-SHA-256(K_iv, len|aad|len|plaintext)[0..12], where K_iv is an HKDF sub-key of the
 * data key. Same key, AAD and plaintext give the same bytes, so a rebuild of the warehouse from
 * the same input and keys is byte-identical (STYLE: reproducible outputs).
 * Trade-off: equal plaintexts under the same key and AAD give equal ciphertexts, i.e. an observer
 * learns "this value did not change between two builds". That is acceptable here because each
 * customer has their own data key and the AAD names the customer and the column, so equality can
 * never be observed across customers or columns (no frequency analysis of emails or cities).
 * A random-IV ciphertext would reveal nothing, at the cost of non-reproducible files.
 */
export function encryptFieldDeterministic(dataKey: Buffer, plaintext: string | null, aad: string): string | null {
  checkDataKey(dataKey);
  if (plaintext === null || plaintext === undefined) return null;
  return encryptFieldBytesDeterministic(dataKey, Buffer.from(plaintext, "utf8"), Buffer.from(aad, "utf8"));
}

/**
 * The MAC input of the field being encrypted, lengthPrefixed(aad, plaintext) written in place:
 * one buffer for every field of a build (millions of them) rather than one each, and wiped
 * after each use so that no plaintext lingers in it.
 */
let macScratch = Buffer.alloc(256);

/**
 * `encryptFieldDeterministic` on the UTF-8 bytes of the plaintext and the AAD, for callers that
 * hold them as bytes already (the worker threads of fieldEncryptionPool.ts). Same bytes out.
 */
export function encryptFieldBytesDeterministic(dataKey: Buffer, pt: Uint8Array, aadBytes: Uint8Array): string {
  checkDataKey(dataKey);
  const keys = fieldKeys(dataKey);
  const macLength = 8 + aadBytes.length + pt.length;
  if (macScratch.length < macLength) macScratch = Buffer.alloc(Math.max(macLength, 2 * macScratch.length));
  const macInput = macScratch.subarray(0, macLength);
  macInput.writeUInt32BE(aadBytes.length, 0);
  macInput.set(aadBytes, 4);
  macInput.writeUInt32BE(pt.length, 4 + aadBytes.length);
  macInput.set(pt, 8 + aadBytes.length);
  const iv = crypto.createHmac("sha256", keys.iv).update(macInput).digest().subarray(0, IV_BYTES);
  macInput.fill(0);
  const cipher = crypto.createCipheriv("aes-256-gcm", keys.aes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadBytes);
  // GCM is a stream mode: final() adds no bytes, update() returns the whole ciphertext.
  const ct = cipher.update(pt);
  cipher.final();
  return formatField(iv, ct, cipher.getAuthTag());
}

/** Decrypts either kind of field ciphertext; throws `EnvelopeError` on tampering, wrong key or wrong AAD. */
export function decryptField(dataKey: Buffer, ciphertext: string | null, aad: string): string | null {
  checkDataKey(dataKey);
  if (ciphertext === null || ciphertext === undefined) return null;
  const parts = typeof ciphertext === "string" ? ciphertext.split(":") : [];
  if (parts.length !== 4 || parts[0] !== FIELD_FORMAT) {
    throw new EnvelopeError(`field ${aad}: not an encrypted field, expected "${FIELD_FORMAT}:<iv>:<ciphertext>:<tag>"`);
  }
  const iv = fromB64(parts[1], IV_BYTES, `field ${aad}: IV`);
  const ct = fromB64(parts[2], undefined, `field ${aad}: ciphertext`);
  const tag = fromB64(parts[3], TAG_BYTES, `field ${aad}: tag`);
  const pt = gcmDecrypt(dataKey, iv, ct, tag, Buffer.from(aad, "utf8"));
  if (!pt) {
    throw new EnvelopeError(
      `cannot decrypt field ${aad}: authentication failed (wrong data key, e.g. a shredded customer; ciphertext belonging to another row or column; or tampered bytes)`,
    );
  }
  return pt.toString("utf8");
}
