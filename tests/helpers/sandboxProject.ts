/**
 * A throw-away copy of the project, for tests that run its commands as a user types them
 * (`npm start`, `npm start -- rights ...`): the commands write the project's own outputs/ and
 * reports/, so they run in a copy, never in the real tree. The copy shares node_modules (a
 * symbolic link) and gets its own key directory; its bundled export is replaced by a small one
 * generated with the project's own generator, so that a whole run takes seconds.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "./runScript";
import { SMALL_EXPORT_ROWS } from "./smallExport";

export interface SandboxProject {
  root: string;
  keyDir: string;
  env: NodeJS.ProcessEnv;
  /** `node <tsx> lib/cli/main.ts ...args` in the sandbox (what `npm start -- ...args` runs). */
  cli(...args: string[]): SpawnSyncReturns<string>;
  /** The same, started asynchronously (the interruption tests kill it). */
  spawnCli(args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** A shell command line in the sandbox, as a user types it. */
  shell(line: string, opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): SpawnSyncReturns<string>;
}

/** What a copy needs to run every command: sources, data, tests (the compliance reports link to them), the committed outputs and reports. */
const COPIED = ["package.json", "package-lock.json", "tsconfig.json", "README.md", "lib", "data", "notebooks", "reports", "outputs", "tests", ".ci", ".gitignore", "jest.config.js"];
/** Regenerated, private or large outputs: never copied (only the committed manifests, release and reports are). */
const SKIPPED =
  /^outputs\/(\.run|\.run\.lock|opendata\/site|bench|privacy)(\/|$)|^outputs\/(staging|warehouse)\/.*(\.(duckdb|parquet)|rejects\.csv|\/lake)(\/|$)|^outputs\/.*\.(next|prev|partial|spill)(\/|$)|^data\/raw\/export\.(csv\.gz|defects\.json)$/;

export const TSX_CLI = path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");

export interface SandboxOptions {
  /** Rows of the sandbox's bundled export (data/raw/export.csv.gz); default SMALL_EXPORT_ROWS (10,000). */
  rows?: number;
  seed?: number;
  /** Put the sandbox in this directory instead of a new temporary one. */
  parent?: string;
}

export function createSandboxProject(opts: SandboxOptions = {}): SandboxProject {
  const parent = opts.parent ?? fs.mkdtempSync(path.join(os.tmpdir(), "workbook-sandbox-"));
  const root = path.join(parent, "project");
  fs.mkdirSync(root, { recursive: true });
  for (const entry of COPIED) {
    const from = path.join(projectRoot, entry);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(root, entry), {
      recursive: true,
      filter: (src) => !SKIPPED.test(path.relative(projectRoot, src).split(path.sep).join("/")),
    });
  }
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  const keyDir = path.join(parent, "keys");
  const env: NodeJS.ProcessEnv = { ...process.env, WORKBOOK_KEY_DIR: keyDir, WORKBOOK_PROGRESS: "0", FORCE_COLOR: "0", NO_COLOR: "1" };
  delete env.WORKBOOK_TEST_PAUSE_AT;
  // The bundled export, small: the project's own generator through its own command.
  const generated = spawnSync(process.execPath, [TSX_CLI, "lib/cli/main.ts", "generate", "--rows", String(opts.rows ?? SMALL_EXPORT_ROWS), "--seed", String(opts.seed ?? 20240601)], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  if (generated.status !== 0) throw new Error(`sandbox: generating the export failed: ${generated.stderr}`);
  const cli = (...args: string[]) => spawnSync(process.execPath, [TSX_CLI, "lib/cli/main.ts", ...args], { cwd: root, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const spawnCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    spawn(process.execPath, ["--import", "tsx", "lib/cli/main.ts", ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  const shell = (line: string, o: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) =>
    spawnSync("bash", ["-c", line], { cwd: root, env: { ...env, ...o.env }, encoding: "utf8", timeout: o.timeoutMs, maxBuffer: 256 << 20 });
  return { root, keyDir, env, cli, spawnCli, shell };
}
