/**
 * A run is one transaction (lib/cli/runPipeline.ts): killed at any stage boundary or inside any
 * stage, with SIGKILL (nothing of the run's own code runs) or SIGINT (Ctrl+C), it leaves the
 * previous staging, warehouse, marts, release and reports current and byte for byte as they were;
 * the personal data it had staged is gone (at once after Ctrl+C, at the start of the next run
 * after `kill -9`); no `.next`, `.partial` or work directory is left; and a second run started
 * while one is in progress stops with a clear message, while a lock left by a killed run does
 * not block the next one.
 *
 * Each run is a child process (tests/cli/fixtures/pipelineChild.ts) on two small generated
 * exports, A then B: the previous set is A's, every killed run is B's.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateRawExport } from "../../lib/raw/generator";
import { applyMove, commit, recover, type Move } from "../../lib/io/transaction";
import { projectRoot } from "../helpers/runScript";

const CHILD = path.join(__dirname, "fixtures", "pipelineChild.ts");
const PERSONAL_FILES = new Set(["customers.parquet", "suppliers.parquet", "order_lines.parquet", "rejects.csv"]);

interface ChildRun {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Kill {
  /** The progress message the kill lands at (the first one containing this text). */
  at: string;
  signal: "SIGKILL" | "SIGINT";
}

function runChild(sandbox: string, keyDir: string, mode: string, input: string, kill?: Kill): Promise<ChildRun> {
  // SIGKILL: the child waits at the message, so the kill lands exactly there. SIGINT: the child
  // goes on (its handler must run on the event loop), so Ctrl+C lands just after the message.
  const env = { ...process.env, WORKBOOK_KEY_DIR: keyDir, WORKBOOK_PROGRESS: "0", PAUSE_AT: kill?.signal === "SIGKILL" ? kill.at : "" };
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, mode, input, sandbox], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let sent = false;
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!kill || sent) return;
    const landed = kill.signal === "SIGKILL" ? stdout.includes("@@paused ") : stdout.split("\n").some((l) => l.includes(kill.at));
    if (landed) {
      sent = true;
      child.kill(kill.signal);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ pid: child.pid!, code, signal, stdout, stderr })));
}

/** Every file of the published set (not the operator's ledgers and key ring), with its sha256. */
function snapshot(sandbox: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const top of ["outputs", "reports"]) {
    const dir = path.join(sandbox, top);
    if (!fs.existsSync(dir)) continue;
    for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const rel = path.relative(sandbox, path.join(e.parentPath, e.name)).split(path.sep).join("/");
      if (/^outputs\/(privacy\/|\.run\/|\.run\.lock)/.test(rel)) continue;
      out[rel] = createHash("sha256").update(fs.readFileSync(path.join(e.parentPath, e.name))).digest("hex");
    }
  }
  return out;
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

/** The published set is one run's: every manifest names the same export, and the release it points to exists. */
function expectConsistent(sandbox: string, input: string): void {
  const outputs = path.join(sandbox, "outputs");
  const sha = sha256(input);
  expect(readJson(path.join(outputs, "staging", "split", "manifest.json")).source.sha256).toBe(sha);
  expect(readJson(path.join(outputs, "staging", "clean", "manifest.json")).source.sha256).toBe(sha);
  expect(readJson(path.join(outputs, "warehouse", "source.json")).sha256).toBe(sha);
  for (const f of ["core.duckdb", "marts.duckdb", "gates.json", "marts-gates.json"]) expect(fs.existsSync(path.join(outputs, "warehouse", f))).toBe(true);
  const current = readJson(path.join(outputs, "opendata", "current.json"));
  expect(fs.existsSync(path.join(outputs, "opendata", current.path, "datapackage.json"))).toBe(true);
}

/** No staged personal file, no leftover of a stage, no work directory, no lock. */
function expectClean(sandbox: string): void {
  const found: string[] = [];
  for (const e of fs.readdirSync(path.join(sandbox, "outputs"), { recursive: true, withFileTypes: true })) {
    const rel = path.relative(sandbox, path.join(e.parentPath, e.name));
    if (rel.startsWith(path.join("outputs", "privacy"))) continue;
    if (PERSONAL_FILES.has(e.name) || /\.(next|prev|partial|spill)$/.test(e.name) || e.name === ".run" || e.name.startsWith(".run.lock")) found.push(rel);
  }
  expect(found).toEqual([]);
}

