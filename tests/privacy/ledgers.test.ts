/** The erasure ledger (lib/privacy/ledgers.ts): one entry per erased customer and pseudonym key, numbered in order, recorded once. */
import * as fs from "node:fs";
import * as path from "node:path";
import { ERASURE_LEDGER_FILE, erasedPseudonyms, readErasures, recordErasure, recordErasures } from "../../lib/privacy/ledgers";
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
