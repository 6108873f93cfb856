/**
 * A run of the pipeline is one transaction: the new staging area, warehouse, marts, Open Data
 * release and reports become current together, and only when the last stage (its gates
 * included) has succeeded. An error, Ctrl+C or `kill -9` at any point leaves the previous set
 * current and consistent.
 *
 * How: every stage of the run writes under `<outputs>/.run/` (the stages take their directories
 * from the PipelineConfig); the commit then moves the results into place after writing its
 * journal (lib/io/transaction.ts). The staged personal data of the run lives only under `.run/`
 * until the purge stage deletes it, and `.run/` as a whole is deleted when the run fails or is
 * interrupted, or, after `kill -9`, by the next run before anything else. A lock file
 * (`<outputs>/.run.lock`, lib/io/runLock.ts) stops a second run while one is in progress.
 *
 * Earlier Open Data releases stay online: the run's release directory is added beside them and
 * `current.json` (same format) is switched last.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { acquireRunLock, type RunLock } from "../io/runLock";
import { commit, JOURNAL, recover, removeLeftovers, type Move } from "../io/transaction";
import { privacyDirOf, type PipelineConfig } from "./config";
import { runStages, STAGE_ORDER, type StageName, type StageResult } from "./pipeline";

export interface RunPaths {
  /** Where a run's outputs are staged until the commit. */
  workDir: string;
  lockFile: string;
}

/** Beside the staging area (outputs/): the same file system as the live outputs, so moves are renames. */
export function runPaths(cfg: Pick<PipelineConfig, "stagingDir">): RunPaths {
  const outputs = path.dirname(path.resolve(cfg.stagingDir));
  return { workDir: path.join(outputs, ".run"), lockFile: path.join(outputs, ".run.lock") };
}

/** The directories whose leftovers of an interrupted stage (`.next`, `.partial`, spills) are deleted. */
/** The live directories of a configuration (what a recovery looks at). */
export type LiveOutputs = Pick<PipelineConfig, "stagingDir" | "warehouseDir" | "opendataDir" | "reportsDir" | "log">;

function liveDirs(cfg: LiveOutputs): string[] {
  return [cfg.stagingDir, cfg.warehouseDir, cfg.opendataDir, path.join(cfg.opendataDir, "releases"), cfg.reportsDir];
}

const shown = (p: string) => {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") ? rel : p;
};

/**
 * Finishes or undoes what an interrupted run left (under the lock only): a commit whose journal
 * was written is completed, any other unfinished run is deleted with the personal data it had
 * staged, and leftovers of a stage stopped part-way are removed.
 */
