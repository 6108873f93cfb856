/**
 * `npm run notebooks` (lib/cli/notebooks.ts): the notebooks, then their solutions, and never raw
 * personal data left in staging afterwards, whether every notebook passed or one failed.
 * A stand-in for `jupyter` on PATH "executes" a notebook: it stages the files notebooks 01 and
 * 02 stage (the split and cleansed customers, order lines, rejects), and fails when the
 * notebook's first cell says `fail`. The real kernel runs in CI (`npm run notebooks`).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  listNotebooks,
  NBCONVERT_CONFIG,
  normaliseNotebook,
  NOTEBOOK_NEEDS,
  notebookLanes,
  notebookPrerequisites,
  RESERVED_PORTS_FILE,
  runNotebooks,
  serialiseNotebook,
  SIDE_LANE,
  type Notebook,
} from "../../lib/cli/notebooks";
import { describeIf } from "../helpers/skip";
import { projectRoot } from "../helpers/runScript";

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
const name = path.basename(path.dirname(file)) + "/" + path.basename(file);
fs.appendFileSync(path.join(process.cwd(), "timeline.txt"), "start " + name + "\\n");
const sleep = /sleep (\\d+)/.exec(source);
if (sleep) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(sleep[1]));
fs.appendFileSync(path.join(process.cwd(), "timeline.txt"), "end " + name + "\\n");
if (source.includes("fail")) { process.stderr.write("boom\\n"); process.exit(1); }
nb.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: ["ran\\n"] }];
fs.writeFileSync(file, JSON.stringify(nb));
`;

function notebook(source: string): string {
  const nb = { cells: [{ cell_type: "code", source: [source], metadata: {}, outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  return serialiseNotebook(normaliseNotebook(nb as unknown as Notebook));
}

/**
 * What `npm start` leaves for the notebooks (NOTEBOOK_NEEDS), as stand-ins: the bundled export,
 * the warehouse and marts with the source they record, the current release.
 */
function builtByNpmStart(root: string, exportBytes = "export"): void {
  mkdirSync(join(root, "data", "raw"), { recursive: true });
  writeFileSync(join(root, "data", "raw", "export.csv.gz"), exportBytes);
  const warehouse = join(root, "outputs", "warehouse");
  mkdirSync(warehouse, { recursive: true });
  for (const f of ["core.duckdb", "marts.duckdb"]) writeFileSync(join(warehouse, f), "db");
  const sha256 = createHash("sha256").update(exportBytes).digest("hex");
  writeFileSync(join(warehouse, "source.json"), JSON.stringify({ input: "data/raw/export.csv.gz", profile: "default", sha256 }));
  mkdirSync(join(root, "outputs", "opendata"), { recursive: true });
  writeFileSync(join(root, "outputs", "opendata", "current.json"), JSON.stringify({ version: "v1", path: "releases/v1" }));
}

/** A project of stand-in notebooks (name -> first cell's source), after `npm start` unless told otherwise. */
function project(notebooks: Record<string, string>, opts: { built?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), "workbook-notebooks-"));
  mkdirSync(join(root, "node_modules", ".bin"), { recursive: true });
  writeFileSync(join(root, "package.json"), "{}");
  writeFileSync(join(root, "node_modules", ".bin", "tslab"), "");
  for (const [name, source] of Object.entries(notebooks)) {
    mkdirSync(join(root, "notebooks", name, ".."), { recursive: true });
    writeFileSync(join(root, "notebooks", name), notebook(source));
  }
  if (opts.built !== false) builtByNpmStart(root);
  return root;
}

const staged = (root: string) =>
  ["split", "clean"].flatMap((s) => ["customers.parquet", "order_lines.parquet", "rejects.csv", "manifest.json"].filter((f) => existsSync(join(root, "outputs", "staging", s, f))).map((f) => `${s}/${f}`));

/** The stand-in jupyter first on PATH for the tests of a describe block. */
function useFakeJupyter(): void {
  const path0 = process.env.PATH;
  beforeAll(() => {
    const bin = mkdtempSync(join(tmpdir(), "workbook-fake-jupyter-"));
    for (const name of ["jupyter", "jupyter-nbconvert"]) {
      writeFileSync(join(bin, name), FAKE_JUPYTER);
      chmodSync(join(bin, name), 0o755);
    }
    process.env.PATH = `${bin}:${path0}`;
  });
  afterAll(() => {
    process.env.PATH = path0;
  });
}

