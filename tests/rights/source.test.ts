/**
 * The rights commands that rerun the pipeline rebuild from the source the current warehouse was
 * built from (outputs/warehouse/source.json), never silently from the bundled synthetic export,
 * and refuse, before recording anything, when that source is missing or changed unless --input
 * names another one (lib/cli/source.ts).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readWarehouseSource, recordWarehouseSource, sourceForRerun } from "../../lib/cli/source";
import { projectRoot } from "../../lib/io/paths";
import { InputError } from "../../lib/raw/inputError";
import { createSandboxProject } from "../helpers/sandboxProject";

function warehouseBuiltFrom(input: string, profile = "online-retail"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-source-"));
  const clean = path.join(dir, "clean");
  fs.mkdirSync(clean);
  const sha256 = createHash("sha256").update(fs.readFileSync(input)).digest("hex");
  fs.writeFileSync(path.join(clean, "manifest.json"), JSON.stringify({ source: { file: path.relative(projectRoot(), input), profile, sha256 } }));
  recordWarehouseSource(path.join(dir, "warehouse"), clean);
  return path.join(dir, "warehouse");
}

describe("the source a rerun builds from", () => {
  let dir: string;
  let input: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-export-"));
    input = path.join(dir, "their-export.csv");
    fs.writeFileSync(input, "InvoiceNo,StockCode\n1,2\n");
  });

  test("is the recorded one (file and profile), with a path relative to the project and no timestamp", () => {
    const warehouse = warehouseBuiltFrom(input);
    expect(readWarehouseSource(warehouse)).toEqual({ input: path.relative(projectRoot(), input), profile: "online-retail", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(sourceForRerun(warehouse, {})).toEqual({ input, profile: "online-retail" });
  });

  test("refuses when the recorded export changed or is gone, and says to pass --input", () => {
    const warehouse = warehouseBuiltFrom(input);
    fs.appendFileSync(input, "3,4\n");
    expect(() => sourceForRerun(warehouse, {})).toThrow(InputError);
    expect(() => sourceForRerun(warehouse, {})).toThrow(/the export changed since the warehouse was built from it .* pass --input <export>/);
    fs.rmSync(input);
    expect(() => sourceForRerun(warehouse, {})).toThrow(/the export the warehouse was built from .* is missing\. Fix: restore it, or pass --input/);
  });

  test("refuses another profile without --input, and takes another source when --input says so", () => {
    const warehouse = warehouseBuiltFrom(input);
    expect(() => sourceForRerun(warehouse, { profile: "default" })).toThrow(/built with profile "online-retail", not "default"/);
    const other = path.join(dir, "other.csv");
    fs.writeFileSync(other, "x\n");
    expect(sourceForRerun(warehouse, { input: other, profile: "default" })).toEqual({ input: other, profile: "default" });
    expect(() => sourceForRerun(warehouse, { input: path.join(dir, "missing.csv") })).toThrow(/input file not found/);
  });

  test("refuses when there is a warehouse that does not say what it was built from", () => {
    const warehouse = path.join(dir, "warehouse");
    fs.mkdirSync(warehouse);
    expect(() => sourceForRerun(warehouse, {})).toThrow(/no warehouse to rerun/);
    fs.writeFileSync(path.join(warehouse, "core.duckdb"), "");
    expect(() => sourceForRerun(warehouse, {})).toThrow(/does not record which export it was built from/);
  });
});

test("from the command line: erase and retention refuse to rebuild from a changed export, before recording anything (exit 2, no stack trace)", () => {
  const sb = createSandboxProject({ rows: 500 });
  try {
    const theirs = path.join(sb.root, "their-export.csv.gz");
    fs.copyFileSync(path.join(sb.root, "data", "raw", "export.csv.gz"), theirs);
    const sha256 = createHash("sha256").update(fs.readFileSync(theirs)).digest("hex");
    fs.mkdirSync(path.join(sb.root, "outputs", "warehouse"), { recursive: true });
    fs.writeFileSync(path.join(sb.root, "outputs", "warehouse", "source.json"), JSON.stringify({ input: "their-export.csv.gz", profile: "default", sha256 }));
    fs.writeFileSync(theirs, "changed");
    for (const args of [["rights", "erase", "C000001"], ["rights", "retention", "--as-of", "2030-01-01"], ["rights", "rotate-key", "pseudonym"]]) {
      const result = sb.cli(...args);
      expect({ args, status: result.status }).toEqual({ args, status: 2 });
      expect(result.stderr).toMatch(/^error: .*their-export\.csv\.gz: the export changed since the warehouse was built from it/m);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    // Nothing was recorded: no ledger, no audit entry, no key rotated.
    expect(fs.existsSync(path.join(sb.root, "outputs", "privacy"))).toBe(false);
    expect(fs.existsSync(sb.keyDir)).toBe(false);
  } finally {
    fs.rmSync(path.dirname(sb.root), { recursive: true, force: true });
  }
}, 300_000);