describe("a run is one transaction", () => {
  let dir: string;
  let sandbox: string;
  let keyDir: string;
  let inputA: string;
  let inputB: string;
  let previous: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-transaction-"));
    sandbox = path.join(dir, "sandbox");
    keyDir = path.join(dir, "keys");
    inputA = path.join(dir, "a.csv.gz");
    inputB = path.join(dir, "b.csv.gz");
    await generateRawExport({ outPath: inputA, rows: 2000, seed: 11, writeSummary: false });
    await generateRawExport({ outPath: inputB, rows: 2500, seed: 12, writeSummary: false });
    const first = await runChild(sandbox, keyDir, "run", inputA);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expectConsistent(sandbox, inputA);
    expectClean(sandbox);
    previous = snapshot(sandbox);
  }, 600_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Whether the last run was killed with SIGKILL: the next start must clean up after it. */
  let leftByKill: number | null = null;

  function expectCleanupOfKilledRun(start: ChildRun): void {
    if (leftByKill === null) return;
    expect(start.stdout).toContain(`removed a stale run lock left by process ${leftByKill}`);
    expect(start.stdout).toContain("deleted, with the personal data it had staged; its previous outputs were never replaced");
    leftByKill = null;
  }

  /** After the kill: the previous set, untouched (the next start, checked by the next call, cleans up). */
  async function expectPreviousSetAfter(kill: Kill, mode = "run"): Promise<void> {
    const killed = await runChild(sandbox, keyDir, mode, inputB, kill);
    expectCleanupOfKilledRun(killed);
    expect(killed.stdout).not.toContain("@@done");
    if (kill.signal === "SIGKILL") {
      expect(killed.signal).toBe("SIGKILL");
      leftByKill = killed.pid;
    } else {
      expect(killed.code).toBe(130);
      expect(killed.stderr).toContain("interrupted (SIGINT): nothing was published: the previous outputs stay current, and the personal data this run had staged was deleted");
      expectClean(sandbox); // Ctrl+C cleans up at once
    }
    expect(snapshot(sandbox)).toEqual(previous);
  }

  /** The next start after the kills: nothing left over, the previous set still current. */
  async function expectRecovered(): Promise<void> {
    const next = await runChild(sandbox, keyDir, "recover", inputA);
    expect(next.code).toBe(0);
    expectCleanupOfKilledRun(next);
    expect(snapshot(sandbox)).toEqual(previous);
    expectClean(sandbox);
    expectConsistent(sandbox, inputA);
  }

  const stages: [string, Kill[]][] = [
    ["split", [{ at: "split: read", signal: "SIGKILL" }, { at: "split: read", signal: "SIGINT" }, { at: "✔ split", signal: "SIGKILL" }]],
    ["cleanse", [{ at: "cleanse: customers:", signal: "SIGKILL" }, { at: "✔ cleanse", signal: "SIGKILL" }, { at: "✔ cleanse", signal: "SIGINT" }]],
    ["warehouse", [{ at: "warehouse: protect done", signal: "SIGINT" }, { at: "warehouse: dim_customer done", signal: "SIGKILL" }, { at: "✔ warehouse", signal: "SIGKILL" }]],
    ["marts", [{ at: "marts: sales done", signal: "SIGKILL" }, { at: "marts: inventory.stock_monthly", signal: "SIGINT" }, { at: "✔ marts", signal: "SIGKILL" }]],
    ["opendata", [{ at: "opendata: customers protected", signal: "SIGINT" }, { at: "✔ opendata", signal: "SIGKILL" }]],
  ];
  for (const [stage, kills] of stages) {
    test(`killed inside ${stage} and after it (${kills.map((k) => `${k.signal} at "${k.at}"`).join("; ")}): the previous set stays current and consistent`, async () => {
      for (const kill of kills) await expectPreviousSetAfter(kill);
      await expectRecovered();
    }, 900_000);
  }

  test("killed after the purge, before the commit point", async () => {
    // The rights commands' rerun (no release stage: quicker) ends with the same purge and commit.
    // (Ctrl+C cannot land between the purge and the commit's end: both run without yielding, and
    // the handler runs after them, so such a run is published whole.)
    await expectPreviousSetAfter({ at: "✔ purge", signal: "SIGKILL" }, "personal");
    await expectRecovered();
  }, 900_000);

  test("a second run while one is in progress stops with a clear message; the first one's lock does not outlive it", async () => {
    const env = { ...process.env, WORKBOOK_KEY_DIR: keyDir, WORKBOOK_PROGRESS: "0", PAUSE_AT: "✔ split" };
    const first = spawn(process.execPath, ["--import", "tsx", CHILD, "run", inputB, sandbox], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve) => first.stdout.on("data", (c: Buffer) => ((out += c.toString()), out.includes("@@paused") && resolve())));
    const second = await runChild(sandbox, keyDir, "run", inputA);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`RunLockedError: another run is in progress (process ${first.pid}, \`test run\``);
    expect(second.stderr).toContain("Fix: wait for it to finish, or stop it (Ctrl+C)");
    first.kill("SIGKILL");
    await new Promise((resolve) => first.on("close", resolve));
    expect(snapshot(sandbox)).toEqual(previous);
    const third = await runChild(sandbox, keyDir, "recover", inputA);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(`removed a stale run lock left by process ${first.pid}`);
    expectClean(sandbox);
  }, 600_000);

  test("killed in the middle of the commit (after its journal): the next start completes it, and the new set is current and consistent", async () => {
    const killed = await runChild(sandbox, keyDir, "personal", inputB, { at: `publish ${path.join(sandbox, "outputs", "warehouse")}`, signal: "SIGKILL" });
    expect(killed.signal).toBe("SIGKILL");
    // Between the commit point and the next start, the staging is B's already; the next start finishes the rest.
    const next = await runChild(sandbox, keyDir, "recover", inputA);
    expect(next.code).toBe(0);
    expect(next.stdout).toContain("an interrupted run had started publishing its outputs: publication completed");
    expectClean(sandbox);
    const outputs = path.join(sandbox, "outputs");
    const shaB = sha256(inputB);
    expect(readJson(path.join(outputs, "staging", "split", "manifest.json")).source.sha256).toBe(shaB);
    expect(readJson(path.join(outputs, "staging", "clean", "manifest.json")).source.sha256).toBe(shaB);
    expect(readJson(path.join(outputs, "warehouse", "source.json")).sha256).toBe(shaB);
    expect(fs.existsSync(path.join(outputs, "warehouse", "marts.duckdb"))).toBe(true);
    // The rights rerun does not release: the release stays A's, as after any such rerun.
    const now = snapshot(sandbox);
    const changed = Object.keys(now).filter((f) => now[f] !== previous[f]);
    expect(changed.some((f) => f.startsWith("outputs/opendata/"))).toBe(false);
    expect(changed).toEqual(expect.arrayContaining(["outputs/staging/split/manifest.json", "outputs/warehouse/source.json", "reports/quality.md"]));
  }, 600_000);
});