describe("the notebook runner", () => {
  useFakeJupyter();

  test("runs notebooks/*.ipynb in name order, then notebooks/solutions/*.ipynb, and writes each back in place", async () => {
    const root = project({ "02_b.ipynb": "2", "01_a.ipynb": "1", "solutions/02_b.ipynb": "2s", "solutions/01_a.ipynb": "1s" });
    expect(listNotebooks(root).map((f) => f.slice(root.length + 1))).toEqual([
      "notebooks/01_a.ipynb",
      "notebooks/02_b.ipynb",
      "notebooks/solutions/01_a.ipynb",
      "notebooks/solutions/02_b.ipynb",
    ]);
    expect(listNotebooks(root, ["solutions/02_b"])).toEqual([join(root, "notebooks", "solutions", "02_b.ipynb")]);
    const runs = await runNotebooks([], { root, log: () => {} });
    expect(runs.map((r) => r.notebook)).toEqual(["notebooks/01_a.ipynb", "notebooks/02_b.ipynb", "notebooks/solutions/01_a.ipynb", "notebooks/solutions/02_b.ipynb"]);
    expect(readFileSync(join(root, "executed.txt"), "utf8")).toBe("run/01_a.ipynb\nrun/02_b.ipynb\nsolutions/01_a.ipynb\nsolutions/02_b.ipynb\n");
    expect(readFileSync(join(root, "notebooks", "solutions", "01_a.ipynb"), "utf8")).toContain("ran");
    expect(readFileSync(join(root, "notebooks", "01_a.ipynb"), "utf8")).toContain("ran");
  });

  test("without a solutions folder, only the notebooks run", async () => {
    const root = project({ "01_a.ipynb": "1" });
    expect((await runNotebooks([], { root, log: () => {} })).map((r) => r.notebook)).toEqual(["notebooks/01_a.ipynb"]);
  });

  test("after the notebooks, no raw personal data is left in staging (the manifests stay)", async () => {
    const root = project({ "01_a.ipynb": "1", "02_b.ipynb": "2" });
    const lines: string[] = [];
    await runNotebooks([], { root, log: (l) => lines.push(l) });
    expect(staged(root)).toEqual(["split/manifest.json", "clean/manifest.json"]);
    expect(lines[lines.length - 1]).toMatch(/^purged 6 staged file\(s\) holding personal data that the notebooks staged: split\/customers\.parquet/);
  });

  test("a failing notebook stops the run, and staging is purged all the same", async () => {
    const root = project({ "01_a.ipynb": "1", "02_b.ipynb": "fail", "03_c.ipynb": "3" });
    await expect(runNotebooks([], { root, log: () => {} })).rejects.toThrow(/notebooks\/02_b\.ipynb failed after/);
    expect(readFileSync(join(root, "executed.txt"), "utf8")).toBe("run/01_a.ipynb\nrun/02_b.ipynb\n");
    expect(staged(root)).toEqual(["split/manifest.json", "clean/manifest.json"]);
    expect(existsSync(join(root, "outputs", ".run.lock"))).toBe(false);
  });

  test("the notebooks do not run while a pipeline run holds the outputs", async () => {
    const root = project({ "01_a.ipynb": "1" });
    mkdirSync(join(root, "outputs"), { recursive: true });
    // This test's own process holds the lock: alive, so not stale.
    writeFileSync(join(root, "outputs", ".run.lock"), JSON.stringify({ pid: process.pid, startTime: null, host: hostname(), command: "npm start", since: "2025-01-01T00:00:00Z" }));
    await expect(runNotebooks([], { root, log: () => {} })).rejects.toThrow(`another run is in progress (process ${process.pid}, \`npm start\``);
    expect(existsSync(join(root, "executed.txt"))).toBe(false);
  });

  test("two at a time: the notebooks independent of staging and the warehouse run beside the ordered chain, results in name order", async () => {
    const root = project({ "01_data_splitter.ipynb": "sleep 1500", "02_cleansing.ipynb": "2", "00_regulatory_monitoring.ipynb": "sleep 1500", "06_open_data_model.ipynb": "6" });
    const runs = await runNotebooks([], { root, log: () => {} });
    expect(runs.map((r) => r.notebook)).toEqual(["notebooks/00_regulatory_monitoring.ipynb", "notebooks/01_data_splitter.ipynb", "notebooks/02_cleansing.ipynb", "notebooks/06_open_data_model.ipynb"]);
    const timeline = readFileSync(join(root, "timeline.txt"), "utf8").trim().split("\n");
    // Both sleeping notebooks started before either ended; each lane kept its own order.
    expect(timeline.slice(0, 2).sort()).toEqual(["start run/00_regulatory_monitoring.ipynb", "start run/01_data_splitter.ipynb"]);
    expect(timeline.indexOf("start run/02_cleansing.ipynb")).toBeGreaterThan(timeline.indexOf("end run/01_data_splitter.ipynb"));
    expect(timeline.indexOf("start run/06_open_data_model.ipynb")).toBeGreaterThan(timeline.indexOf("end run/00_regulatory_monitoring.ipynb"));
  });

  test("jobs: 1 runs every notebook one after another, in name order", async () => {
    const root = project({ "01_data_splitter.ipynb": "1", "00_regulatory_monitoring.ipynb": "sleep 300" });
    await runNotebooks([], { root, log: () => {}, jobs: 1 });
    expect(readFileSync(join(root, "timeline.txt"), "utf8")).toBe("start run/00_regulatory_monitoring.ipynb\nend run/00_regulatory_monitoring.ipynb\nstart run/01_data_splitter.ipynb\nend run/01_data_splitter.ipynb\n");
  });

  test("a failure in one lane stops the other before its next notebook; staging is purged", async () => {
    const root = project({ "01_data_splitter.ipynb": "fail", "00_regulatory_monitoring.ipynb": "sleep 4000", "06_open_data_model.ipynb": "6" });
    await expect(runNotebooks([], { root, log: () => {} })).rejects.toThrow(/notebooks\/01_data_splitter\.ipynb failed after/);
    expect(readFileSync(join(root, "executed.txt"), "utf8").trim().split("\n").sort()).toEqual(["run/00_regulatory_monitoring.ipynb", "run/01_data_splitter.ipynb"]);
    expect(staged(root)).toEqual(["split/manifest.json", "clean/manifest.json"]);
  });
});

