/**
 * What the warehouse build needs from the privacy layer, and nothing more: a keyed pseudonym for
 * a customer number and an encryption of one personal value (a customer row's record of personal
 * fields, see PERSONAL_RECORD) under that customer's data key.
 * DuckDB has no hmac and no AES, so both are computed in Node (lib/privacy) and handed to the
 * SQL models as TEMP tables (see lib/warehouse/protect.ts).
 *
 * Tests use a fake protector with a fixed key (tests/warehouse/fixtures.ts); the pipeline uses
 * `createPrivacyProtector()`, which delegates to lib/privacy.
 */
import { openKeyStore, type KeyStore } from "../privacy/keystore";
import { customerPseudonym } from "../privacy/pseudonym";
import { openCustomerKeyRing } from "../privacy/keyring";
import { decryptField, encryptFieldDeterministic, EnvelopeError } from "../privacy/envelope";
import { erasedPseudonyms } from "../privacy/ledgers";
import { newCoreKey, type CoreKey } from "../privacy/coreEncryption";
import { FieldEncryptionPool, type FieldToEncrypt } from "../privacy/fieldEncryptionPool";
import { engineSettings } from "../engine/settings";

export interface Protector {
  /** Keyed pseudonym of a customer number ("cp_" + 32 hex). Same key, same pseudonym. */
  pseudonymise(customerId: string): string;
  /**
   * Ciphertext of one personal value of one customer, bound to (customer, column) by the AAD;
   * null stays null. Deterministic: same key and value give the same ciphertext, so a rebuild
   * is reproducible.
   */
  encrypt(customerPseudonym: string, column: string, plaintext: string | null): string | null;
  /**
   * The same for many values at once, in order (the real protector spreads them over every core);
   * absent, the build calls `encrypt` value by value.
   */
  encryptBatch?(fields: readonly FieldToProtect[]): Promise<(string | null)[]>;
  /** Releases what the encryptions used (worker threads); called once the build is over. */
  close?(): Promise<void>;
  /**
   * Persist whatever the encryptions created (new customer data keys). Called once, after
   * every gate passed and before the new warehouse replaces the live one: a ciphertext must never
   * be published under a key that was not saved.
   */
  commit?(): void;
  /**
   * True for a customer in the erasure ledger (GDPR Art. 17). The split stage already replaced
   * them by the ERASED sentinel, so the build treats a true here as a broken pipeline and stops.
   */
  isErased?(customerPseudonym: string): boolean;
  /**
   * The key to encrypt core.duckdb itself with (DuckDB database encryption, derived from the
   * master key, lib/privacy/coreEncryption.ts); absent: a plain file (tests).
   */
  databaseKey?(): CoreKey;
}

export interface FieldToProtect {
  customerPseudonym: string;
  column: string;
  plaintext: string | null;
}

/**
 * The personal fields of a customer row, in the order of its record (staging/customer_rows.sql
 * builds it), and the field names a person reads in an access request (lib/rights/access.ts).
 */
export const ENCRYPTED_FIELDS = ["company_name", "first_name", "last_name", "email", "phone", "birth_date", "street", "postal_code", "city"] as const;

export type PersonalField = (typeof ENCRYPTED_FIELDS)[number];
export type PersonalRecord = Record<PersonalField, string | null>;

/**
 * What the AAD calls a row's record: dim_customer stores every personal field of a row as one
 * ciphertext, `personal_enc`, of the record's JSON text (one HMAC and one AES-GCM operation per
 * row rather than per field: Node's crypto costs a few microseconds a call whatever the length).
 * The record is the JSON array of the nine values in the order of ENCRYPTED_FIELDS, not an object
 * naming them: the names made up about half of every record, carried in clear through the build's
 * sorts and temporary tables and, encrypted, into dim_customer (issue 24).
 */
export const PERSONAL_RECORD = "personal";

/** dim_customer's one encrypted column. */
export const PERSONAL_COLUMN = `${PERSONAL_RECORD}_enc`;

/** Where a ciphertext belongs: a copy moved to another customer or column fails to decrypt. */
export function fieldAad(customerPseudonym: string, column: string): string {
  return `customer:${customerPseudonym}:${column}`;
}

/** A record with every field null: a row that shows no personal value, or a customer whose key was shredded. */
export function emptyPersonalRecord(): PersonalRecord {
  return Object.fromEntries(ENCRYPTED_FIELDS.map((f) => [f, null])) as PersonalRecord;
}

/**
 * The fields of a row's `personal_enc`, decrypted with the customer's data key; every field null
 * when the row holds none (a null ciphertext). Reads the record as the build writes it (the nine
 * values in the order of ENCRYPTED_FIELDS) and as builds before that wrote it (an object of the
 * nine fields in that order), so a core built before still answers the rights commands. Throws
 * EnvelopeError on a wrong key, a ciphertext of another customer, tampered bytes, or a record
 * that is not the nine fields (never showing it).
 */