describe("the commit's moves (lib/io/transaction.ts), interrupted after each one", () => {
  function tree(root: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (!fs.existsSync(root)) return out;
    for (const e of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) out[path.relative(root, path.join(e.parentPath, e.name))] = fs.readFileSync(path.join(e.parentPath, e.name), "utf8");
    }
    return out;
  }

  function setUp(root: string): { work: string; live: string; moves: Move[] } {
    const live = path.join(root, "live");
    const work = path.join(root, "live", ".run");
    const write = (f: string, text: string) => (fs.mkdirSync(path.dirname(f), { recursive: true }), fs.writeFileSync(f, text));
    write(path.join(live, "staging", "manifest.json"), "old staging");
    write(path.join(live, "releases", "v1", "data.csv"), "release 1");
    write(path.join(live, "current.json"), "v1");
    write(path.join(work, "staging", "manifest.json"), "new staging");
    write(path.join(work, "releases", "v2", "data.csv"), "release 2");
    write(path.join(work, "current.json"), "v2");
    return {
      work,
      live,
      moves: [
        { from: path.join(work, "staging"), to: path.join(live, "staging"), mode: "replace" },
        { from: path.join(work, "releases", "v2"), to: path.join(live, "releases", "v2"), mode: "add" },
        { from: path.join(work, "current.json"), to: path.join(live, "current.json"), mode: "replace" },
      ],
    };
  }

  test("stopped before any move, or after any number of them, recovery gives exactly the new set", () => {
    const expected = { "current.json": "v2", "releases/v1/data.csv": "release 1", "releases/v2/data.csv": "release 2", "staging/manifest.json": "new staging" };
    for (let stopAfter = 0; stopAfter < 3; stopAfter++) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-commit-"));
      const { work, live, moves } = setUp(root);
      let done = 0;
      expect(() =>
        commit(work, moves, () => {
          if (done++ === stopAfter) throw new Error("killed");
        }),
      ).toThrow("killed");
      expect(recover(work)).toBe("completed");
      expect(tree(live)).toEqual(expected);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("a directory replacement stopped between its two renames is completed, not lost", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-commit-"));
    const { live, moves } = setUp(root);
    // The old staging stepped aside (the first rename) and the process died before the second.
    fs.renameSync(path.join(live, "staging"), path.join(live, "staging.prev"));
    applyMove(moves[0]);
    expect(fs.readFileSync(path.join(live, "staging", "manifest.json"), "utf8")).toBe("new staging");
    expect(fs.existsSync(path.join(live, "staging.prev"))).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("without a journal, recovery deletes the work and changes nothing live", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-commit-"));
    const { work, live } = setUp(root);
    expect(recover(work)).toBe("rolled-back");
    expect(tree(live)).toEqual({ "current.json": "v1", "releases/v1/data.csv": "release 1", "staging/manifest.json": "old staging" });
    fs.rmSync(root, { recursive: true, force: true });
  });
});