export function recoverOutputs(cfg: LiveOutputs): void {
  const { workDir } = runPaths(cfg);
  const outcome = recover(workDir);
  if (outcome === "completed") cfg.log(`an interrupted run had started publishing its outputs: publication completed (${shown(workDir)})`);
  if (outcome === "rolled-back") cfg.log(`an interrupted run's work (${shown(workDir)}) deleted, with the personal data it had staged; its previous outputs were never replaced`);
  const removed = removeLeftovers(liveDirs(cfg));
  if (removed.length) cfg.log(`removed ${removed.length} leftover(s) of an interrupted stage: ${removed.map(shown).join(", ")}`);
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/**
 * Runs `work` holding the run lock, after recovering from any interrupted run. On Ctrl+C (or
 * SIGTERM, SIGHUP) the unfinished run is undone the same way before the process exits.
 */
export async function withRunLock<T>(cfg: PipelineConfig, command: string, work: () => Promise<T>): Promise<T> {
  const lock: RunLock = acquireRunLock(runPaths(cfg).lockFile, command, cfg.log);
  const onSignal = (signal: NodeJS.Signals) => {
    let what: string;
    try {
      const outcome = recover(runPaths(cfg).workDir);
      removeLeftovers(liveDirs(cfg));
      what =
        outcome === "completed"
          ? "the run's outputs were being published: publication completed"
          : "nothing was published: the previous outputs stay current, and the personal data this run had staged was deleted";
    } catch (err) {
      what = `the run's work could not be deleted (${(err as Error).message}): the next run deletes it before anything else`;
    } finally {
      lock.release();
    }
    process.stderr.write(`\ninterrupted (${signal}): ${what}\n`);
    process.exit(128 + (SIGNALS[signal] ?? 0));
  };
  for (const s of Object.keys(SIGNALS)) process.on(s, onSignal);
  try {
    recoverOutputs(cfg);
    return await work();
  } finally {
    for (const s of Object.keys(SIGNALS)) process.off(s, onSignal);
    lock.release();
  }
}

/**
 * For the commands that only read the outputs (rights access, the portal): a publication that
 * was interrupted after its commit point is completed first, when no run is in progress.
 */
export function completeInterruptedPublication(cfg: PipelineConfig): void {
  const { workDir, lockFile } = runPaths(cfg);
  if (!fs.existsSync(path.join(workDir, JOURNAL))) return;
  let lock: RunLock;
  try {
    lock = acquireRunLock(lockFile, "completing an interrupted publication", cfg.log);
  } catch {
    return; // a run in progress is publishing right now
  }
  try {
    recoverOutputs(cfg);
  } finally {
    lock.release();
  }
}

/** The configuration of the run's stages: same input and ledgers, outputs under the work directory. */
export function workConfig(cfg: PipelineConfig, workDir: string): PipelineConfig {
  return {
    ...cfg,
    stagingDir: path.join(workDir, "staging"),
    warehouseDir: path.join(workDir, "warehouse"),
    opendataDir: path.join(workDir, "opendata"),
    reportsDir: path.join(workDir, "reports"),
    privacyDir: privacyDirOf(cfg),
  };
}

/**
 * The release stage reads the current release and keeps the earlier ones: it works on a copy of
 * `current.json` and of `releases/` (small: a few hundred KB a release), never on the live ones.
 */
function seedOpenData(live: string, work: string): void {
  fs.mkdirSync(path.join(work, "releases"), { recursive: true });
  const pointer = path.join(live, "current.json");
  if (fs.existsSync(pointer)) fs.copyFileSync(pointer, path.join(work, "current.json"));
  const releases = path.join(live, "releases");
  if (!fs.existsSync(releases)) return;
  for (const entry of fs.readdirSync(releases, { withFileTypes: true })) {
    if (!entry.isDirectory() || /\.(partial|next|prev)$/.test(entry.name)) continue;
    fs.cpSync(path.join(releases, entry.name), path.join(work, "releases", entry.name), { recursive: true });
  }
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

/** What the commit moves, in order: staging, warehouse, reports, the new release, `current.json` last. */
export function publicationMoves(cfg: PipelineConfig, work: PipelineConfig): Move[] {
  const moves: Move[] = [];
  if (fs.existsSync(work.stagingDir)) moves.push({ from: work.stagingDir, to: path.resolve(cfg.stagingDir), mode: "replace" });
  if (fs.existsSync(work.warehouseDir)) moves.push({ from: work.warehouseDir, to: path.resolve(cfg.warehouseDir), mode: "replace" });
  for (const file of filesUnder(work.reportsDir)) moves.push({ from: file, to: path.join(path.resolve(cfg.reportsDir), path.relative(work.reportsDir, file)), mode: "replace" });
  if (fs.existsSync(work.opendataDir)) {
    const releases = path.join(work.opendataDir, "releases");
    // The version is a hash of the figures: a run that rebuilt the current version (same figures)
    // may have rewritten its documents (README, licence, assessment), which replace the live ones.
    const pointer = path.join(work.opendataDir, "current.json");
    const rebuilt = fs.existsSync(pointer) ? (JSON.parse(fs.readFileSync(pointer, "utf8")) as { version: string }).version : null;
    if (fs.existsSync(releases)) {
      for (const name of fs.readdirSync(releases).sort()) {
        const live = path.join(path.resolve(cfg.opendataDir), "releases", name);
        if (name === rebuilt && fs.existsSync(live)) {
          moves.push({ from: path.join(releases, name), to: live, mode: "replace" });
          continue;
        }
        // The earlier releases were copied in for the release stage to read; they are online already.
        if (fs.existsSync(live)) continue;
        moves.push({ from: path.join(releases, name), to: live, mode: "add" });
      }
    }
    for (const name of fs.readdirSync(work.opendataDir).sort()) {
      if (name !== "releases") moves.push({ from: path.join(work.opendataDir, name), to: path.join(path.resolve(cfg.opendataDir), name), mode: "replace" });
    }
    // A release the run withdrew (--withdraw-previous) is missing from the work copy: it goes
    // offline after current.json names its successor.
    const live = path.join(path.resolve(cfg.opendataDir), "releases");
    if (fs.existsSync(releases) && fs.existsSync(live)) {
      for (const name of fs.readdirSync(live).sort()) {
        if (!fs.existsSync(path.join(releases, name))) moves.push({ from: path.join(releases, name), to: path.join(live, name), mode: "remove" });
      }
    }
  }
  return moves;
}

/**
 * The whole pipeline (or the stages given, which must start at split) as one transaction, under
 * the run lock. Returns the stages' results once their outputs are current.
 */
export async function runPipeline(cfg: PipelineConfig, stages: StageName[] = STAGE_ORDER, command = "npm start"): Promise<StageResult[]> {
  if (stages[0] !== "split") throw new Error(`a run publishes what it built from the raw export: its stages start at split (got ${stages.join(", ")})`);
  for (let i = 1; i < stages.length; i++) {
    if (STAGE_ORDER.indexOf(stages[i]) <= STAGE_ORDER.indexOf(stages[i - 1])) throw new Error(`stages out of order: ${stages.join(", ")}`);
  }
  return withRunLock(cfg, command, async () => {
    const { workDir } = runPaths(cfg);
    const work = workConfig(cfg, workDir);
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
    try {
      if (stages.includes("opendata")) seedOpenData(cfg.opendataDir, work.opendataDir);
      const results = await runStages(work, stages);
      const moves = publicationMoves(cfg, work);
      cfg.log(`publishing ${moves.length} outputs together`);
      commit(workDir, moves, (m) => cfg.log(`publish ${shown(m.to)}`));
      cfg.log("published: the run's staging, warehouse, marts, release and reports are current");
      return results;
    } finally {
      // A failed run (an error, a failed gate) leaves nothing behind: not its half-built outputs,
      // not the personal data it staged. After a commit the directory is already gone.
      if (!fs.existsSync(path.join(workDir, JOURNAL))) fs.rmSync(workDir, { recursive: true, force: true, maxRetries: 5 });
    }
  });
}
