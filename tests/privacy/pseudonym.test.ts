import { customerPseudonym, dictionaryAttack, plainHash, rekeyPseudonyms } from "../../lib/privacy/pseudonym";
import { openKeyStore } from "../../lib/privacy/keystore";
import * as crypto from "node:crypto";
import { removeTemp, tempKeyStore } from "./tempKeyStore";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTemp));
function fresh() {
  const t = tempKeyStore();
  roots.push(t.root);
  return t;
}

/** The id space of the generated export: C000001..C050000. */
function* candidateIds(): Generator<string> {
  for (let i = 1; i <= 50_000; i++) yield "C" + String(i).padStart(6, "0");
}
const sampleIds = ["C000001", "C000042", "C012345", "C031337", "C049999", "C050000"];

describe("customerPseudonym", () => {
  test("is cp_ and 32 hex digits, stable for the same key across reopening the store", () => {
    const { store, dir } = fresh();
    const p = customerPseudonym(store, "C000042");
    expect(p).toMatch(/^cp_[0-9a-f]{32}$/);
    expect(customerPseudonym(store, "C000042")).toBe(p);
    expect(customerPseudonym(openKeyStore({ dir, log: () => {} }), "C000042")).toBe(p);
  });

  test("is the HMAC-SHA-256 of customer:<id> under the pseudonym key, truncated to 128 bits", () => {
    const { store } = fresh();
    const mac = crypto.createHmac("sha256", store.pseudonymKey().key).update("customer:C000042").digest("hex");
    expect(customerPseudonym(store, "C000042")).toBe("cp_" + mac.slice(0, 32));
  });

  test("differs between customers and between key stores (another key, another pseudonym)", () => {
    const a = fresh().store;
    const b = fresh().store;
    expect(customerPseudonym(a, "C000001")).not.toBe(customerPseudonym(a, "C000002"));
    expect(customerPseudonym(a, "C000001")).not.toBe(customerPseudonym(b, "C000001"));
  });

  test("changes after a rotation; the old version stays computable", () => {
    const { store } = fresh();
    const before = customerPseudonym(store, "C000042");
    store.rotate("pseudonym");
    expect(customerPseudonym(store, "C000042")).not.toBe(before);
    expect(customerPseudonym(store, "C000042", 1)).toBe(before);
  });

  test("is unrelated to the plain hash", () => {
    const { store } = fresh();
    const p = customerPseudonym(store, "C000042");
    expect(plainHash("C000042")).toBe(crypto.createHash("sha256").update("C000042").digest("hex"));
    expect(plainHash("C000042").startsWith(p.slice(3))).toBe(false);
  });

  test("refuses an empty id instead of merging every unknown customer into one pseudonym", () => {
    const { store } = fresh();
    expect(() => customerPseudonym(store, "")).toThrow(/non-empty/);
  });
});

describe("dictionary attack (why plain hashing is not pseudonymisation)", () => {
  test("recovers every plain-hashed id from the candidate range", () => {
    const leaked = sampleIds.map(plainHash);
    const recovered = dictionaryAttack(leaked, candidateIds());
    expect(recovered.size).toBe(sampleIds.length);
    leaked.forEach((h, i) => expect(recovered.get(h)).toBe(sampleIds[i]));
  });

  test("also recovers an unkeyed look-alike of the pseudonym (cp_ + truncated sha256 of customer:<id>)", () => {
    const leaked = sampleIds.map((id) => "cp_" + plainHash("customer:" + id).slice(0, 32));
    const recovered = dictionaryAttack(leaked, candidateIds(), (id) => "customer:" + id);
    expect([...recovered.values()].sort()).toEqual([...sampleIds].sort());
  });

  test("recovers nothing from HMAC pseudonyms, even knowing the construction", () => {
    const { store } = fresh();
    const leaked = sampleIds.map((id) => customerPseudonym(store, id));
    expect(dictionaryAttack(leaked, candidateIds()).size).toBe(0);
    expect(dictionaryAttack(leaked, candidateIds(), (id) => "customer:" + id).size).toBe(0);
  });
});

describe("rekeyPseudonyms", () => {
  test("maps every version-1 pseudonym to its version-2 pseudonym", () => {
    const { store } = fresh();
    const ids = ["C000001", "C000002", "C000003"];
    const v1 = ids.map((id) => customerPseudonym(store, id));
    store.rotate("pseudonym");
    const mapping = rekeyPseudonyms(store, ids, 1, 2);
    expect(mapping.size).toBe(3);
    ids.forEach((id, i) => expect(mapping.get(v1[i])).toBe(customerPseudonym(store, id, 2)));
    expect(new Set(mapping.values()).size).toBe(3);
  });
});
