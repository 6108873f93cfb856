/**
 * The run lock (lib/io/runLock.ts): a second run stops with a message naming the first; a lock
 * whose process is gone, or whose process id was reused by another program, is stale and
 * broken by the next run, which says so.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireRunLock, processStartTime, RunLockedError } from "../../lib/io/runLock";
import { testIf } from "../helpers/skip";

function lockFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "workbook-lock-")), "outputs", ".run.lock");
}

test("a second acquisition while the first holds it fails with the holder's process and command", () => {
  const file = lockFile();
  const lock = acquireRunLock(file, "npm start");
  expect(JSON.parse(fs.readFileSync(file, "utf8"))).toMatchObject({ pid: process.pid, command: "npm start" });
  expect(() => acquireRunLock(file, "npm start -- split")).toThrow(RunLockedError);
  expect(() => acquireRunLock(file, "npm start -- split")).toThrow(`another run is in progress (process ${process.pid}, \`npm start\``);
  lock.release();
  expect(fs.existsSync(file)).toBe(false);
  acquireRunLock(file, "again").release();
});

test("a lock left by a process that no longer exists is removed, and the run says so", () => {
  const file = lockFile();
  const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const pid = Number(gone.stdout);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ pid, startTime: 1, host: os.hostname(), command: "npm start", since: "2025-01-01T00:00:00.000Z" }));
  const messages: string[] = [];
  const lock = acquireRunLock(file, "npm start", (m) => messages.push(m));
  expect(messages).toEqual([`removed a stale run lock left by process ${pid} (\`npm start\`, since 2025-01-01T00:00:00.000Z), which no longer runs`]);
  expect(JSON.parse(fs.readFileSync(file, "utf8")).pid).toBe(process.pid);
  lock.release();
});

const testWithProc = testIf(processStartTime(process.pid) !== null, "/proc/<pid>/stat is not readable here (not Linux): the lock can tell processes apart by id only", "run the tests on Linux");

testWithProc("a process id reused by another program (another start time) does not keep the lock", () => {
  const file = lockFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid)! - 1, host: os.hostname(), command: "npm start", since: "x" }));
  const lock = acquireRunLock(file, "npm start");
  expect(JSON.parse(fs.readFileSync(file, "utf8")).startTime).toBe(processStartTime(process.pid));
  lock.release();
});

test("an unreadable lock (a crash between creating and writing it) is removed too", () => {
  const file = lockFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
  const messages: string[] = [];
  acquireRunLock(file, "npm start", (m) => messages.push(m)).release();
  expect(messages).toEqual([`removed an unreadable run lock ${file}`]);
});
