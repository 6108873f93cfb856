/**
 * Fixtures that several test files build the same way (a generated export through split,
 * cleanse, warehouse and marts; the Online Retail December export through the same stages) are
 * built once per `npm test` run and copied to every test that asks for one: each test gets its
 * own copy (it may write into it), built by the code under test in this very run, never by an
 * earlier run. The directory comes from tests/helpers/globalSetup.js (WORKBOOK_TEST_FIXTURES) and
 * goes with the run; outside jest's global setup each process builds its own.
 *
 * Between jest's worker processes: the first to ask takes a lock (a directory, created
 * atomically) and builds; the others wait for the result. A builder that fails removes its
 * lock and partial result, so the next one to ask builds it again and meets the error itself.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

let processRoot: string | undefined;

function fixturesRoot(): string {
  const shared = process.env.WORKBOOK_TEST_FIXTURES;
  if (shared && fs.existsSync(shared)) return shared;
  processRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), "workbook-fixtures-"));
  return processRoot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the process named in a lock still runs (a lock being created, without its pid yet, counts as alive). */
function builderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
  } catch {
    return true;
  }
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Builds the named fixture in `dir` once per run (its value must be JSON); returns where it is and the value. */
async function built<T>(name: string, build: (dir: string) => Promise<T>): Promise<{ dir: string; value: T }> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`fixture name ${name}: letters, digits, '.', '_' and '-' only`);
  const root = fixturesRoot();
  const dir = path.join(root, name);
  const done = path.join(root, `${name}.json`);
  const lock = path.join(root, `${name}.lock`);
  for (;;) {
    if (fs.existsSync(done)) return { dir, value: JSON.parse(fs.readFileSync(done, "utf8")) as T };
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
    } catch {
      // Another worker is building it; a worker that died while building left its lock behind.
      if (!builderAlive(lock)) fs.rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
      continue;
    }
    try {
      if (fs.existsSync(done)) continue; // finished between our check and our lock
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const value = await build(dir);
      fs.writeFileSync(`${done}.tmp`, JSON.stringify(value ?? null));
      fs.renameSync(`${done}.tmp`, done);
      return { dir, value };
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * The named fixture, copied into a new temporary directory for the caller: `build(dir)` writes
 * it into `dir` and returns a JSON value, in which every mention of `dir` is replaced by the
 * copy's directory (so paths in summaries point into the copy).
 */
export async function sharedFixture<T>(name: string, build: (dir: string) => Promise<T>, into?: string): Promise<{ dir: string; value: T }> {
  const original = await built(name, build);
  const copy = into ?? fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  fs.cpSync(original.dir, copy, { recursive: true });
  const value = JSON.parse(JSON.stringify(original.value ?? null).split(original.dir).join(copy)) as T;
  return { dir: copy, value };
}