describe("what the notebooks read from `npm start`, checked before any of them runs", () => {
  useFakeJupyter();
  const chainAndSide = { "01_data_splitter.ipynb": "1", "03_warehouse.ipynb": "3", "06_open_data_model.ipynb": "6", "solutions/08_gdpr_rights_and_security_solutions.ipynb": "8s" };
  const refused = async (root: string, names: string[] = []) => {
    const error = await runNotebooks(names, { root, log: () => {} }).then(() => null, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(existsSync(join(root, "executed.txt"))).toBe(false); // no notebook started
    return error!.message;
  };

  test("a fresh clone (nothing built): refused, naming the notebooks and the fix; what a user staged is left", async () => {
    const root = project(chainAndSide, { built: false });
    mkdirSync(join(root, "outputs", "staging", "split"), { recursive: true });
    writeFileSync(join(root, "outputs", "staging", "split", "customers.parquet"), "staged by npm start -- split");
    const message = await refused(root);
    expect(message).toMatch(/^03_warehouse\.ipynb, solutions\/08_gdpr_rights_and_security_solutions\.ipynb read the warehouse `npm start` built from data\/raw\/export\.csv\.gz/);
    expect(message).toContain("no warehouse has been built (outputs/warehouse/core.duckdb is missing)");
    expect(message).toContain("Fix: run `npm start` first");
    expect(staged(root)).toEqual(["split/customers.parquet"]);
    expect(existsSync(join(root, "outputs", ".run.lock"))).toBe(false);
  });

  test("a warehouse built from another export, or the bundled export replaced since: refused, saying which", async () => {
    const root = project(chainAndSide);
    writeFileSync(join(root, "data", "raw", "export.csv.gz"), "the company's own export");
    expect(await refused(root)).toContain("data/raw/export.csv.gz changed since the warehouse was built from it (sha256 recorded in outputs/warehouse/source.json)");
    builtByNpmStart(root);
    const source = join(root, "outputs", "warehouse", "source.json");
    writeFileSync(source, JSON.stringify({ ...JSON.parse(readFileSync(source, "utf8")), input: "../exports/2024-12", profile: "normalised" }));
    expect(await refused(root)).toContain('the warehouse was built from another source: ../exports/2024-12 with profile "normalised"');
    builtByNpmStart(root);
    rmSync(join(root, "outputs", "warehouse", "marts.duckdb"));
    expect(await refused(root)).toContain("the marts have not been built (outputs/warehouse/marts.duckdb is missing)");
  });

  test("the release's readers need the current release only; notebooks that read neither run on a fresh clone", async () => {
    const root = project({ "00_regulatory_monitoring.ipynb": "0", "06_open_data_model.ipynb": "6", "07_anonymisation_and_release.ipynb": "7" }, { built: false });
    const notebooks = listNotebooks(root);
    expect(notebookPrerequisites(root, notebooks)).toBe(
      "06_open_data_model.ipynb, 07_anonymisation_and_release.ipynb read the current Open Data release: there is none yet (outputs/opendata/current.json is missing). Fix: run `npm start` first (the whole pipeline on data/raw/export.csv.gz), then `npm run notebooks`.",
    );
    expect(notebookPrerequisites(root, listNotebooks(root, ["00_regulatory_monitoring"]))).toBeNull();
    expect((await runNotebooks(["00_regulatory_monitoring"], { root, log: () => {} })).map((r) => r.notebook)).toEqual(["notebooks/00_regulatory_monitoring.ipynb"]);
    builtByNpmStart(root);
    expect(notebookPrerequisites(root, notebooks)).toBeNull();
  });
});

describe("which notebooks may run beside the chain", () => {
  const dir = join(projectRoot, "notebooks");
  const all = listNotebooks(projectRoot);
  /** Code that reads or writes the project's staging or warehouse (where notebooks 01-05 write). */
  const CHAIN = /workbookPaths|defaultConfig|outputs\/(staging|warehouse)|"outputs",\s*"(staging|warehouse)"|lib\/notebook\/staging/;
  const code = (file: string) =>
    (JSON.parse(readFileSync(file, "utf8")) as Notebook).cells
      .filter((c) => c.cell_type === "code")
      .map((c) => [c.source].flat().join(""))
      .join("\n");

  test("the side lane holds exactly the notebooks whose code never touches outputs/staging or outputs/warehouse", () => {
    const side = all.map((f) => relative(dir, f)).filter((f) => SIDE_LANE.includes(f));
    expect(side).toEqual([...SIDE_LANE]); // every listed notebook exists
    const touching = all.filter((f) => CHAIN.test(code(f))).map((f) => relative(dir, f));
    expect(touching.length).toBeGreaterThan(5); // 01-05 and the solutions that read what they wrote
    expect(all.map((f) => relative(dir, f)).filter((f) => !touching.includes(f))).toEqual([...SIDE_LANE]);
  });

  test("NOTEBOOK_NEEDS names exactly the notebooks whose code reads the project's warehouse or marts, or the current release", () => {
    const needs = (f: string): string[] => {
      const c = code(f);
      const project = /workbookPaths\(\)|outputs\/warehouse|"outputs",\s*"warehouse"/.test(c);
      return [...(project && /core\.duckdb|marts\.duckdb/.test(c) ? ["warehouse"] : []), ...(/readCurrentRelease/.test(c) ? ["release"] : [])];
    };
    const found = Object.fromEntries(all.map((f) => [relative(dir, f), needs(f)]).filter(([, n]) => n.length > 0));
    expect(Object.keys(found).length).toBeGreaterThan(7);
    expect(found).toEqual(NOTEBOOK_NEEDS);
  });

  test("the lanes of the real notebooks: the chain in name order in one, the others in name order in the other", () => {
    const [chain, side] = notebookLanes(projectRoot, all).map((lane) => lane.map((f) => relative(dir, f)));
    expect(chain.slice(0, 5)).toEqual(["01_data_splitter.ipynb", "02_cleansing.ipynb", "03_warehouse.ipynb", "04_data_marts.ipynb", "05_optimization.ipynb"]);
    expect(side).toEqual([...SIDE_LANE]);
    expect(notebookLanes(projectRoot, all, 1)).toEqual([all]);
  });
});

/**
 * The ports a kernel is given (NBCONVERT_CONFIG's hook on jupyter_client's LocalPortCache), run
 * in the Python of jupyter-nbconvert: each run of it below stands for one nbconvert process, whose
 * probe sockets are scripted to be handed the ports listed in PROBES, in order.
 */
/** The Python that runs `jupyter-nbconvert` (its shebang): Debian's, which has jupyter_client. */
function nbconvertPython(): string | null {
  const which = spawnSync("sh", ["-c", "command -v jupyter-nbconvert"], { encoding: "utf8" });
  if (which.status !== 0) return null;
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(which.stdout.trim(), "utf8").split("\n")[0]);
  return shebang && spawnSync(shebang[1], ["-c", "import jupyter_client.connect"]).status === 0 ? shebang[1] : null;
}
const python = nbconvertPython();
const describeWithJupyterClient = describeIf(python, "jupyter-nbconvert not found, or its Python cannot import jupyter_client", "sudo apt-get install -y --no-install-recommends jupyter-nbconvert");

