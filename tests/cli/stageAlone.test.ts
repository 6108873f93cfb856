/**
 * `npm start -- <stage>` after `npm start`, whose purge deleted the staged personal data
 * (lib/cli/stageAlone.ts): cleanse and warehouse stop with the missing file and the fix; marts
 * and opendata stage the warehouse's export again in a temporary directory for their
 * personal-data gates, and leave no personal file behind. On a copy of the interruption tests'
 * sandbox (a whole run of a generated export, built once per test run).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PipelineConfig } from "../../lib/cli/config";
import { missingPersonalInputs, runStageAlone, withPersonalStaging } from "../../lib/cli/stageAlone";
import { openKeyStore } from "../../lib/privacy/keystore";
import { loadProfile } from "../../lib/raw/profile";
import { InputError } from "../../lib/raw/inputError";
import { expectClean, killScenario, snapshot } from "./fixtures/transactionHarness";

describe("one stage alone after npm start purged the staged personal data", () => {
  const scenario = killScenario("release");
  const logged: string[] = [];
  const config = (): PipelineConfig => {
    const sandbox = scenario.sandbox();
    return {
      input: scenario.inputA(),
      profile: loadProfile("default"),
      stagingDir: path.join(sandbox, "outputs", "staging"),
      warehouseDir: path.join(sandbox, "outputs", "warehouse"),
      opendataDir: path.join(sandbox, "outputs", "opendata"),
      reportsDir: path.join(sandbox, "reports"),
      keyStore: () => openKeyStore({ dir: scenario.keyDir(), log: () => {} }),
      log: (m) => logged.push(m),
    };
  };

  test("cleanse and warehouse stop before reading anything, naming the purged file and the fix", async () => {
    const cfg = config();
    const before = snapshot(scenario.sandbox());
    expect(missingPersonalInputs(cfg.stagingDir, "cleanse")).toEqual(["split/customers.parquet", "split/suppliers.parquet", "split/order_lines.parquet"]);
    const cleanse = runStageAlone(cfg, "cleanse");
    await expect(cleanse).rejects.toBeInstanceOf(InputError);
    await expect(cleanse).rejects.toThrow(/staging\/split\/customers\.parquet: absent \(with 2 other staged file\(s\) of personal data\): `npm start` deletes .*Fix: run `npm start -- split` before `npm start -- cleanse`/);
    await expect(runStageAlone(cfg, "warehouse")).rejects.toThrow(/staging\/clean\/customers\.parquet: absent .*Fix: run `npm start -- split` then `npm start -- cleanse` before `npm start -- warehouse`/);
    expect(snapshot(scenario.sandbox())).toEqual(before);
  });

  test("the export is staged again in a temporary directory, deleted after use, also when the work fails", async () => {
    const cfg = config();
    let seen = "";
    const customers = await withPersonalStaging(cfg, async (stagingDir) => {
      seen = stagingDir;
      expect(stagingDir.startsWith(os.tmpdir())).toBe(true);
      return missingPersonalInputs(stagingDir, "opendata");
    });
    expect(customers).toEqual([]);
    expect(fs.existsSync(seen)).toBe(false);
    await expect(
      withPersonalStaging(cfg, async (stagingDir) => {
        seen = stagingDir;
        throw new Error("the gate failed");
      }),
    ).rejects.toThrow("the gate failed");
    expect(fs.existsSync(seen)).toBe(false);
  }, 120_000);

  test("marts and opendata run alone: their personal-data gates read the staged-again values; nothing personal is left", async () => {
    const cfg = config();
    const release = fs.readFileSync(path.join(cfg.opendataDir, "current.json"), "utf8");
    logged.length = 0;
    const [marts] = await runStageAlone(cfg, "marts");
    expect(marts.summary).toMatch(/personal-data scan: 0 hits$/);
    const [opendata] = await runStageAlone(cfg, "opendata");
    expect(opendata.summary).toMatch(/^release v\w+: .* gates passed$/);
    expect(logged.filter((m) => m.startsWith("the staged personal values were purged"))).toHaveLength(2);
    // The same marts, the same release: the one current before.
    expect(fs.readFileSync(path.join(cfg.opendataDir, "current.json"), "utf8")).toBe(release);
    expectClean(scenario.sandbox());
  }, 300_000);
});

describe("one stage alone before anything was built (a fresh clone)", () => {
  test("marts and opendata stop at once, naming the database that is missing and the stage that builds it; nothing is staged", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "stage-alone-fresh-"));
    try {
      const logged: string[] = [];
      const cfg: PipelineConfig = {
        input: path.join(root, "export.csv.gz"),
        profile: loadProfile("default"),
        stagingDir: path.join(root, "outputs", "staging"),
        warehouseDir: path.join(root, "outputs", "warehouse"),
        opendataDir: path.join(root, "outputs", "opendata"),
        reportsDir: path.join(root, "reports"),
        keyStore: () => openKeyStore({ dir: path.join(root, "keys"), log: () => {} }),
        log: (m) => logged.push(m),
      };
      const marts = runStageAlone(cfg, "marts");
      await expect(marts).rejects.toBeInstanceOf(InputError);
      await expect(marts).rejects.toThrow(/warehouse\/core\.duckdb: not built yet: `npm start -- marts` reads it\. Fix: run `npm start` for the whole pipeline, or the stages before marts first \(`npm start -- warehouse` builds it\)/);
      await expect(runStageAlone(cfg, "opendata")).rejects.toThrow(/warehouse\/core\.duckdb: not built yet: `npm start -- opendata` reads it/);
      fs.mkdirSync(cfg.warehouseDir, { recursive: true });
      fs.writeFileSync(path.join(cfg.warehouseDir, "core.duckdb"), "");
      await expect(runStageAlone(cfg, "opendata")).rejects.toThrow(/warehouse\/marts\.duckdb: not built yet: .*\(`npm start -- marts` builds it\)/);
      expect(logged).toEqual([]);
      expect(fs.readdirSync(root).sort()).toEqual(["outputs"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
