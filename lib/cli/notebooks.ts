/**
 * `npm run notebooks [names...]`: executes the workbook's notebooks headlessly, in name order,
 * and leaves them committed-ready: outputs kept, volatile metadata stripped, stable JSON, so
 * that executing an unchanged notebook again gives the same bytes.
 *
 * How (measured facts in the shared notes on the stack (../shared/notes/stack.md)):
 * - Debian's `jupyter nbconvert --execute` drives the tslab kernel. `tslab install` cannot work
 *   here, so the project writes its own kernel spec into `.jupyter/` (git-ignored) and points
 *   `JUPYTER_PATH` at it. The spec starts tslab from the project root, because tslab
 *   type-checks cells with its working directory as `rootDir`: cells import `./lib/...`.
 * - Each notebook runs on a working copy under `.jupyter/run/`; the file in `notebooks/` is
 *   rewritten only after a successful execution, and only if its bytes change.
 * - Never `--allow-errors`: it exits 0 and silently skips every cell after a failing one.
 * - `notebooks/*.ipynb` run first, in name order, then the exercises' solutions
 *   (`notebooks/solutions/*.ipynb`, when the folder exists), so that the solutions run too.
 * - Notebooks 01 and 02 run the split and the cleansing, which stage raw personal data, and no
 *   notebook purges it: the runner does, after the last notebook, whatever happened (a failed
 *   notebook, Ctrl+C), like the pipeline's own purge (GDPR Art. 5(1)(e)).
 * - The notebooks rewrite the project's outputs, so the runner holds the run lock of
 *   lib/cli/runPipeline.ts: `npm start` and the notebooks never write them at the same time.
 * - Two notebooks run at a time, on the machine's two cores (about 40 % off the wall time): the
 *   chain that writes and reads outputs/staging and outputs/warehouse (01 -> 05, their
 *   solutions, 08's solutions) runs in order in one lane; the notebooks of SIDE_LANE, which read
 *   only committed reports and the current release (which no notebook writes) or work in their
 *   own temporary sandbox, run in order in the other. A notebook not listed there runs in the
 *   ordered lane, so a new notebook is never run beside the chain by mistake. `--jobs 1` runs
 *   everything in one lane. Each kernel is its own process and its outputs do not depend on
 *   timing (measured timings are masked: .ci/masked.txt), so the executed files are the same.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, delimiter, dirname, join, relative, resolve } from "node:path";
import { Command } from "commander";
import { acquireRunLock } from "../io/runLock";
import { purgeStagingPersonalData } from "../privacy/staging";
import { recoverOutputs, runPaths } from "./runPipeline";
import { warehouseMismatch } from "./source";

export const KERNEL_NAME = "tslab-workbook";
export const KERNEL_DISPLAY_NAME = "TypeScript (tslab)";
export const KERNEL_LANGUAGE = "typescript";
/** Seconds a single cell may run before nbconvert stops the notebook. */
export const DEFAULT_CELL_TIMEOUT_S = 600;
const KERNEL_STARTUP_TIMEOUT_S = 120;
const INSTALL_HINT = "sudo apt-get install -y --no-install-recommends jupyter-nbconvert";

/** The nearest directory at or above `start` holding a package.json: the project root. */
export function findProjectRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json found at or above ${start}`);
    dir = parent;
  }
}

/** Quotes a path for /bin/sh only when it needs it, so the usual spec reads `cd /path/to/root`. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env: Record<string, string>;
}

/** The kernel spec: tslab started from `root`, so cells import `./lib/...` relative to the root. */
export function kernelSpec(root: string): KernelSpec {
  return {
    argv: [
      "/bin/sh",
      "-c",
      `cd ${shellQuote(resolve(root))} && exec node_modules/.bin/tslab kernel --config-path "$1"`,
      "tslab",
      "{connection_file}",
    ],
    display_name: KERNEL_DISPLAY_NAME,
    language: KERNEL_LANGUAGE,
    // Dates and vega time axes format in the process time zone: one zone for every machine.
    env: { TZ: "UTC" },
  };
}

/** The git-ignored Jupyter directory of the project (kernel spec, runtime files, working copies). */
export function jupyterDir(root: string): string {
  return join(resolve(root), ".jupyter");
}

/** Writes `.jupyter/kernels/tslab-workbook/kernel.json` under `root`; returns the kernel.json path. */
export function writeKernelSpec(root: string): string {
  const dir = join(jupyterDir(root), "kernels", KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  writeFileSync(file, JSON.stringify(kernelSpec(root), null, 1) + "\n");
  return file;
}

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Throws with the install command when `jupyter` or `jupyter-nbconvert` is not on PATH. */
export function requireJupyter(): void {
  const missing = ["jupyter", "jupyter-nbconvert"].filter((command) => !onPath(command));
  if (missing.length > 0) {
    throw new Error(`${missing.join(" and ")} not found on PATH. Install Debian's nbconvert with:\n  ${INSTALL_HINT}`);
  }
}

