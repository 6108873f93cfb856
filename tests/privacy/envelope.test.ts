import * as crypto from "node:crypto";
import {
  EnvelopeError,
  decryptField,
  encryptField,
  encryptFieldDeterministic,
  newDataKey,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
  wrapDataKeyDeterministic,
} from "../../lib/privacy/envelope";
import { removeTemp, tempKeyStore } from "./tempKeyStore";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTemp));
function fresh() {
  const t = tempKeyStore();
  roots.push(t.root);
  return t;
}

const aad = "customer:cp_0123456789abcdef0123456789abcdef:email";

/** Flips one bit of the decoded part `index` (1 = IV, 2 = ciphertext, 3 = tag) of a `v1:`/`mk<N>:` string. */
function flipBit(text: string, index: number): string {
  const parts = text.split(":");
  const bytes = Buffer.from(parts[index], "base64");
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString("base64");
  return parts.join(":");
}

describe("field encryption", () => {
  test("round-trips text, the empty string and null", () => {
    const key = newDataKey();
    for (const value of ["ana.martin@example.org", "", "Zoë Ångström 🛒"]) {
      const ct = encryptField(key, value, aad)!;
      expect(ct).toMatch(/^v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]*:[A-Za-z0-9+/=]{24}$/);
      expect(ct).not.toContain(value || "\u0000");
      expect(decryptField(key, ct, aad)).toBe(value);
    }
    expect(encryptField(key, null, aad)).toBeNull();
    expect(decryptField(key, null, aad)).toBeNull();
  });

  test("uses a fresh IV each time", () => {
    const key = newDataKey();
    expect(encryptField(key, "same", aad)).not.toBe(encryptField(key, "same", aad));
  });

  test.each([
    ["IV", 1],
    ["ciphertext", 2],
    ["tag", 3],
  ])("a flipped bit in the %s is detected", (_part, index) => {
    const key = newDataKey();
    const ct = encryptField(key, "ana.martin@example.org", aad)!;
    expect(() => decryptField(key, flipBit(ct, index), aad)).toThrow(EnvelopeError);
    expect(() => decryptField(key, flipBit(ct, index), aad)).toThrow(/authentication failed/);
  });

  test("a ciphertext moved to another column or customer (wrong AAD) does not decrypt", () => {
    const key = newDataKey();
    const ct = encryptField(key, "ana.martin@example.org", aad);
    expect(() => decryptField(key, ct, aad.replace(":email", ":phone"))).toThrow(/cannot decrypt field customer:cp_.*:phone/);
  });

  test("the wrong data key does not decrypt", () => {
    const ct = encryptField(newDataKey(), "ana.martin@example.org", aad);
    expect(() => decryptField(newDataKey(), ct, aad)).toThrow(EnvelopeError);
  });

  test("a value that is not a field ciphertext is named as such", () => {
    expect(() => decryptField(newDataKey(), "ana.martin@example.org", aad)).toThrow(/not an encrypted field/);
  });

  test("a data key of the wrong size is refused", () => {
    expect(() => encryptField(Buffer.alloc(16), "x", aad)).toThrow(/32-byte/);
  });
});

