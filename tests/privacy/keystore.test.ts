import * as fs from "node:fs";
import * as path from "node:path";
import * as util from "node:util";
import { KeyStoreError, keyDirectory, openKeyStore } from "../../lib/privacy/keystore";
import { removeTemp, tempDir, tempKeyStore } from "./tempKeyStore";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTemp));

function fresh() {
  const t = tempKeyStore();
  roots.push(t.root);
  return t;
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

function reopen(dir: string, messages: string[] = []) {
  return openKeyStore({ dir, log: (m) => messages.push(m) });
}

function errorOf(fn: () => unknown): KeyStoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KeyStoreError);
    return err as KeyStoreError;
  }
  throw new Error("expected a KeyStoreError, nothing was thrown");
}

describe("keyDirectory", () => {
  const saved = process.env.WORKBOOK_KEY_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.WORKBOOK_KEY_DIR;
    else process.env.WORKBOOK_KEY_DIR = saved;
  });

  test("defaults to .keys/ at the project root (the directory holding package.json)", () => {
    delete process.env.WORKBOOK_KEY_DIR;
    const dir = keyDirectory();
    expect(path.basename(dir)).toBe(".keys");
    expect(fs.existsSync(path.join(path.dirname(dir), "package.json"))).toBe(true);
  });

  test("WORKBOOK_KEY_DIR overrides it", () => {
    process.env.WORKBOOK_KEY_DIR = "/srv/workbook-keys";
    expect(keyDirectory()).toBe("/srv/workbook-keys");
  });
});

describe("openKeyStore on a fresh machine", () => {
  test("creates an owner-only directory, two 0600 key files and a manifest, and says so once", () => {
    const { store, dir, messages } = fresh();
    expect(store.dir).toBe(dir);
    expect(mode(dir)).toBe(0o700);
    expect(fs.readdirSync(dir).sort()).toEqual(["keystore.json", "master.v1.key", "pseudonym.v1.key"]);
    expect(mode(path.join(dir, "pseudonym.v1.key"))).toBe(0o600);
    expect(mode(path.join(dir, "master.v1.key"))).toBe(0o600);
    expect(messages).toEqual([
      `created new keys in ${dir} (owner-only); back them up: losing the master key makes the encrypted core unreadable`,
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "keystore.json"), "utf8"));
    expect(manifest.current).toEqual({ pseudonym: 1, master: 1 });
    expect(manifest.keys.master[0].checkValue).toMatch(/^[0-9a-f]{64}$/);
    expect(store.pseudonymKey().key).toHaveLength(32);
    expect(store.masterKey().key).toHaveLength(32);
    expect(store.pseudonymKey().key.equals(store.masterKey().key)).toBe(false);
  });

  test("the manifest holds check values, not the keys", () => {
    const { store, dir } = fresh();
    const manifest = fs.readFileSync(path.join(dir, "keystore.json"), "utf8");
    for (const k of [store.pseudonymKey().key, store.masterKey().key]) {
      expect(manifest).not.toContain(k.toString("hex"));
      expect(manifest).not.toContain(k.toString("base64"));
    }
  });

  test("an existing empty directory counts as fresh", () => {
    const root = tempDir();
    roots.push(root);
    const messages: string[] = [];
    openKeyStore({ dir: root, log: (m) => messages.push(m) });
    expect(messages).toHaveLength(1);
    expect(mode(root)).toBe(0o700);
  });

  test("createIfMissing: false refuses to invent keys", () => {
    const root = tempDir();
    roots.push(root);
    const dir = path.join(root, "keys");
    const err = errorOf(() => openKeyStore({ dir, createIfMissing: false, log: () => {} }));
    expect(err.message).toContain(path.join(dir, "keystore.json"));
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe("openKeyStore on a later run", () => {
  test("reopens the same keys silently", () => {
    const { store, dir } = fresh();
    const messages: string[] = [];
    const again = reopen(dir, messages);
    expect(messages).toEqual([]);
    expect(again.pseudonymKey().key.equals(store.pseudonymKey().key)).toBe(true);
    expect(again.masterKey().key.equals(store.masterKey().key)).toBe(true);
  });

  test("a missing key file is a KeyStoreError naming the file and the fix, and no key is regenerated", () => {
    const { dir } = fresh();
    const file = path.join(dir, "master.v1.key");
    fs.rmSync(file);
    const err = errorOf(() => reopen(dir));
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/missing/);
    expect(err.message).toMatch(/restore it from your key backup/);
    expect(err.message).toMatch(/delete the whole directory/);
    expect(fs.existsSync(file)).toBe(false);
  });

  test("a truncated key file is a KeyStoreError (wrong length)", () => {
    const { dir } = fresh();
    const file = path.join(dir, "pseudonym.v1.key");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").slice(0, 40) + "\n");
    const err = errorOf(() => reopen(dir));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/wrong length, expected 32 bytes/);
  });

  test("one flipped character is caught by the SHA-256 check value", () => {
    const { dir } = fresh();
    const file = path.join(dir, "master.v1.key");
    const hex = fs.readFileSync(file, "utf8");
    const flipped = (hex[10] === "a" ? "b" : "a") + "";
    fs.writeFileSync(file, hex.slice(0, 10) + flipped + hex.slice(11));
    const err = errorOf(() => reopen(dir));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/check value does not match/);
  });

  test("a key file that is not hex is a KeyStoreError (bad encoding)", () => {
    const { dir } = fresh();
    const file = path.join(dir, "pseudonym.v1.key");
    fs.writeFileSync(file, "z".repeat(64) + "\n");
    expect(errorOf(() => reopen(dir)).message).toMatch(/hexadecimal/);
  });

  test("keys swapped between files are caught", () => {
    const { dir } = fresh();
    const p = path.join(dir, "pseudonym.v1.key");
    const m = path.join(dir, "master.v1.key");
    const pk = fs.readFileSync(p);
    fs.writeFileSync(p, fs.readFileSync(m));
    fs.writeFileSync(m, pk);
    expect(errorOf(() => reopen(dir)).message).toMatch(/check value/);
  });

  test("a lost manifest next to existing keys is an error, never a fresh start", () => {
    const { dir } = fresh();
    fs.rmSync(path.join(dir, "keystore.json"));
    const before = fs.readFileSync(path.join(dir, "master.v1.key"));
    const err = errorOf(() => reopen(dir));
    expect(err.message).toMatch(/manifest .* is missing/);
    expect(fs.readFileSync(path.join(dir, "master.v1.key")).equals(before)).toBe(true);
    expect(fs.existsSync(path.join(dir, "keystore.json"))).toBe(false);
  });

  test("a corrupt manifest is a KeyStoreError naming it", () => {
    const { dir } = fresh();
    fs.writeFileSync(path.join(dir, "keystore.json"), "{ not json");
    expect(errorOf(() => reopen(dir)).file).toBe(path.join(dir, "keystore.json"));
  });

  test("a key file readable by others is refused; a group-readable directory is warned about", () => {
    const { dir } = fresh();
    const file = path.join(dir, "pseudonym.v1.key");
    fs.chmodSync(file, 0o644);
    expect(errorOf(() => reopen(dir)).message).toContain(`chmod 600 ${file}`);
    fs.chmodSync(file, 0o600);
    fs.chmodSync(dir, 0o750);
    const messages: string[] = [];
    reopen(dir, messages);
    expect(messages).toEqual([expect.stringContaining(`chmod 700 ${dir}`)]);
  });
});

