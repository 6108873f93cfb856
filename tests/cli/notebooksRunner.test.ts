/**
 * `npm run notebooks` (lib/cli/notebooks.ts): the notebooks, then their solutions, and never raw
 * personal data left in staging afterwards, whether every notebook passed or one failed.
 * A stand-in for `jupyter` on PATH "executes" a notebook: it stages the files notebooks 01 and
 * 02 stage (the split and cleansed customers, order lines, rejects), and fails when the
 * notebook's first cell says `fail`. The real kernel runs in CI (`npm run notebooks`).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { listNotebooks, normaliseNotebook, runNotebooks, serialiseNotebook, type Notebook } from "../../lib/cli/notebooks";

const FAKE_JUPYTER = `#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const file = process.argv[process.argv.length - 1];
const nb = JSON.parse(fs.readFileSync(file, "utf8"));
const source = nb.cells[0].source.join("");
fs.appendFileSync(path.join(process.cwd(), "executed.txt"), path.basename(path.dirname(file)) + "/" + path.basename(file) + "\\n");
for (const stage of ["split", "clean"]) {
  const dir = path.join(process.cwd(), "outputs", "staging", stage);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ["customers.parquet", "order_lines.parquet", "rejects.csv", "manifest.json"]) fs.writeFileSync(path.join(dir, f), "staged");
}
if (source.includes("fail")) { process.stderr.write("boom\\n"); process.exit(1); }
nb.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: ["ran\\n"] }];
fs.writeFileSync(file, JSON.stringify(nb));
`;

function notebook(source: string): string {
  const nb = { cells: [{ cell_type: "code", source: [source], metadata: {}, outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  return serialiseNotebook(normaliseNotebook(nb as unknown as Notebook));
}

function project(notebooks: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "workbook-notebooks-"));
  mkdirSync(join(root, "node_modules", ".bin"), { recursive: true });
  writeFileSync(join(root, "package.json"), "{}");
  writeFileSync(join(root, "node_modules", ".bin", "tslab"), "");
  for (const [name, source] of Object.entries(notebooks)) {
    mkdirSync(join(root, "notebooks", name, ".."), { recursive: true });
    writeFileSync(join(root, "notebooks", name), notebook(source));
  }
  return root;
}

const staged = (root: string) =>
  ["split", "clean"].flatMap((s) => ["customers.parquet", "order_lines.parquet", "rejects.csv", "manifest.json"].filter((f) => existsSync(join(root, "outputs", "staging", s, f))).map((f) => `${s}/${f}`));

describe("the notebook runner", () => {
  const path0 = process.env.PATH;
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), "workbook-fake-jupyter-"));
    for (const name of ["jupyter", "jupyter-nbconvert"]) {
      writeFileSync(join(bin, name), FAKE_JUPYTER);
      chmodSync(join(bin, name), 0o755);
    }
    process.env.PATH = `${bin}:${path0}`;
  });
  afterAll(() => {
    process.env.PATH = path0;
  });

  test("runs notebooks/*.ipynb in name order, then notebooks/solutions/*.ipynb, and writes each back in place", () => {
    const root = project({ "02_b.ipynb": "2", "01_a.ipynb": "1", "solutions/02_b.ipynb": "2s", "solutions/01_a.ipynb": "1s" });
    expect(listNotebooks(root).map((f) => f.slice(root.length + 1))).toEqual([
      "notebooks/01_a.ipynb",
      "notebooks/02_b.ipynb",
      "notebooks/solutions/01_a.ipynb",
      "notebooks/solutions/02_b.ipynb",
    ]);
    expect(listNotebooks(root, ["solutions/02_b"])).toEqual([join(root, "notebooks", "solutions", "02_b.ipynb")]);
    const runs = runNotebooks([], { root, log: () => {} });
    expect(runs.map((r) => r.notebook)).toEqual(["notebooks/01_a.ipynb", "notebooks/02_b.ipynb", "notebooks/solutions/01_a.ipynb", "notebooks/solutions/02_b.ipynb"]);
    expect(readFileSync(join(root, "executed.txt"), "utf8")).toBe("run/01_a.ipynb\nrun/02_b.ipynb\nsolutions/01_a.ipynb\nsolutions/02_b.ipynb\n");
    expect(readFileSync(join(root, "notebooks", "solutions", "01_a.ipynb"), "utf8")).toContain("ran");
    expect(readFileSync(join(root, "notebooks", "01_a.ipynb"), "utf8")).toContain("ran");
  });

  test("without a solutions folder, only the notebooks run", () => {
    const root = project({ "01_a.ipynb": "1" });
    expect(runNotebooks([], { root, log: () => {} }).map((r) => r.notebook)).toEqual(["notebooks/01_a.ipynb"]);
  });

  test("after the notebooks, no raw personal data is left in staging (the manifests stay)", () => {
    const root = project({ "01_a.ipynb": "1", "02_b.ipynb": "2" });
    const lines: string[] = [];
    runNotebooks([], { root, log: (l) => lines.push(l) });
    expect(staged(root)).toEqual(["split/manifest.json", "clean/manifest.json"]);
    expect(lines[lines.length - 1]).toMatch(/^purged 6 staged file\(s\) holding personal data that the notebooks staged: split\/customers\.parquet/);
  });

  test("a failing notebook stops the run, and staging is purged all the same", () => {
    const root = project({ "01_a.ipynb": "1", "02_b.ipynb": "fail", "03_c.ipynb": "3" });
    expect(() => runNotebooks([], { root, log: () => {} })).toThrow(/notebooks\/02_b\.ipynb failed after/);
    expect(readFileSync(join(root, "executed.txt"), "utf8")).toBe("run/01_a.ipynb\nrun/02_b.ipynb\n");
    expect(staged(root)).toEqual(["split/manifest.json", "clean/manifest.json"]);
    expect(existsSync(join(root, "outputs", ".run.lock"))).toBe(false);
  });

  test("the notebooks do not run while a pipeline run holds the outputs", () => {
    const root = project({ "01_a.ipynb": "1" });
    mkdirSync(join(root, "outputs"), { recursive: true });
    // This test's own process holds the lock: alive, so not stale.
    writeFileSync(join(root, "outputs", ".run.lock"), JSON.stringify({ pid: process.pid, startTime: null, host: hostname(), command: "npm start", since: "2025-01-01T00:00:00Z" }));
    expect(() => runNotebooks([], { root, log: () => {} })).toThrow(`another run is in progress (process ${process.pid}, \`npm start\``);
    expect(existsSync(join(root, "executed.txt"))).toBe(false);
  });
});
