/**
 * One pipeline run at a time on one outputs/ directory. Two runs writing the same staging area,
 * warehouse and release would each publish half of their outputs over the other's.
 *
 * The lock is a file created atomically (written under a temporary name, then hard-linked to its
 * final name: `link` fails if the name exists, and the file is complete from its first instant)
 * holding the owner's process id and start time. A lock whose owner is gone (killed with
 * `kill -9`, a crashed machine) is stale: the next run breaks it and says so, so a dead process
 * never leaves the outputs locked. The start time tells a live owner from an unrelated process
 * that was given the same id later.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface LockOwner {
  pid: number;
  /** Kernel start time of the process (clock ticks since boot, /proc/<pid>/stat), when known. */
  startTime: number | null;
  host: string;
  command: string;
  since: string;
}

/** The second run's error: who holds the lock and what to do. The CLI prints it and exits 2. */
export class RunLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly owner: LockOwner,
  ) {
    super(
      `another run is in progress (process ${owner.pid}, \`${owner.command}\`, since ${owner.since}): it holds ${lockFile}. ` +
        `Fix: wait for it to finish, or stop it (Ctrl+C); a lock left by a process that no longer exists is removed by the next run.`,
    );
    this.name = "RunLockedError";
  }
}

export interface RunLock {
  file: string;
  /** Removes the lock if this process still owns it. Idempotent. */
  release(): void;
}

/** Field 22 of /proc/<pid>/stat: when the process started. Null where /proc does not exist. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[19]);
  } catch {
    return null;
  }
}

/** True when the process that wrote `owner` is still running (same pid, same start time). */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // another machine's process: cannot tell, assume alive
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    // EPERM: it exists but belongs to another user.
  }
  if (owner.startTime === null) return true;
  const now = processStartTime(owner.pid);
  return now === null || now === owner.startTime;
}

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

function tryCreate(file: string, owner: LockOwner): boolean {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(owner) + "\n");
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Takes the lock or throws RunLockedError. A stale lock is broken under a second, short-lived
 * lock (`<file>.break`), so that two runs finding the same stale lock cannot both take it.
 */
export function acquireRunLock(file: string, command: string, log: (m: string) => void = () => {}): RunLock {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const owner: LockOwner = { pid: process.pid, startTime: processStartTime(process.pid), host: os.hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, owner)) return ownedLock(file, owner);
    const holder = readOwner(file);
    if (holder && ownerAlive(holder)) throw new RunLockedError(file, holder);
    breakStaleLock(file, holder, log);
  }
  const holder = readOwner(file);
  throw new RunLockedError(file, holder ?? { pid: -1, startTime: null, host: os.hostname(), command: "unknown", since: "unknown" });
}

function breakStaleLock(file: string, seen: LockOwner | null, log: (m: string) => void): void {
  const breaker = `${file}.break`;
  try {
    // A breaker that died while breaking leaves this behind; after 10 s it is stale too.
    const age = Date.now() - fs.statSync(breaker).mtimeMs;
    if (age > 10_000) fs.rmSync(breaker, { force: true });
  } catch {
    // no breaker
  }
  let fd: number;
  try {
    fd = fs.openSync(breaker, "wx");
  } catch {
    return; // someone else is breaking it: retry acquisition
  }
  try {
    const now = readOwner(file);
    // Still the lock we judged stale (or unreadable, as a crash between create and write leaves it)?
    if (JSON.stringify(now) === JSON.stringify(seen)) {
      fs.rmSync(file, { force: true });
      log(seen ? `removed a stale run lock left by process ${seen.pid} (\`${seen.command}\`, since ${seen.since}), which no longer runs` : `removed an unreadable run lock ${file}`);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(breaker, { force: true });
  }
}

function ownedLock(file: string, owner: LockOwner): RunLock {
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      const now = readOwner(file);
      if (now && now.pid === owner.pid && now.startTime === owner.startTime) fs.rmSync(file, { force: true });
    },
  };
}
