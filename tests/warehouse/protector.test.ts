import { existsSync } from "node:fs";
import * as path from "node:path";
import { decryptField, encryptFieldDeterministic, EnvelopeError } from "../../lib/privacy/envelope";
import { openCustomerKeyRing } from "../../lib/privacy/keyring";
import { openKeyStore } from "../../lib/privacy/keystore";
import { customerPseudonym } from "../../lib/privacy/pseudonym";
import { buildWarehouse } from "../../lib/warehouse/build";
import { createPrivacyProtector, decryptPersonalRecord, ENCRYPTED_FIELDS, fieldAad } from "../../lib/warehouse/protector";
import { fakeProtector, referenceFixture, tempDir, writeCleanFixture } from "./fixtures";
import { assertEncryptedAtRest, coreKeyFor, openEncryptedDatabase } from "../../lib/privacy/coreEncryption";
import { query } from "../../lib/warehouse/db";

describe("the real protector (lib/privacy)", () => {
  test("builds the warehouse with keyed pseudonyms and per-customer envelope encryption, and saves the new keys", async () => {
    const keyDir = tempDir("keys-");
    const keyStore = openKeyStore({ dir: path.join(keyDir, "store"), log: () => {} });
    const ringPath = path.join(keyDir, "store", "customer-keys.jsonl");
    const clean = await writeCleanFixture(referenceFixture());
    const summary = await buildWarehouse({ cleanDir: clean, outDir: tempDir("wh-real-"), protector: createPrivacyProtector({ keyStore, keyRingPath: ringPath }), lake: false });
    expect(summary.gates.passed).toBe(true);
    expect(existsSync(ringPath)).toBe(true);

    const pseudonym = customerPseudonym(keyStore, "C001");
    expect(pseudonym).toMatch(/^cp_[0-9a-f]{32}$/);
    // The real protector also encrypts core.duckdb as a file (GDPR Art. 32): it opens only with the derived key.
    await expect(assertEncryptedAtRest(summary.corePath)).resolves.toBeUndefined();
    const db = await openEncryptedDatabase(summary.corePath, coreKeyFor(summary.corePath, keyStore)!, { readOnly: true });
    const [row] = await query<{ personal_enc: string }>(db.connection, `select personal_enc from dim_customer where customer_pseudonym = '${pseudonym}' and is_current`).finally(() => db.close());
    const dataKey = openCustomerKeyRing(keyStore, ringPath).get(pseudonym)!;
    expect(decryptPersonalRecord(dataKey, pseudonym, row.personal_enc).email).toBe("marie.d@example.fr");
    // the record is the ciphertext, under the customer's AAD, of the JSON array of its nine values
    // in the order of ENCRYPTED_FIELDS (no field name repeated on every row)
    const values = JSON.parse(decryptField(dataKey, row.personal_enc, fieldAad(pseudonym, "personal"))!) as unknown[];
    expect(values).toHaveLength(ENCRYPTED_FIELDS.length);
    expect(values[ENCRYPTED_FIELDS.indexOf("email")]).toBe("marie.d@example.fr");
  });

  test("encrypting a batch on the worker threads gives, field by field, the bytes of encrypting one at a time", async () => {
    const keyDir = tempDir("keys-");
    const keyStore = openKeyStore({ dir: path.join(keyDir, "store"), log: () => {} });
    const erased = customerPseudonym(keyStore, "C003");
    const protector = createPrivacyProtector({ keyStore, keyRingPath: path.join(keyDir, "store", "ring.jsonl"), isErased: (p) => p === erased });
    const fields = ["C001", "C002", "C003"].flatMap((id) =>
      ["email", "phone", "city"].map((column, i) => ({ customerPseudonym: customerPseudonym(keyStore, id), column, plaintext: i === 1 && id === "C002" ? null : `${id}-${column}-é` })),
    );
    try {
      const batch = await protector.encryptBatch!(fields);
      expect(batch).toEqual(fields.map((f) => protector.encrypt(f.customerPseudonym, f.column, f.plaintext)));
      expect(batch.filter((c) => c === null)).toHaveLength(4); // one null plaintext, three fields of the erased customer
    } finally {
      await protector.close!();
    }
  });

  test("an erased customer gets no ciphertext and no new key", () => {
    const keyDir = tempDir("keys-");
    const keyStore = openKeyStore({ dir: path.join(keyDir, "store"), log: () => {} });
    const erased = customerPseudonym(keyStore, "C001");
    const protector = createPrivacyProtector({ keyStore, keyRingPath: path.join(keyDir, "store", "ring.jsonl"), isErased: (p) => p === erased });
    expect(protector.encrypt(erased, "email", "marie.d@example.fr")).toBeNull();
    protector.commit?.();
    expect(openCustomerKeyRing(keyStore, path.join(keyDir, "store", "ring.jsonl")).has(erased)).toBe(false);
  });
});

describe("the protect step", () => {
  test("two customer numbers with one pseudonym stop the build with a message naming the collision", async () => {
    const clean = await writeCleanFixture(referenceFixture());
    const protector = { ...fakeProtector(), pseudonymise: () => "cp_" + "0".repeat(32) };
    await expect(buildWarehouse({ cleanDir: clean, outDir: tempDir("wh-collision-"), protector, lake: false })).rejects.toThrow(
      `pseudonym collision: two customer numbers map to one pseudonym (cp_${"0".repeat(32)})`,
    );
  });
});

describe("a row's personal record (dim_customer.personal_enc)", () => {
  const pseudonym = "cp_0123456789abcdef0123456789abcdef";
  const key = Buffer.alloc(32, 5);
  const sealed = (text: string) => encryptFieldDeterministic(key, text, fieldAad(pseudonym, "personal"));
  const full = { company_name: null, first_name: "Ana", last_name: "Martin", email: "ana@example.org", phone: null, birth_date: "1990-01-02", street: "1 rue Haute", postal_code: "69001", city: "Lyon" };

  test("decrypts to the nine fields, every one null for a row without personal values", () => {
    // The build's form: the nine values in the order of ENCRYPTED_FIELDS.
    expect(decryptPersonalRecord(key, pseudonym, sealed(JSON.stringify(ENCRYPTED_FIELDS.map((f) => full[f]))))).toEqual(full);
    // The form of the cores built before it: an object of the nine fields in that order.
    expect(decryptPersonalRecord(key, pseudonym, sealed(JSON.stringify(full)))).toEqual(full);
    expect(Object.values(decryptPersonalRecord(key, pseudonym, null))).toEqual(new Array(9).fill(null));
  });

  test("refuses a record that is not the nine fields in their order, without showing what it holds", () => {
    const { city, ...eight } = full;
    const values = Object.values(full);
    const bad = [
      JSON.stringify(eight),
      JSON.stringify({ city, ...eight }),
      JSON.stringify({ ...full, email: 42 }),
      "ana@example.org",
      JSON.stringify(values.slice(0, 8)),
      JSON.stringify([...values, "Lyon"]),
      JSON.stringify(values.map((v, i) => (i === 3 ? 42 : v))),
      JSON.stringify({ ...values }),
    ];
    for (const text of bad) {
      let message = "";
      try {
        decryptPersonalRecord(key, pseudonym, sealed(text));
      } catch (err) {
        expect(err).toBeInstanceOf(EnvelopeError);
        message = (err as Error).message;
      }
      expect(message).toMatch(/personal record/);
      expect(message).not.toMatch(/ana@example|Martin|Lyon/);
    }
  });
});