export const SOLUTIONS_DIR = "solutions";

/**
 * Notebooks (paths under notebooks/) that neither write nor read outputs/staging or
 * outputs/warehouse: they may run beside the ordered chain (tests/notebook/notebooks.test.ts
 * checks their sources for the project's staging and warehouse paths).
 */
export const SIDE_LANE: readonly string[] = [
  "00_regulatory_monitoring.ipynb", // policy, compliance matrix, committed reports
  "06_open_data_model.ipynb", // the current release
  "07_anonymisation_and_release.ipynb", // the current release and its committed reports
  "08_gdpr_rights_and_security.ipynb", // its own sandbox under the system's temporary directory
  `${SOLUTIONS_DIR}/00_regulatory_monitoring_solutions.ipynb`,
  `${SOLUTIONS_DIR}/06_open_data_model_solutions.ipynb`,
  `${SOLUTIONS_DIR}/07_anonymisation_and_release_solutions.ipynb`,
];

/**
 * What a notebook reads that `npm start` writes (paths under notebooks/): "warehouse", the
 * warehouse and marts built from the bundled export (data/raw/export.csv.gz, the file notebooks
 * 01 and 02 split and cleanse again, so that every notebook shows one export); "release", the
 * current Open Data release. Checked before any notebook starts (notebookPrerequisites): without
 * it, a fresh clone's 03 failed after a minute on a missing table (reading a missing database file
 * creates an empty one), and after a new export was put in place 03 to 05 showed the previous
 * export's warehouse beside 01 and 02's new one. 08 works in its own sandbox (its solutions read
 * the project's warehouse). tests/cli/notebooksRunner.test.ts checks the table against the sources.
 */
export const NOTEBOOK_NEEDS: Readonly<Record<string, readonly ("warehouse" | "release")[]>> = {
  "03_warehouse.ipynb": ["warehouse"],
  "04_data_marts.ipynb": ["warehouse"],
  "05_optimization.ipynb": ["warehouse"],
  "06_open_data_model.ipynb": ["release"],
  "07_anonymisation_and_release.ipynb": ["release"],
  [`${SOLUTIONS_DIR}/03_warehouse_solutions.ipynb`]: ["warehouse"],
  [`${SOLUTIONS_DIR}/04_data_marts_solutions.ipynb`]: ["warehouse"],
  [`${SOLUTIONS_DIR}/05_optimization_solutions.ipynb`]: ["warehouse"],
  [`${SOLUTIONS_DIR}/07_anonymisation_and_release_solutions.ipynb`]: ["release"],
  [`${SOLUTIONS_DIR}/08_gdpr_rights_and_security_solutions.ipynb`]: ["warehouse"],
};

/**
 * Why the notebooks to run cannot run yet (what they read from `npm start` is missing, or was
 * built from another export than the bundled one), naming them and the fix; null when they can.
 */
