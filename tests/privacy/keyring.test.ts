import * as fs from "node:fs";
import * as path from "node:path";
import { openCustomerKeyRing } from "../../lib/privacy/keyring";
import { openKeyStore } from "../../lib/privacy/keystore";
import { customerPseudonym, rekeyPseudonyms } from "../../lib/privacy/pseudonym";
import { decryptField, encryptFieldDeterministic, unwrapDataKey } from "../../lib/privacy/envelope";
import { removeTemp, tempKeyStore } from "./tempKeyStore";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTemp));
function fresh() {
  const t = tempKeyStore();
  roots.push(t.root);
  return t;
}

const emailAad = (pseudonym: string) => `customer:${pseudonym}:email`;

describe("customer key ring", () => {
  test("lives in the key directory as an owner-only file and gives back the same key after a reopen", () => {
    const { store, dir } = fresh();
    const ring = openCustomerKeyRing(store);
    expect(ring.path).toBe(path.join(dir, "customer-keys.jsonl"));
    const p = customerPseudonym(store, "C000001");
    const key = ring.getOrCreate(p);
    expect(ring.getOrCreate(p).equals(key)).toBe(true);
    ring.save();
    expect(fs.statSync(ring.path).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(ring.path, "utf8");
    expect(text).toBe(JSON.stringify({ customer_pseudonym: p, wrapped_key: ring.wrappedKey(p) }) + "\n");
    expect(text).not.toContain(key.toString("base64"));
    expect(text).not.toContain(key.toString("hex"));
    const reopened = openCustomerKeyRing(openKeyStore({ dir, log: () => {} }));
    expect(reopened.get(p)!.equals(key)).toBe(true);
  });

  test("get never creates a key", () => {
    const { store } = fresh();
    const ring = openCustomerKeyRing(store);
    expect(ring.get("cp_unknown")).toBeUndefined();
    expect(ring.has("cp_unknown")).toBe(false);
  });

  test("the file's bytes are the same across saves and reruns (reproducible builds)", () => {
    const { store, dir } = fresh();
    const ring = openCustomerKeyRing(store);
    for (const id of ["C000003", "C000001", "C000002"]) ring.getOrCreate(customerPseudonym(store, id));
    ring.save();
    const first = fs.readFileSync(ring.path);
    ring.save();
    expect(fs.readFileSync(ring.path).equals(first)).toBe(true);
    const rerun = openCustomerKeyRing(openKeyStore({ dir, log: () => {} }));
    for (const id of ["C000001", "C000002", "C000003"]) rerun.getOrCreate(customerPseudonym(store, id));
    rerun.save();
    expect(fs.readFileSync(rerun.path).equals(first)).toBe(true);
    const lines = first.toString("utf8").trim().split("\n").map((l) => JSON.parse(l).customer_pseudonym);
    expect(lines).toEqual([...lines].sort());
  });

  test("an unparseable line is reported with the file and line number", () => {
    const { store } = fresh();
    const ring = openCustomerKeyRing(store);
    ring.getOrCreate("cp_a");
    ring.save();
    fs.appendFileSync(ring.path, "{oops\n");
    expect(() => openCustomerKeyRing(store)).toThrow(`${ring.path} line 2: not valid JSON`);
  });
});

describe("crypto-shredding", () => {
  test("after shred, the customer's ciphertext cannot be decrypted with anything that remains", () => {
    const { store, dir } = fresh();
    const ring = openCustomerKeyRing(store);
    const erased = customerPseudonym(store, "C000001");
    const kept = customerPseudonym(store, "C000002");
    const ciphertext = encryptFieldDeterministic(ring.getOrCreate(erased), "ana.martin@example.org", emailAad(erased));
    const keptCiphertext = encryptFieldDeterministic(ring.getOrCreate(kept), "bob@example.org", emailAad(kept));
    ring.save();
    const wrappedBefore = ring.wrappedKey(erased)!;

    expect(ring.shred(erased)).toBe(true);
    expect(ring.shred(erased)).toBe(false);

    // no copy of the data key in memory or on disk
    expect(ring.has(erased)).toBe(false);
    expect(ring.get(erased)).toBeUndefined();
    const onDisk = fs.readFileSync(ring.path, "utf8");
    expect(onDisk).not.toContain(erased);
    expect(onDisk).not.toContain(wrappedBefore);
    const reopened = openCustomerKeyRing(openKeyStore({ dir, log: () => {} }));
    expect(reopened.has(erased)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);

    // every key that still exists fails: the master keys, the other customers' keys, and a fresh key minted for the same pseudonym
    const attempts = [
      store.masterKey().key,
      store.pseudonymKey().key,
      reopened.get(kept)!,
      ...reopened.pseudonyms().map((p) => unwrapDataKey(store, reopened.wrappedKey(p)!)),
      reopened.getOrCreate(erased),
    ];
    for (const key of attempts) expect(() => decryptField(key, ciphertext, emailAad(erased))).toThrow(/authentication failed/);

    // the other customer is untouched
    expect(decryptField(reopened.get(kept)!, keptCiphertext, emailAad(kept))).toBe("bob@example.org");
  });
});

describe("shredding many customers at once", () => {
  test("shredAll destroys every key named, once each, ignores the unknown ones, and persists them with one save", () => {
    const { store, dir } = fresh();
    const ring = openCustomerKeyRing(store);
    const ps = ["C1", "C2", "C3", "C4"].map((c) => customerPseudonym(store, c));
    for (const p of ps) ring.getOrCreate(p);
    ring.save();
    const saves = jest.spyOn(ring, "save");
    expect(ring.shredAll([ps[0], ps[2], ps[0], customerPseudonym(store, "C9")])).toBe(2);
    expect(saves).toHaveBeenCalledTimes(1);
    expect(ring.shredAll([customerPseudonym(store, "C9")])).toBe(0);
    expect(saves).toHaveBeenCalledTimes(1); // nothing shredded, nothing rewritten
    const reopened = openCustomerKeyRing(openKeyStore({ dir, log: () => {} }));
    expect(reopened.pseudonyms()).toEqual([ps[1], ps[3]].sort());
    expect(() => ring.shredAll([""])).toThrow(/non-empty string/);
  });
});

describe("master key rotation", () => {
  test("rewrapAll moves every entry to the new master version and the data stays readable", () => {
    const { store, dir } = fresh();
    const ring = openCustomerKeyRing(store);
    const p = customerPseudonym(store, "C000007");
    const ciphertext = encryptFieldDeterministic(ring.getOrCreate(p), "Lyon", `customer:${p}:city`);
    ring.getOrCreate(customerPseudonym(store, "C000008"));
    ring.save();

    store.rotate("master");
    expect(ring.rewrapAll()).toBe(2);
    expect(ring.pseudonyms().every((q) => ring.wrappedKey(q)!.startsWith("mk2:"))).toBe(true);
    expect(ring.rewrapAll()).toBe(0);

    const reopenedStore = openKeyStore({ dir, log: () => {} });
    const reopened = openCustomerKeyRing(reopenedStore);
    expect(decryptField(reopened.get(p)!, ciphertext, `customer:${p}:city`)).toBe("Lyon");
  });
});

describe("pseudonym re-keying", () => {
  test("renamePseudonyms keeps each customer's data key under the new pseudonym", () => {
    const { store } = fresh();
    const ring = openCustomerKeyRing(store);
    const ids = ["C000001", "C000002"];
    const keys = ids.map((id) => ring.getOrCreate(customerPseudonym(store, id)));
    ring.save();
    store.rotate("pseudonym");
    ring.renamePseudonyms(rekeyPseudonyms(store, ids, 1, 2));
    ids.forEach((id, i) => {
      expect(ring.has(customerPseudonym(store, id, 1))).toBe(false);
      expect(ring.get(customerPseudonym(store, id, 2))!.equals(keys[i])).toBe(true);
    });
  });

  test("a partial map is refused", () => {
    const { store } = fresh();
    const ring = openCustomerKeyRing(store);
    ring.getOrCreate("cp_a");
    ring.getOrCreate("cp_b");
    expect(() => ring.renamePseudonyms(new Map([["cp_a", "cp_c"]]))).toThrow(/no new pseudonym for cp_b/);
    expect(ring.has("cp_a")).toBe(true);
  });
});
