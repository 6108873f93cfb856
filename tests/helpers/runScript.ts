import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";

/** The project root, for tests that run its commands. */
export const projectRoot = path.resolve(__dirname, "../..");

/** Runs a TypeScript entry point of the project (e.g. lib/cli/main.ts) as the npm scripts do (`node --import tsx`), without a progress bar. */
export function runScript(script: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(projectRoot, script), ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, WORKBOOK_PROGRESS: "0" },
  });
}