export function notebookPrerequisites(root: string, notebooks: readonly string[]): string | null {
  const dir = join(resolve(root), "notebooks");
  const named = notebooks.map((file) => relative(dir, file).split("\\").join("/"));
  const readers = (need: "warehouse" | "release") => named.filter((n) => NOTEBOOK_NEEDS[n]?.includes(need));
  const list = (names: string[]) => (names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", "));
  const fix = "Fix: run `npm start` first (the whole pipeline on data/raw/export.csv.gz), then `npm run notebooks`.";
  const warehouseReaders = readers("warehouse");
  if (warehouseReaders.length > 0) {
    const warehouseDir = join(root, "outputs", "warehouse");
    const problem =
      warehouseMismatch(warehouseDir, join(root, "data", "raw", "export.csv.gz"), "default", root) ??
      (existsSync(join(warehouseDir, "marts.duckdb")) ? null : "the marts have not been built (outputs/warehouse/marts.duckdb is missing)");
    if (problem) return `${list(warehouseReaders)} read the warehouse \`npm start\` built from data/raw/export.csv.gz (the export notebooks 01 and 02 split and cleanse): ${problem}. ${fix}`;
  }
  const releaseReaders = readers("release");
  if (releaseReaders.length > 0 && !existsSync(join(root, "outputs", "opendata", "current.json"))) {
    return `${list(releaseReaders)} read the current Open Data release: there is none yet (outputs/opendata/current.json is missing). ${fix}`;
  }
  return null;
}

/** Notebooks (absolute paths, in run order) split into lanes, each keeping that order; one lane when `jobs` is 1. */
export function notebookLanes(root: string, notebooks: string[], jobs = 2): string[][] {
  if (jobs <= 1) return [notebooks];
  const dir = join(resolve(root), "notebooks");
  const side = (file: string) => SIDE_LANE.includes(relative(dir, file).split("\\").join("/"));
  return [notebooks.filter((file) => !side(file)), notebooks.filter(side)].filter((lane) => lane.length > 0);
}

function notebooksIn(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith(".ipynb"))
        .sort()
    : [];
}

/**
 * `notebooks/*.ipynb` in name order, then `notebooks/solutions/*.ipynb` in name order; or the
 * named ones (`02_cleanse`, `02_cleanse.ipynb`, a path, `solutions/02_cleanse`).
 */
export function listNotebooks(root: string, names: string[] = []): string[] {
  const dir = join(resolve(root), "notebooks");
  const all = [...notebooksIn(dir), ...notebooksIn(join(dir, SOLUTIONS_DIR)).map((file) => `${SOLUTIONS_DIR}/${file}`)];
  if (names.length === 0) return all.map((file) => join(dir, file));
  return names.map((name) => {
    const file = basename(name).endsWith(".ipynb") ? basename(name) : `${basename(name)}.ipynb`;
    const inSolutions = basename(dirname(name)) === SOLUTIONS_DIR;
    const wanted = inSolutions ? `${SOLUTIONS_DIR}/${file}` : file;
    if (!all.includes(wanted)) {
      throw new Error(`No notebook ${wanted} in ${dir}. Available: ${all.join(", ") || "(none)"}`);
    }
    return join(dir, wanted);
  });
}

// ---------------------------------------------------------------------------------------------
// Normalisation: the committed form of a notebook.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Notebook {
  cells: JsonObject[];
  metadata: JsonObject;
  nbformat: number;
  nbformat_minor: number;
  [key: string]: Json;
}

/** Mime types nbformat stores as a list of lines (besides every `text/*`). */
const LINE_SPLIT_MIMES = new Set(["image/svg+xml", "application/javascript"]);

function joinLines(value: Json | undefined): string {
  if (Array.isArray(value)) return value.join("");
  return typeof value === "string" ? value : "";
}

/** nbformat's on-disk form of multi-line text: a list of lines, each keeping its "\n". */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Returns the notebook in its committed form. Idempotent. Strips what changes between two runs
 * of the same code (execution timestamps, display ids), names the project kernel, merges
 * consecutive stream outputs (how stdout is chunked depends on timing), gives every cell a
 * stable id, and stores multi-line text the way nbformat does.
 */
