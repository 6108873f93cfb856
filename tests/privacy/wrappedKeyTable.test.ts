import * as crypto from "node:crypto";
import { newDataKey, unwrapDataKey, wrapDataKeyDeterministic, wrapDataKeyDeterministicParts } from "../../lib/privacy/envelope";
import { WrappedKeyTable } from "../../lib/privacy/wrappedKeyTable";
import { removeTemp, tempKeyStore } from "./tempKeyStore";

const wrappedOf = (i: number) => {
  const part = (bytes: number) => crypto.createHash("sha256").update(`${i}:${bytes}`).digest().subarray(0, bytes).toString("base64");
  return `mk${1 + (i % 3)}:${part(12)}:${part(32)}:${part(16)}`;
};

describe("WrappedKeyTable: the key ring's wrapped keys, compact", () => {
  test("gives back exactly the string set, over several chunks of slots", () => {
    const table = new WrappedKeyTable();
    const n = 150_000; // more than two chunks of 65,536 slots
    for (let i = 0; i < n; i++) table.set(`cp_${i}`, wrappedOf(i));
    expect(table.size).toBe(n);
    for (const i of [0, 1, 65_535, 65_536, 131_072, n - 1]) expect(table.get(`cp_${i}`)).toBe(wrappedOf(i));
    expect(table.has("cp_x")).toBe(false);
    expect(table.get("cp_x")).toBeUndefined();
    expect([...table.keys()].length).toBe(n);
  });

  test("a key ring line is the JSON of the pair, byte for byte, for every kind of entry", () => {
    const table = new WrappedKeyTable();
    const line = (p: string) => JSON.stringify({ customer_pseudonym: p, wrapped_key: table.get(p)! }) + "\n";
    for (let i = 0; i < 70_000; i += 7) table.set(`cp_${i}`, wrappedOf(i)); // slots in two chunks
    table.set('cp_"quoted\\', wrappedOf(1)); // a pseudonym JSON escapes
    table.set("cp_é", wrappedOf(2));
    table.set("cp_other", "mk1:not-canonical"); // kept as a string, not in a slot
    table.setParts("cp_parts", { version: 4_000_000_000, iv: Buffer.alloc(12, 1), ct: Buffer.alloc(32, 255), tag: Buffer.alloc(16, 62) });
    for (const p of table.keys()) expect(table.jsonLine(p)).toBe(line(p));
    expect(table.jsonLine("cp_x")).toBeUndefined();
  });

  test("a real wrapped key round-trips and still unwraps", () => {
    const { store, root } = tempKeyStore();
    const key = newDataKey();
    const wrapped = wrapDataKeyDeterministic(store, key, "cp_a");
    const table = new WrappedKeyTable().set("cp_a", wrapped);
    expect(table.get("cp_a")).toBe(wrapped);
    expect(unwrapDataKey(store, table.get("cp_a")!).equals(key)).toBe(true);
    // The key ring's path: the parts, never the string, give the same string back.
    table.setParts("cp_b", wrapDataKeyDeterministicParts(store, key, "cp_b"));
    expect(table.get("cp_b")).toBe(wrapDataKeyDeterministic(store, key, "cp_b"));
    expect(() => table.setParts("cp_c", { version: 0, iv: Buffer.alloc(12), ct: Buffer.alloc(32), tag: Buffer.alloc(16) })).toThrow(/master key version/);
    expect(() => table.setParts("cp_c", { version: 1, iv: Buffer.alloc(11), ct: Buffer.alloc(32), tag: Buffer.alloc(16) })).toThrow(/12-byte IV/);
    expect(table.has("cp_c")).toBe(false);
    removeTemp(root);
  });

  test("a string not in the canonical form is kept as it is, never re-spelled", () => {
    const canonical = wrappedOf(7);
    // The last base64 character before '==' carries 4 unused bits: flipping one spells the same bytes differently.
    const parts = canonical.split(":");
    const tag = parts[3];
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const last = alphabet.indexOf(tag[21]);
    const variant = `${parts[0]}:${parts[1]}:${parts[2]}:${tag.slice(0, 21)}${alphabet[last ^ 1]}==`;
    expect(Buffer.from(variant.split(":")[3], "base64").equals(Buffer.from(tag, "base64"))).toBe(true);
    const table = new WrappedKeyTable().set("a", variant).set("b", "mk0:not:a:key").set("c", canonical);
    expect(table.get("a")).toBe(variant);
    expect(table.get("b")).toBe("mk0:not:a:key");
    expect(table.get("c")).toBe(canonical);
    expect(table.size).toBe(3);
    expect([...table.keys()].sort()).toEqual(["a", "b", "c"]);
  });

  test("set replaces, delete forgets, and a freed slot is reused without showing the old key", () => {
    const table = new WrappedKeyTable();
    table.set("p", wrappedOf(1)).set("q", wrappedOf(2));
    table.set("p", wrappedOf(3));
    expect(table.get("p")).toBe(wrappedOf(3));
    expect(table.size).toBe(2);
    expect(table.delete("q")).toBe(true);
    expect(table.delete("q")).toBe(false);
    expect(table.has("q")).toBe(false);
    table.set("r", wrappedOf(4));
    expect(table.get("r")).toBe(wrappedOf(4));
    expect(table.get("p")).toBe(wrappedOf(3));
    expect([...table.keys()].sort()).toEqual(["p", "r"]);
  });
});

describe("newDataKey", () => {
  test("32 fresh bytes each time, across the blocks it draws from the CSPRNG, each key its own buffer", () => {
    const keys = Array.from({ length: 3000 }, () => newDataKey()); // about three 32 KiB blocks
    expect(keys.every((k) => k.length === 32)).toBe(true);
    expect(new Set(keys.map((k) => k.toString("hex"))).size).toBe(keys.length);
    // Each key is its own buffer: wiping one leaves the others.
    keys[0].fill(0);
    expect(keys[1].equals(Buffer.alloc(32))).toBe(false);
  });
});