describeWithJupyterClient("the ports each kernel is given, across nbconvert processes", () => {
  const HANDS_OUT = `
import json, os, socket, sys
from traitlets.config import Config
c = Config()
probes = json.loads(os.environ["PROBES"])
class Probe:
    def setsockopt(self, *args): pass
    def bind(self, address): self.port = probes.pop(0)
    def getsockname(self): return ("127.0.0.1", self.port)
    def close(self): pass
exec(open(os.environ["CONFIG"]).read())
socket.socket = Probe
from jupyter_client.connect import LocalPortCache
cache = LocalPortCache()
print(json.dumps([cache.find_available_port("127.0.0.1") for _ in range(int(os.environ["COUNT"]))]))
`;
  let runtime: string;
  let config: string;
  beforeEach(() => {
    runtime = mkdtempSync(join(tmpdir(), "workbook-ports-"));
    config = join(runtime, "nbconvert_config.py");
    writeFileSync(config, NBCONVERT_CONFIG);
  });
  afterEach(() => rmSync(runtime, { recursive: true, force: true }));

  /** One nbconvert process asking for `count` ports, its probes handed `probes` in order. */
  function handOut(probes: number[], count: number): number[] {
    const run = spawnSync(python!, ["-c", HANDS_OUT], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_RUNTIME_DIR: join(runtime, "runtime"), CONFIG: config, PROBES: JSON.stringify(probes), COUNT: String(count) },
    });
    expect(run.stderr).toBe("");
    return JSON.parse(run.stdout) as number[];
  }

  /** The ports the reservations file holds, in its order. */
  const reserved = () => readFileSync(join(runtime, "runtime", RESERVED_PORTS_FILE), "utf8").split("\n").filter(Boolean).map((line) => Number(line.split("@")[0]));

  test("a port handed to one process is never handed to another, though the system offers it again", () => {
    expect(handOut([40001, 40002, 40001, 40003], 3)).toEqual([40001, 40002, 40003]); // jupyter_client's own cache, within a process
    expect(handOut([40002, 40001, 40004], 1)).toEqual([40004]); // the other lane
    expect(reserved()).toEqual([40001, 40002, 40003, 40004]);
  });

  test("a reservation lapses after ten minutes: the port is free again (the kernel that had it is long gone)", () => {
    mkdirSync(join(runtime, "runtime"));
    const now = Date.now() / 1000;
    writeFileSync(join(runtime, "runtime", RESERVED_PORTS_FILE), `40001@${(now - 601).toFixed(3)}\n40002@${(now - 30).toFixed(3)}\nnot-a-port\n`);
    expect(handOut([40002, 40001], 1)).toEqual([40001]);
    expect(reserved()).toEqual([40001, 40002]);
  });
});
