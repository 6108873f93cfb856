/**
 * Issue 26 item 4: fuzzed exports (lib/bench/fuzz/shapes.ts) through split and cleanse as the
 * pipeline runs them. Whatever the bytes, a stage either stops with an InputError whose one line
 * names the file and the fix, or completes with every record accounted for (split: read = sale +
 * stock + master + rejected, each reject with its line and reason; cleanse: per entity rows in =
 * kept + collapsed + rejected, checked against the files). A fixed seed, so CI replays the same
 * cases; `npm run fuzz` runs many more, with bigger files, and bounds the seconds per MiB (no
 * timing here: a loaded machine must not fail this suite). A failure prints the case's mutations.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import { fuzzKeyStore, runFuzzCase } from "../../lib/bench/fuzz/runCase";
import { fuzzedExport, loadBaseExport, type BaseExport, type FuzzExport, type ShapeFamily } from "../../lib/bench/fuzz/shapes";

jest.setTimeout(600_000);

/** The CI seed: change it only on purpose (a new set of cases). */
const SEED = 20260426;

let base: BaseExport;
let work: string;
const keys = fuzzKeyStore();

beforeAll(async () => {
  base = await loadBaseExport();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-fuzz-"));
});
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  keys.dispose();
});

async function property(family: ShapeFamily, numRuns: number, expected: (fuzz: FuzzExport, outcome: string) => void): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fuzzedExport(base, family), async (fuzz) => {
      const result = await runFuzzCase(fuzz, work, keys.keyStore);
      expect({ mutations: fuzz.mutations, problems: result.problems }).toEqual({ mutations: fuzz.mutations, problems: [] });
      expected(fuzz, result.outcome);
    }),
    { seed: SEED, numRuns },
  );
}

describe("fuzzed exports through split and cleanse (fixed seed)", () => {
  test("hostile values, BOM, CRLF/LF, long fields, rows of the wrong width: every record read and accounted for", async () => {
    await property("well-formed", 24, (fuzz, outcome) => {
      if (!fuzz.mayRefuse) expect(outcome).toBe("completed");
    });
  });

  test("a wrong header or bytes that are never UTF-8: an InputError naming the file and the fix", async () => {
    await property("unusable", 12, (_, outcome) => expect(outcome).toBe("input-error"));
  });

  test("random bytes, raw NULs, stray quotes, a truncated end: an InputError or a complete account, never a crash", async () => {
    await property("damaged", 40, (_, outcome) => expect(["completed", "input-error"]).toContain(outcome));
  });

  test("the generators produce every kind of damage they promise (the suite cannot pass on tame files)", () => {
    const kinds = (family: ShapeFamily) => fc.sample(fuzzedExport(base, family), { seed: SEED, numRuns: 300 }).flatMap((c) => c.mutations).join("\n");
    const wellFormed = kinds("well-formed");
    for (const kind of ["hostile value", "unicode value", "code points value", "long (", "repeated", "a field too many", "a field too few", "BOM", "CRLF/LF mixed", "every field quoted", "no final newline"]) {
      expect(wellFormed).toContain(kind);
    }
    const unusable = kinds("unusable");
    for (const kind of ["columns in another order", "missing", "an extra column", "renamed", "invalid utf-8 at byte"]) expect(unusable).toContain(kind);
    const damaged = kinds("damaged");
    for (const kind of ["random bytes at byte", "nul bytes at byte", "stray quote at byte", "lone cr at byte", "truncated at byte", "invalid utf-8 at byte"]) expect(damaged).toContain(kind);
  });
});
