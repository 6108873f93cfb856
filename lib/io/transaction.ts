/**
 * Publishing several outputs together: all of them or none.
 *
 * Everything is first written under a work directory (`<outputs>/.run/`) that readers never look
 * at. The commit then writes a journal (`COMMIT.json`, the list of moves, written whole through a
 * rename and flushed to disk) and only then moves each output into place by rename. The journal is
 * the commit point:
 * - killed before it exists (an error, Ctrl+C, `kill -9` during a stage), the work directory is
 *   simply deleted by the next run (`recover`): the previous outputs never changed;
 * - killed after it exists, the next run finishes the moves the journal lists (each move can be
 *   redone safely), so the new outputs become current together.
 * The moves themselves are a few renames on one file system: milliseconds.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Move {
  /** Under the work directory. */
  from: string;
  /** The live path. */
  to: string;
  /**
   * "replace": the live file or directory is replaced by the new one;
   * "add": moved in only when nothing has that name yet (immutable outputs such as a release
   * directory, whose name is the hash of its content);
   * "remove": the live path is deleted (a withdrawn release); `from` is not read.
   */
  mode: "replace" | "add" | "remove";
}

export const JOURNAL = "COMMIT.json";

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function remove(p: string): void {
  fs.rmSync(p, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/** One move, written so that doing it again after an interruption at any point completes it. */
export function applyMove(move: Move): void {
  if (move.mode === "remove") {
    remove(move.to);
    return;
  }
  const prev = `${move.to}.prev`;
  if (!exists(move.from)) {
    remove(prev); // done before; only the previous copy may be left
    return;
  }
  fs.mkdirSync(path.dirname(move.to), { recursive: true });
  if (move.mode === "add") {
    if (!exists(move.to)) fs.renameSync(move.from, move.to);
    return;
  }
  if (fs.lstatSync(move.from).isDirectory()) {
    // rename() cannot replace a non-empty directory: the old one steps aside first.
    remove(prev);
    if (exists(move.to)) fs.renameSync(move.to, prev);
    fs.renameSync(move.from, move.to);
    remove(prev);
  } else {
    fs.renameSync(move.from, move.to); // atomic replacement of a file
  }
}

function writeJournal(workDir: string, moves: Move[]): void {
  const file = path.join(workDir, JOURNAL);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, JSON.stringify({ moves }, null, 2) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * Publishes `moves` together, then deletes the work directory. `onMove` is called before each
 * move (the CLI logs it; the interruption tests stop the process there).
 */
export function commit(workDir: string, moves: Move[], onMove: (move: Move) => void = () => {}): void {
  writeJournal(workDir, moves);
  for (const move of moves) {
    onMove(move);
    applyMove(move);
  }
  remove(workDir);
}

export type Recovery = "none" | "rolled-back" | "completed";

/**
 * What the next run does first: finishes a commit that was interrupted after its journal, or
 * deletes the work of a run that never reached it.
 */
export function recover(workDir: string): Recovery {
  if (!exists(workDir)) return "none";
  const journal = path.join(workDir, JOURNAL);
  if (exists(journal)) {
    const { moves } = JSON.parse(fs.readFileSync(journal, "utf8")) as { moves: Move[] };
    for (const move of moves) applyMove(move);
    remove(workDir);
    return "completed";
  }
  remove(workDir);
  return "rolled-back";
}

/**
 * Leftovers of a stage that was stopped part-way in a live directory (each stage builds into
 * `<name>.next` or `<name>.partial`, spills into `<name>.spill`, writes files as `<name>.tmp-<pid>`,
 * and keeps `<name>.prev` during a swap). Only ever called under the run lock.
 */
export const LEFTOVER = /\.(next|prev|partial)(\.|$)|\.spill(-[a-z]+)?$|\.tmp(-\d+)?$/;

/** Deletes the leftovers directly inside each of `dirs`; returns what it deleted. */
export function removeLeftovers(dirs: string[]): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of entries) {
      if (!LEFTOVER.test(name)) continue;
      remove(path.join(dir, name));
      removed.push(path.join(dir, name));
    }
  }
  return removed;
}
