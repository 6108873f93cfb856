import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defectsFileOf, reconcileDefects, type DefectReconciliation } from "../../lib/quality/defectReconciliation";
import { loadProfile } from "../../lib/raw/profile";

// Injected against caught, on the bundled export and the committed manifests of its last run: the
// counts notebook 01 shows. The export is the test's answer key (its generator's ledger).
const root = resolve(__dirname, "..", "..");
const input = join(root, "data", "raw", "export.csv.gz");
const ledger = JSON.parse(readFileSync(defectsFileOf(input), "utf8"));
const manifest = (stage: string) => JSON.parse(readFileSync(join(root, "outputs", "staging", stage, "manifest.json"), "utf8"));

let rows: DefectReconciliation[];
beforeAll(async () => {
  // After `npm start -- --input <another export>` the manifests are that run's: say so, rather
  // than compare another export's counts with this ledger.
  const sha256 = createHash("sha256").update(readFileSync(input)).digest("hex");
  for (const stage of ["split", "clean"]) {
    if (manifest(stage).source.sha256 !== sha256) {
      throw new Error(`outputs/staging/${stage}/manifest.json is from a run of another export, not data/raw/export.csv.gz: run \`npm start\` (the bundled export) first, or \`git checkout outputs\``);
    }
  }
  rows = await reconcileDefects({
    input,
    profile: loadProfile("default"),
    injected: ledger.defectsInjected,
    missingValueRate: ledger.defectRates.missingValue,
    splitManifest: manifest("split"),
    cleanManifest: manifest("clean"),
  });
}, 300_000);

const row = (defect: string) => rows.find((r) => r.defect === defect)!;

test("duplicates: the export holds exactly the copies the ledger injected, and their split explains the cleanser's counts", () => {
  for (const defect of ["exactDuplicate", "nearDuplicate"]) {
    expect(row(defect).foundInExport).toBe(ledger.defectsInjected[defect]);
    expect(row(defect).difference).toBe(0);
  }
  // Each explanation ends with the manifest's own figure: the steps add up to it.
  const sumsTo = (r: DefectReconciliation) => Number(/= ([\d,]+)/.exec(r.explanation)![1].replace(/,/g, ""));
  expect(sumsTo(row("exactDuplicate"))).toBe(row("exactDuplicate").caught);
  expect(sumsTo(row("nearDuplicate"))).toBe(row("nearDuplicate").caught);
});

test("row flags: export rows - removed copies - rejected lines = the flags cleansing reports", () => {
  for (const defect of ["returnLine", "zeroPrice"]) {
    const r = row(defect);
    const [found, copies, rejected, kept] = /([\d,]+) rows - ([\d,]+) on duplicate copies removed - ([\d,]+) on lines rejected for a missing required value = ([\d,]+) flagged/
      .exec(r.explanation)!.slice(1).map((n) => Number(n.replace(/,/g, "")));
    expect(found).toBe(r.foundInExport);
    expect(found - copies - rejected).toBe(kept);
    expect(kept).toBe(r.caught);
  }
});

test("every kind counted again meets the ledger, or falls short only by what later missing values can have erased", () => {
  const rate = ledger.defectRates.missingValue;
  const measured = rows.filter((r) => r.foundInExport !== null);
  expect(measured.length).toBeGreaterThanOrEqual(8);
  for (const r of measured) {
    expect(r.difference).toBeLessThanOrEqual(0);
    // Erased defects follow the missing-value rate: allow four times the expectation, plus a few.
    expect(-r.difference!).toBeLessThanOrEqual(Math.ceil(4 * rate * r.injected) + 5);
  }
  const newlines = row("embeddedNewline");
  expect(newlines.explanation).not.toMatch(/off by/);
});