export function normaliseNotebook(input: Notebook): Notebook {
  const nb = structuredClone(input);
  nb.nbformat = 4;
  nb.nbformat_minor = Math.max(5, nb.nbformat_minor ?? 0);
  nb.metadata = { ...(nb.metadata ?? {}) };
  nb.metadata.kernelspec = { display_name: KERNEL_DISPLAY_NAME, language: KERNEL_LANGUAGE, name: KERNEL_NAME };
  for (const key of ["widgets", "papermill"]) delete nb.metadata[key];

  const usedIds = new Set(nb.cells.map((cell) => cell.id).filter((id): id is string => typeof id === "string"));
  nb.cells = nb.cells.map((cell, index) => {
    const out: JsonObject = { ...cell };
    const source = joinLines(cell.source);
    out.source = splitLines(source);
    if (typeof out.id !== "string") {
      // Derived from position and content rather than random, so a first run is reproducible too.
      let id = createHash("sha256").update(`${index}\n${source}`).digest("hex").slice(0, 8);
      while (usedIds.has(id)) id = createHash("sha256").update(id).digest("hex").slice(0, 8);
      usedIds.add(id);
      out.id = id;
    }
    const metadata: JsonObject = isObject(cell.metadata) ? { ...cell.metadata } : {};
    delete metadata.execution; // nbclient's per-cell timestamps
    out.metadata = metadata;
    if (cell.cell_type === "code") {
      out.outputs = normaliseOutputs(Array.isArray(cell.outputs) ? cell.outputs : []);
      if (out.execution_count === undefined) out.execution_count = null;
    }
    return out;
  });
  return nb;
}

function normaliseOutputs(outputs: Json[]): Json[] {
  const result: JsonObject[] = [];
  for (const raw of outputs) {
    if (!isObject(raw)) continue;
    const output: JsonObject = { ...raw };
    delete output.transient; // display ids: random, and never part of the saved format
    if (output.output_type === "stream") {
      const text = joinLines(output.text);
      const previous = result[result.length - 1];
      if (previous && previous.output_type === "stream" && previous.name === output.name) {
        previous.text = joinLines(previous.text) + text;
        continue;
      }
      output.text = text;
    }
    if (isObject(output.data)) {
      const data: JsonObject = {};
      for (const [mime, value] of Object.entries(output.data)) {
        const splits = mime.startsWith("text/") || LINE_SPLIT_MIMES.has(mime);
        data[mime] = splits && (typeof value === "string" || Array.isArray(value)) ? splitLines(joinLines(value)) : value;
      }
      output.data = data;
    }
    result.push(output);
  }
  for (const output of result) {
    if (output.output_type === "stream") output.text = splitLines(joinLines(output.text));
  }
  return result;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}

/** nbformat's own layout: sorted keys, 1-space indent, final newline. */
export function serialiseNotebook(nb: Notebook): string {
  return JSON.stringify(sortKeys(nb as unknown as Json), null, 1) + "\n";
}

