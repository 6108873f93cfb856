import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../lib/cli/pipeline";
import { currentRelease } from "../../lib/opendata/release";
import { readCurrentRelease, workbookPaths } from "../../lib/notebook/paths";

test("the notebooks read outputs where npm start writes them", () => {
  const cfg = defaultConfig({ log: () => {} });
  expect(workbookPaths()).toEqual({ input: cfg.input, stagingDir: cfg.stagingDir, warehouseDir: cfg.warehouseDir, opendataDir: cfg.opendataDir, reportsDir: cfg.reportsDir });
});

test("the current release, as the release module names it", () => {
  const dir = mkdtempSync(join(tmpdir(), "current-"));
  try {
    expect(readCurrentRelease(dir)).toBeNull();
    mkdirSync(join(dir, "releases", "v1"), { recursive: true });
    writeFileSync(join(dir, "current.json"), JSON.stringify({ version: "v1", path: "releases/v1" }));
    expect(readCurrentRelease(dir)).toEqual({ ...currentRelease(dir), dir: join(dir, "releases", "v1") });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