describe("rotation", () => {
  test("adds a version, makes it current, keeps the old one, and survives a reopen", () => {
    const { store, dir } = fresh();
    const v1 = store.pseudonymKey().key;
    expect(store.rotate("pseudonym")).toBe(2);
    expect(store.currentVersion("pseudonym")).toBe(2);
    expect(store.currentVersion("master")).toBe(1);
    expect(store.pseudonymKey().key.equals(v1)).toBe(false);
    expect(store.pseudonymKey(1).key.equals(v1)).toBe(true);
    expect(mode(path.join(dir, "pseudonym.v2.key"))).toBe(0o600);
    const again = reopen(dir);
    expect(again.currentVersion("pseudonym")).toBe(2);
    expect(again.pseudonymKey(1).key.equals(v1)).toBe(true);
    expect(again.pseudonymKey(2).key.equals(store.pseudonymKey(2).key)).toBe(true);
  });

  test("an unknown version is a clear error", () => {
    const { store } = fresh();
    expect(() => store.masterKey(7)).toThrow(/no master key version 7/);
  });
});

describe("no key material in string forms", () => {
  test("inspect, JSON, String and template literals show the directory, never the keys", () => {
    const { store, dir } = fresh();
    store.rotate("master");
    const keys = [store.pseudonymKey(1).key, store.masterKey(1).key, store.masterKey(2).key];
    const renderings = [
      util.inspect(store, { showHidden: true, depth: Infinity }),
      util.format("%o", store),
      JSON.stringify(store),
      String(store),
      `${store}`,
      JSON.stringify(Object.entries(store)),
    ];
    for (const text of renderings) {
      for (const k of keys) {
        expect(text).not.toContain(k.toString("hex"));
        expect(text).not.toContain(k.toString("base64"));
        expect(text).not.toContain(k.toString("hex").slice(0, 16));
      }
    }
    expect(String(store)).toContain(dir);
  });

  test("a returned key is a copy: mutating it does not corrupt the store", () => {
    const { store } = fresh();
    const k = store.masterKey().key;
    const copy = Buffer.from(k);
    k.fill(0);
    expect(store.masterKey().key.equals(copy)).toBe(true);
  });
});
