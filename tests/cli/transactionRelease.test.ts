/**
 * A run is one transaction (lib/cli/runPipeline.ts), continued from transaction.test.ts: killed
 * inside the Open Data release stage (Ctrl+C), after it (kill -9), and in the middle of its
 * commit, after the journal (kill -9): before the commit point the previous set stays current,
 * byte for byte; after it, the next start completes the publication and the new set is current
 * and consistent. Published figures are final, so the run that revises them withdraws the previous
 * release (`--withdraw-previous`): the completed commit takes it offline too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expectClean, expectConsistent, killScenario, readJson, runChild } from "./fixtures/transactionHarness";

describe("a run is one transaction: killed in the release stage and in the commit", () => {
  const s = killScenario("release");

  test('killed inside opendata and after it (SIGINT at "opendata: whole release protected"; SIGKILL at "✔ opendata"): the previous set stays current and consistent', async () => {
    await s.expectPreviousSetAfter({ at: "opendata: whole release protected", signal: "SIGINT" });
    await s.expectPreviousSetAfter({ at: "✔ opendata", signal: "SIGKILL" });
    await s.expectRecovered();
  }, 900_000);

  test("killed in the middle of the commit (after its journal): the next start completes it, and the new set is current and consistent", async () => {
    const sandbox = s.sandbox();
    const outputs = path.join(sandbox, "outputs");
    const before = readJson(path.join(outputs, "opendata", "current.json"));
    const killed = await runChild(sandbox, s.keyDir(), "revise", s.inputB(), { at: `publish ${path.join(outputs, "warehouse")}`, signal: "SIGKILL" });
    expect(killed.signal).toBe("SIGKILL");
    // Killed with the staging published and the rest not: the next start finishes it.
    const next = await runChild(sandbox, s.keyDir(), "recover", s.inputA());
    expect(next.code).toBe(0);
    expect(next.stdout).toContain("an interrupted run had started publishing its outputs: publication completed");
    expectClean(sandbox);
    expectConsistent(sandbox, s.inputB());
    const after = readJson(path.join(outputs, "opendata", "current.json"));
    expect(after.version).not.toBe(before.version);
    // The previous release, withdrawn by the revising run, is offline once the commit is complete.
    expect(fs.existsSync(path.join(outputs, "opendata", before.path))).toBe(false);
    expect(fs.readdirSync(path.join(outputs, "opendata", "releases"))).toEqual([after.version]);
  }, 900_000);
});