describe("deterministic field encryption", () => {
  test("gives the same bytes twice for the same key, AAD and plaintext, and decrypts normally", () => {
    const key = newDataKey();
    const a = encryptFieldDeterministic(key, "ana.martin@example.org", aad);
    const b = encryptFieldDeterministic(Buffer.from(key), "ana.martin@example.org", aad);
    expect(a).toBe(b);
    expect(decryptField(key, a, aad)).toBe("ana.martin@example.org");
    expect(encryptFieldDeterministic(key, null, aad)).toBeNull();
  });

  test("differs when the plaintext, the column or the customer's key differs", () => {
    const key = newDataKey();
    const base = encryptFieldDeterministic(key, "Lyon", aad)!;
    expect(encryptFieldDeterministic(key, "Lille", aad)).not.toBe(base);
    expect(encryptFieldDeterministic(key, "Lyon", aad.replace(":email", ":city"))).not.toBe(base);
    expect(encryptFieldDeterministic(newDataKey(), "Lyon", aad)).not.toBe(base);
    // a different IV per plaintext: GCM never reuses an IV for two messages under one key
    expect(encryptFieldDeterministic(key, "Lille", aad)!.split(":")[1]).not.toBe(base.split(":")[1]);
  });

  test("is the documented construction: IV = HMAC(HKDF(data key, 'field IV'), aad | plaintext), AES-256-GCM (known answer)", () => {
    const dataKey = Buffer.alloc(32, 7);
    const aad = "customer:cp_00000000000000000000000000000001:email";
    const plaintext = "jeanne.martin@example.fr";
    // The reference computation, with Node's own HKDF: the library derives the same sub-key with two HMACs.
    const ivKey = Buffer.from(crypto.hkdfSync("sha256", dataKey, Buffer.alloc(0), "retail-workbook field IV v1", 32));
    const prefixed = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const iv = crypto.createHmac("sha256", ivKey).update(Buffer.concat([prefixed(Buffer.from(aad)), prefixed(Buffer.from(plaintext))])).digest().subarray(0, 12);
    const cipher = crypto.createCipheriv("aes-256-gcm", dataKey, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const expected = `v1:${iv.toString("base64")}:${ct.toString("base64")}:${cipher.getAuthTag().toString("base64")}`;
    expect(encryptFieldDeterministic(dataKey, plaintext, aad)).toBe(expected);
    expect(encryptFieldDeterministic(Buffer.alloc(32, 8), plaintext, aad)).not.toBe(expected);
  });

  test("tampering is detected as for random IVs", () => {
    const key = newDataKey();
    const ct = encryptFieldDeterministic(key, "Lyon", aad)!;
    expect(() => decryptField(key, flipBit(ct, 2), aad)).toThrow(EnvelopeError);
  });
});

describe("data keys wrapped under the master key", () => {
  test("wrap and unwrap round-trip, with the master version in the string", () => {
    const { store } = fresh();
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(store, dataKey);
    expect(wrapped).toMatch(/^mk1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{24}$/);
    expect(wrapped).not.toContain(dataKey.toString("base64"));
    expect(unwrapDataKey(store, wrapped).equals(dataKey)).toBe(true);
  });

  test("the deterministic wrap is the documented construction (known answer) and unwraps", () => {
    const { store } = fresh();
    const dataKey = Buffer.alloc(32, 3);
    const { version, key } = store.masterKey();
    const ivKey = Buffer.from(crypto.hkdfSync("sha256", key, Buffer.alloc(0), "retail-workbook data key wrap IV v1", 32));
    const context = Buffer.from("cp_00000000000000000000000000000001");
    const prefixed = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const iv = crypto.createHmac("sha256", ivKey).update(Buffer.concat([prefixed(context), prefixed(dataKey)])).digest().subarray(0, 12);
    const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(`retail-workbook data key:mk${version}`));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    const expected = `mk${version}:${iv.toString("base64")}:${ct.toString("base64")}:${cipher.getAuthTag().toString("base64")}`;
    expect(wrapDataKeyDeterministic(store, dataKey, context.toString())).toBe(expected);
    expect(unwrapDataKey(store, expected).equals(dataKey)).toBe(true);
  });

  test("another key store's master key cannot unwrap it", () => {
    const { store } = fresh();
    const other = fresh().store;
    const wrapped = wrapDataKey(store, newDataKey());
    expect(() => unwrapDataKey(other, wrapped)).toThrow(/cannot unwrap data key with master key v1/);
  });

  test("a tampered wrapped key is detected", () => {
    const { store } = fresh();
    const wrapped = wrapDataKey(store, newDataKey());
    expect(() => unwrapDataKey(store, flipBit(wrapped, 2))).toThrow(EnvelopeError);
  });

  test("after a master rotation old wraps still open, and rewrap moves them to the new version without changing the data key", () => {
    const { store } = fresh();
    const dataKey = newDataKey();
    const field = encryptField(dataKey, "ana.martin@example.org", aad);
    const wrapped = wrapDataKey(store, dataKey);
    expect(store.rotate("master")).toBe(2);
    expect(unwrapDataKey(store, wrapped).equals(dataKey)).toBe(true);
    const rewrapped = rewrapDataKey(store, wrapped);
    expect(rewrapped.startsWith("mk2:")).toBe(true);
    expect(decryptField(unwrapDataKey(store, rewrapped), field, aad)).toBe("ana.martin@example.org");
    // relabelling a v1 wrap as v2 does not fool the unwrap
    expect(() => unwrapDataKey(store, wrapped.replace(/^mk1:/, "mk2:"))).toThrow(EnvelopeError);
  });
});