function readNotebook(file: string): Notebook {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Notebook;
  } catch (error) {
    throw new Error(`${file}: not a readable notebook (${(error as Error).message})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Execution.

export interface NotebookRun {
  notebook: string;
  seconds: number;
  changed: boolean;
}

export class NotebookExecutionError extends Error {
  constructor(
    readonly notebook: string,
    readonly seconds: number,
    readonly excerpt: string,
  ) {
    super(`${notebook} failed after ${seconds.toFixed(1)} s:\n${excerpt}`);
    this.name = "NotebookExecutionError";
  }
}

/**
 * nbconvert configuration (Python, as nbconvert reads it) adding one hook: when a cell fails,
 * print its index, source and outputs as one JSON line on stderr. tslab reports a failure
 * (type error, exception) only as stderr text in the cell's outputs, with an empty `ename` and
 * `evalue` in the reply, so nbconvert's own message would show no cause at all.
 */
const CELL_ERROR_MARKER = "@@notebook-cell-error@@";
/** What nbconvert prints when its client talked to another kernel: replies signed with that kernel's key, or none (see runOne). */
const KERNEL_CONNECTION_RACE = /ValueError: Invalid Signature|Kernel didn't respond in \d+ seconds/;
/** The file under JUPYTER_RUNTIME_DIR where each nbconvert process reserves the ports it hands out. */
export const RESERVED_PORTS_FILE = "reserved-ports";
/** Seconds a reserved port stays out of other processes' reach: far longer than a kernel takes to bind it. */
const PORT_HOLD_S = 600;

export const NBCONVERT_CONFIG = `# Written by lib/cli/notebooks.ts at every run; do not edit.
import json
import sys


def _report_cell_error(cell, cell_index, execute_reply, **kwargs):
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            text = output.get("text", "")
            texts.append(text if isinstance(text, str) else "".join(text))
        elif output.get("output_type") == "error":
            texts.append("\\n".join(output.get("traceback", [])) or "%s: %s" % (output.get("ename"), output.get("evalue")))
    report = {"cell": cell_index, "source": cell.get("source", ""), "output": "".join(texts)}
    sys.stderr.write("${CELL_ERROR_MARKER} " + json.dumps(report) + "\\n")
    sys.stderr.flush()


c.ExecutePreprocessor.on_cell_error = _report_cell_error


# Ports: jupyter_client picks each of a kernel's five ports by binding a socket to port 0 and
# closing it; the kernel binds them seconds later. Two nbconvert processes (the runner's two
# lanes) can be handed the same free port in that window, and a client then talks to the other
# lane's kernel: "Invalid Signature", or no reply at all ("Kernel didn't respond"). Every
# process of a run reserves the ports it hands out in one file, under a lock, and skips the
# ports another process reserved in the last ${PORT_HOLD_S} seconds.
import fcntl
import os
import socket
import time

from jupyter_client.connect import LocalPortCache

_RESERVED_PORTS = os.path.join(os.environ.get("JUPYTER_RUNTIME_DIR") or ".", "${RESERVED_PORTS_FILE}")


def _find_available_port(self, ip):
    os.makedirs(os.path.dirname(os.path.abspath(_RESERVED_PORTS)), exist_ok=True)
    with open(_RESERVED_PORTS, "a+") as registry:
        fcntl.flock(registry, fcntl.LOCK_EX)
        registry.seek(0)
        now = time.time()
        held = {}
        for line in registry.read().split():
            port, _, since = line.partition("@")
            try:
                if now - float(since) < ${PORT_HOLD_S}:
                    held[int(port)] = float(since)
            except ValueError:
                pass
        while True:
            probe = socket.socket()
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\\0" * 8)
            probe.bind((ip, 0))
            port = probe.getsockname()[1]
            probe.close()
            if port not in self.currently_used_ports and port not in held:
                break
        self.currently_used_ports.add(port)
        held[port] = now
        registry.seek(0)
        registry.truncate()
        registry.write("".join("%d@%.3f\\n" % item for item in sorted(held.items())))
        registry.flush()
        return port


LocalPortCache.find_available_port = _find_available_port
`;

function indent(text: string, maxLines: number): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines), `... (${lines.length - maxLines} more lines)`] : lines;
  return shown.map((line) => `    ${line}`).join("\n");
}

/**
 * What to print when a notebook fails: the failing cell (1-based, counting markdown cells, as
 * a reader counts them), its source and its error output; else the end of nbconvert's stderr
 * (kernel death, cell timeout).
 */
export function errorExcerpt(stderr: string, maxLines = 60): string {
  const lines = stderr.replace(/\r/g, "").split("\n");
  const reportLine = lines.find((line) => line.startsWith(CELL_ERROR_MARKER));
  if (reportLine) {
    const report = JSON.parse(reportLine.slice(CELL_ERROR_MARKER.length)) as { cell: number; source: string; output: string };
    return [
      `cell ${report.cell + 1}:`,
      indent(report.source, 20),
      "error:",
      indent(report.output.trim() || "(the kernel printed no error message)", maxLines),
    ].join("\n");
  }
  const relevant = lines.filter((line) => !line.startsWith("[NbConvertApp]"));
  // A Python traceback ends with the exception line (`nbclient.exceptions.CellTimeoutError: ...`)
  // and its message: show from there; the frames above it are nbconvert's, not the notebook's.
  let start = -1;
  relevant.forEach((line, index) => {
    if (/^[A-Za-z_][\w.]*(Error|Exception|Interrupt)(:|$)/.test(line)) start = index;
  });
  const shown = start >= 0 ? relevant.slice(start) : relevant.slice(-20);
  return indent(shown.join("\n").trim(), maxLines);
}

export interface RunOptions {
  root?: string;
  cellTimeoutSeconds?: number;
  log?: (line: string) => void;
  /** false: execute only (the benchmark times them); notebooks/ is left as it is. Default true. */
  write?: boolean;
  /** Notebooks run at a time (lanes, see notebookLanes): 2 by default, 1 for strictly one after another. */
  jobs?: number;
}

/** The project's outputs as the notebooks use them (lib/cli/config.ts's defaults under `root`). */
function outputsOf(root: string, log: (line: string) => void) {
  return {
    stagingDir: join(root, "outputs", "staging"),
    warehouseDir: join(root, "outputs", "warehouse"),
    opendataDir: join(root, "outputs", "opendata"),
    reportsDir: join(root, "reports"),
    log,
  };
}

/**
 * Executes the notebooks (all of them in name order, or the named ones), one kernel each, in two
 * lanes (notebookLanes). Resolves to the runs in name order. Rejects with NotebookExecutionError
 * on the first failure: no notebook starts after it (the other lane's running one finishes).
 */
export async function runNotebooks(names: string[] = [], opts: RunOptions = {}): Promise<NotebookRun[]> {
  const root = resolve(opts.root ?? findProjectRoot());
  const log = opts.log ?? ((line: string) => console.log(line));
  const timeout = opts.cellTimeoutSeconds ?? DEFAULT_CELL_TIMEOUT_S;
  requireJupyter();
  if (!existsSync(join(root, "node_modules", ".bin", "tslab"))) {
    throw new Error(`${join(root, "node_modules/.bin/tslab")} not found: run npm ci first`);
  }
  const notebooks = listNotebooks(root, names);
  if (notebooks.length === 0) {
    log(`No notebooks in ${join(root, "notebooks")}.`);
    return [];
  }
  const outputs = outputsOf(root, log);
  const lock = acquireRunLock(runPaths(outputs).lockFile, "npm run notebooks", log);
  // What the notebooks read from `npm start`, checked before any of them starts (and before the
  // purge below could delete what a user staged with `npm start -- split`).
  try {
    recoverOutputs(outputs);
    const missing = notebookPrerequisites(root, notebooks);
    if (missing) throw new Error(missing);
  } catch (error) {
    lock.release();
    throw error;
  }
  // Ctrl+C reaches nbconvert too, which then fails the notebook: with a handler, this process
  // is not killed on the spot, and the purge below runs before it exits.
  const onInterrupt = () => (process.exitCode = 130);
  process.on("SIGINT", onInterrupt);
  try {
    return await executeNotebooks(root, notebooks, notebookLanes(root, notebooks, opts.jobs ?? 2), timeout, log, opts.write !== false);
  } finally {
    // Whatever happened: notebooks 01 and 02 staged raw personal data and none of them purges it.
    const purged = purgeStagingPersonalData(outputs.stagingDir);
    if (purged.length > 0) log(`purged ${purged.length} staged file(s) holding personal data that the notebooks staged: ${purged.join(", ")}`);
    lock.release();
    process.off("SIGINT", onInterrupt);
  }
}

interface Executed {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  error?: Error;
}

/** One nbconvert process, its stderr kept (stdout is not used). */
function execute(args: string[], root: string, env: NodeJS.ProcessEnv): Promise<Executed> {
  return new Promise((done) => {
    const child = spawn("jupyter", args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
    const chunks: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", (error) => done({ status: null, signal: null, stderr: "", error }));
    child.on("close", (status, signal) => done({ status, signal, stderr: Buffer.concat(chunks).toString("utf8") }));
  });
}

async function executeNotebooks(root: string, notebooks: string[], lanes: string[][], timeout: number, log: (line: string) => void, writeBack: boolean): Promise<NotebookRun[]> {
  writeKernelSpec(root);
  const jupyter = jupyterDir(root);
  const nbconvertConfig = join(jupyter, "nbconvert_config.py");
  writeFileSync(nbconvertConfig, NBCONVERT_CONFIG);
  const workDir = join(jupyter, "run");
  mkdirSync(workDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: [jupyter, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    JUPYTER_RUNTIME_DIR: join(jupyter, "runtime"),
    TZ: "UTC",
  };

  const runs = new Map<string, NotebookRun>();
  let failure: Error | null = null;

  async function runOne(file: string): Promise<void> {
    const name = relative(root, file);
    const started = process.hrtime.bigint();
    const original = readFileSync(file, "utf8");
    const workCopy = join(workDir, relative(join(root, "notebooks"), file));
    mkdirSync(dirname(workCopy), { recursive: true });
    // The work copy nbconvert executes in place: written afresh before each execution.
    const freshWorkCopy = () => writeFileSync(workCopy, serialiseNotebook(normaliseNotebook(readNotebook(file))));
    freshWorkCopy();
    const args = [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--inplace",
        `--config=${nbconvertConfig}`,
        `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
        `--ExecutePreprocessor.timeout=${timeout}`,
        `--ExecutePreprocessor.startup_timeout=${KERNEL_STARTUP_TIMEOUT_S}`,
        workCopy,
      ];
    let result = await execute(args, root, env);
    if (result.status !== 0 && KERNEL_CONNECTION_RACE.test(result.stderr)) {
      // Two lanes start kernels at once, and jupyter_client picks free ports by binding and
      // releasing them: both kernels could get the same port, and a client then talks to the
      // other lane's kernel (HMAC "Invalid Signature", or no reply). NBCONVERT_CONFIG's port
      // reservations prevent that between the lanes; a process outside the run can still take a
      // port in that window. Not the notebook's fault: run it again, once.
      log(`${name}: kernel connection race (${KERNEL_CONNECTION_RACE.source}); executing it again`);
      freshWorkCopy();
      result = await execute(args, root, env);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.error) throw result.error;
    if (result.status !== 0) {
      const reason = result.signal ? `killed by ${result.signal}` : `exit ${result.status}`;
      throw new NotebookExecutionError(name, seconds, `${errorExcerpt(result.stderr)}\n(jupyter nbconvert ${reason})`);
    }
    const executed = serialiseNotebook(normaliseNotebook(readNotebook(workCopy)));
    const changed = executed !== original;
    const write = changed && writeBack;
    if (write) writeFileSync(file, executed);
    log(`${name}  ${seconds.toFixed(1)} s${write ? "  (updated)" : changed ? "  (differs, not written)" : "  (unchanged)"}`);
    runs.set(file, { notebook: name, seconds, changed });
  }

  // Each lane in order; the first failure anywhere stops every lane before its next notebook.
  await Promise.all(
    lanes.map(async (lane) => {
      for (const file of lane) {
        if (failure) return;
        try {
          await runOne(file);
        } catch (error) {
          failure ??= error as Error;
        }
      }
    }),
  );
  if (failure) throw failure;
  return notebooks.map((file) => runs.get(file)!);
}

