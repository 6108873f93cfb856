/** The erasure ledger (lib/privacy/ledgers.ts): one entry per erased customer and pseudonym key, numbered in order, recorded once. */
import * as fs from "node:fs";
import * as path from "node:path";
import { ERASURE_LEDGER_FILE, erasedPseudonyms, LEDGER_KEY_FILE, LedgerError, readErasures, recordErasure, recordErasures, rectificationSource, rewriteLedgers } from "../../lib/privacy/ledgers";
import { removeTemp, tempKeyStore } from "./tempKeyStore";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTemp));

test("recordErasures records many customers at once, numbered after the entries before, each once", () => {
  const { store, root } = tempKeyStore();
  roots.push(root);
  const privacyDir = path.join(root, "privacy");
  const first = recordErasure(privacyDir, store, "cp_a", "erasure-request", "2026-12-01T00:00:00.000Z");
  expect(first.seq).toBe(1);
  const entries = recordErasures(privacyDir, store, ["cp_b", "cp_a", "cp_c", "cp_b"], "retention", "2026-12-02T00:00:00.000Z");
  // In the order given; a customer already in the ledger, or named twice, keeps its one entry.
  expect(entries.map((e) => [e.seq, e.customer_pseudonym, e.reason])).toEqual([
    [2, "cp_b", "retention"],
    [1, "cp_a", "erasure-request"],
    [3, "cp_c", "retention"],
    [2, "cp_b", "retention"],
  ]);
  expect(readErasures(privacyDir).map((e) => e.seq)).toEqual([1, 2, 3]);
  expect(fs.readFileSync(path.join(privacyDir, ERASURE_LEDGER_FILE), "utf8").split("\n").filter(Boolean)).toHaveLength(3);
  expect([...erasedPseudonyms(privacyDir, store)].sort()).toEqual(["cp_a", "cp_b", "cp_c"]);
  // Nothing new: nothing written.
  const before = fs.readFileSync(path.join(privacyDir, ERASURE_LEDGER_FILE), "utf8");
  expect(recordErasures(privacyDir, store, ["cp_c"], "retention").map((e) => e.seq)).toEqual([3]);
  expect(fs.readFileSync(path.join(privacyDir, ERASURE_LEDGER_FILE), "utf8")).toBe(before);
});

test("ledgers read or written with another key store's pseudonym key stop with the fix: erased customers were not recognised and came back", () => {
  const { store, root } = tempKeyStore();
  const other = tempKeyStore();
  roots.push(root, other.root);
  const privacyDir = path.join(root, "privacy");
  recordErasures(privacyDir, store, ["cp_a", "cp_b"], "erasure-request", "2026-12-01T00:00:00.000Z");
  expect(fs.existsSync(path.join(privacyDir, LEDGER_KEY_FILE))).toBe(true);
  // Both stores have a pseudonym key v1: the version check alone let the other one through.
  expect(other.store.currentVersion("pseudonym")).toBe(store.currentVersion("pseudonym"));
  const before = fs.readFileSync(path.join(privacyDir, ERASURE_LEDGER_FILE), "utf8");
  const refusal = new RegExp(`ledgers in .* were written under pseudonym key v1 of another key store than ${other.dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*Fix: set WORKBOOK_KEY_DIR to the key directory that wrote them`);
  expect(() => erasedPseudonyms(privacyDir, other.store)).toThrow(LedgerError);
  expect(() => erasedPseudonyms(privacyDir, other.store)).toThrow(refusal);
  expect(() => recordErasures(privacyDir, other.store, ["cp_c"], "retention")).toThrow(refusal);
  expect(() => rectificationSource(privacyDir, () => other.store)(["C1"])).not.toThrow(); // no rectification yet: nothing to read
  expect(fs.readFileSync(path.join(privacyDir, ERASURE_LEDGER_FILE), "utf8")).toBe(before);
  // The key store that wrote them reads them; after a rotation and the re-keying, the new version is the ledgers' key.
  expect([...erasedPseudonyms(privacyDir, store)].sort()).toEqual(["cp_a", "cp_b"]);
  const v2 = store.rotate("pseudonym");
  rewriteLedgers(privacyDir, store, new Map([["cp_a", "cp_a2"], ["cp_b", "cp_b2"]]), v2, (_o, _n, _c, v) => v);
  expect([...erasedPseudonyms(privacyDir, store)].sort()).toEqual(["cp_a2", "cp_b2"]);
  expect(JSON.parse(fs.readFileSync(path.join(privacyDir, LEDGER_KEY_FILE), "utf8")).pseudonym.version).toBe(v2);
});