export function decryptPersonalRecord(dataKey: Buffer, customerPseudonym: string, ciphertext: string | null): PersonalRecord {
  return parsePersonalRecord(customerPseudonym, decryptField(dataKey, ciphertext, fieldAad(customerPseudonym, PERSONAL_RECORD)));
}

/** A personal record's text in clear (what `decryptPersonalRecord` decrypts), read as its nine fields; null reads as every field null. */
export function parsePersonalRecord(customerPseudonym: string, text: string | null): PersonalRecord {
  const record = emptyPersonalRecord();
  if (text === null) return record;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EnvelopeError(`customer ${customerPseudonym}: the decrypted personal record is not JSON`);
  }
  let values: unknown[];
  if (Array.isArray(parsed)) {
    if (parsed.length !== ENCRYPTED_FIELDS.length) {
      throw new EnvelopeError(`customer ${customerPseudonym}: the decrypted personal record has ${parsed.length} values, expected ${ENCRYPTED_FIELDS.length} (${ENCRYPTED_FIELDS.join(", ")})`);
    }
    values = parsed;
  } else {
    const keys = parsed !== null && typeof parsed === "object" ? Object.keys(parsed) : [];
    if (keys.join(",") !== ENCRYPTED_FIELDS.join(",")) {
      throw new EnvelopeError(`customer ${customerPseudonym}: the decrypted personal record has fields [${keys.join(", ")}], expected [${ENCRYPTED_FIELDS.join(", ")}]`);
    }
    values = ENCRYPTED_FIELDS.map((f) => (parsed as Record<string, unknown>)[f]);
  }
  ENCRYPTED_FIELDS.forEach((f, i) => {
    const value = values[i];
    if (typeof value === "string") record[f] = value;
    else if (value !== null) throw new EnvelopeError(`customer ${customerPseudonym}: field ${f} of the personal record is not text`);
  });
  return record;
}

export interface PrivacyProtectorOptions {
  keyStore?: KeyStore;
  /** Key ring file; defaults to the key store's customer-keys.jsonl. */
  keyRingPath?: string;
  /**
   * True for a customer erased under GDPR Art. 17: no data key is minted again for them, their
   * personal fields are stored as null (the pseudonymous sales history stays). Until the erasure
   * ledger exists, the default erases nobody.
   */
  isErased?: (customerPseudonym: string) => boolean;
  /** outputs/privacy: when given (and `isErased` is not), the erasure ledger there decides `isErased`. */
  privacyDir?: string;
  /** Encrypt core.duckdb with DuckDB's database encryption (default true). */
  encryptDatabase?: boolean;
}

/** The real protector: HMAC pseudonyms and per-customer AES-256-GCM envelope encryption. */
export function createPrivacyProtector(opts: PrivacyProtectorOptions = {}): Protector {
  const keyStore = opts.keyStore ?? openKeyStore();
  const ring = openCustomerKeyRing(keyStore, opts.keyRingPath);
  const erased = opts.isErased ? undefined : opts.privacyDir ? erasedPseudonyms(opts.privacyDir, keyStore) : new Set<string>();
  const isErased = opts.isErased ?? ((p: string) => erased!.has(p));
  let pool: FieldEncryptionPool | undefined;
  return {
    pseudonymise: (customerId) => customerPseudonym(keyStore, customerId),
    encrypt(pseudonym, column, plaintext) {
      // Never mint a data key for an erased customer again: that would undo the shredding.
      if (plaintext === null || isErased(pseudonym)) return null;
      return encryptFieldDeterministic(ring.getOrCreate(pseudonym), plaintext, fieldAad(pseudonym, column));
    },
    async encryptBatch(items) {
      const out: (string | null)[] = new Array(items.length).fill(null);
      const fields: FieldToEncrypt[] = [];
      const at: number[] = [];
      let pseudonym: string | undefined;
      let key = Buffer.alloc(0);
      const keys: Buffer[] = [];
      items.forEach((item, i) => {
        if (item.plaintext === null || isErased(item.customerPseudonym)) return;
        if (item.customerPseudonym !== pseudonym) {
          pseudonym = item.customerPseudonym;
          key = ring.getOrCreate(pseudonym);
          keys.push(key);
        }
        fields.push({ key, aad: fieldAad(pseudonym, item.column), plaintext: item.plaintext });
        at.push(i);
      });
      pool ??= new FieldEncryptionPool(engineSettings().threads);
      // The pool has taken its copy of the keys by the time encrypt() returns its promise: the
      // ones in clear here are wiped at once rather than left to the garbage collector.
      const pending = pool.encrypt(fields);
      for (const k of keys) k.fill(0);
      const ciphertexts = await pending;
      ciphertexts.forEach((c, j) => (out[at[j]] = c));
      return out;
    },
    async close() {
      await pool?.close();
      pool = undefined;
    },
    commit: () => ring.save(),
    isErased,
    ...(opts.encryptDatabase === false ? {} : { databaseKey: () => newCoreKey(keyStore) }),
  };
}
