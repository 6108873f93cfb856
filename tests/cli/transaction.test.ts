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
 * exports, A then B: the previous set is A's, every killed run is B's. The release stage and the
 * commit of a whole run are killed in transactionRelease.test.ts (jest runs both files at once).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { applyMove, commit, recover, type Move } from "../../lib/io/transaction";
import { projectRoot } from "../helpers/runScript";
import { CHILD, expectClean, killScenario, runChild, snapshot, type Kill } from "./fixtures/transactionHarness";

describe("a run is one transaction: killed in split, cleanse, warehouse, marts, after the purge", () => {
  const s = killScenario("before-release");

  const stages: [string, Kill[]][] = [
    ["split", [{ at: "split: read", signal: "SIGKILL" }, { at: "split: read", signal: "SIGINT" }, { at: "✔ split", signal: "SIGKILL" }]],
    ["cleanse", [{ at: "cleanse: customers:", signal: "SIGKILL" }, { at: "✔ cleanse", signal: "SIGKILL" }, { at: "✔ cleanse", signal: "SIGINT" }]],
    ["warehouse", [{ at: "warehouse: protect done", signal: "SIGINT" }, { at: "warehouse: dim_customer done", signal: "SIGKILL" }, { at: "✔ warehouse", signal: "SIGKILL" }]],
    ["marts", [{ at: "marts: sales done", signal: "SIGKILL" }, { at: "marts: inventory.stock_monthly", signal: "SIGINT" }, { at: "✔ marts", signal: "SIGKILL" }]],
  ];
  for (const [stage, kills] of stages) {
    test(`killed inside ${stage} and after it (${kills.map((k) => `${k.signal} at "${k.at}"`).join("; ")}): the previous set stays current and consistent`, async () => {
      for (const kill of kills) await s.expectPreviousSetAfter(kill);
      await s.expectRecovered();
    }, 900_000);
  }

  test("killed after the purge, before the commit point", async () => {
    // The rights commands' rerun (no release stage: quicker) ends with the same purge and commit.
    // (Ctrl+C cannot land between the purge and the commit's end: both run without yielding, and
    // the handler runs after them, so such a run is published whole.)
    await s.expectPreviousSetAfter({ at: "✔ purge", signal: "SIGKILL" }, "personal");
    await s.expectRecovered();
  }, 900_000);

  test("a second run while one is in progress stops with a clear message; the first one's lock does not outlive it", async () => {
    const env = { ...process.env, WORKBOOK_KEY_DIR: s.keyDir(), WORKBOOK_PROGRESS: "0", PAUSE_AT: "✔ split" };
    const first = spawn(process.execPath, ["--import", "tsx", CHILD, "run", s.inputB(), s.sandbox()], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve) => first.stdout.on("data", (c: Buffer) => ((out += c.toString()), out.includes("@@paused") && resolve())));
    const second = await runChild(s.sandbox(), s.keyDir(), "run", s.inputA());
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`RunLockedError: another run is in progress (process ${first.pid}, \`test run\``);
    expect(second.stderr).toContain("Fix: wait for it to finish, or stop it (Ctrl+C)");
    first.kill("SIGKILL");
    await new Promise((resolve) => first.on("close", resolve));
    expect(snapshot(s.sandbox())).toEqual(s.previous());
    const third = await runChild(s.sandbox(), s.keyDir(), "recover", s.inputA());
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(`removed a stale run lock left by process ${first.pid}`);
    expectClean(s.sandbox());
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