function main(argv: string[]): void {
  const program = new Command()
    .name("notebooks")
    .description("Execute notebooks/*.ipynb with the tslab kernel and save them normalised.")
    .argument("[names...]", "notebooks to run (e.g. 02_cleanse); default: all, in name order")
    .option("--timeout <seconds>", "per-cell timeout", String(DEFAULT_CELL_TIMEOUT_S))
    .option("--jobs <n>", "notebooks run at a time: 2 (the ordered chain beside the independent ones) or 1", "2")
    .action(async (names: string[], options: { timeout: string; jobs: string }) => {
      const cellTimeoutSeconds = Number(options.timeout);
      if (!Number.isFinite(cellTimeoutSeconds) || cellTimeoutSeconds <= 0) {
        throw new Error(`--timeout must be a positive number of seconds, got ${options.timeout}`);
      }
      const jobs = Number(options.jobs);
      if (jobs !== 1 && jobs !== 2) throw new Error(`--jobs must be 1 or 2, got ${options.jobs}`);
      const started = process.hrtime.bigint();
      const runs = await runNotebooks(names, { cellTimeoutSeconds, jobs });
      const total = Number(process.hrtime.bigint() - started) / 1e9;
      if (runs.length > 1) console.log(`${runs.length} notebooks  ${total.toFixed(1)} s`);
    });
  program.parseAsync(argv).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}

if (require.main === module) main(process.argv);
