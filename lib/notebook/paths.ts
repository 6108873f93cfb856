/**
 * Where `npm start` writes, for notebooks that read its outputs without running a stage. The
 * values are those of `defaultConfig()` in lib/cli/pipeline.ts (tests/notebook/paths.test.ts
 * checks they agree); they are restated here because a notebook's kernel type-checks every
 * module it imports, and the pipeline's module graph costs several seconds per notebook.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../io/paths";

export interface WorkbookPaths {
  input: string;
  stagingDir: string;
  warehouseDir: string;
  opendataDir: string;
  reportsDir: string;
}

export function workbookPaths(): WorkbookPaths {
  const root = projectRoot();
  return {
    input: path.join(root, "data", "raw", "export.csv.gz"),
    stagingDir: path.join(root, "outputs", "staging"),
    warehouseDir: path.join(root, "outputs", "warehouse"),
    opendataDir: path.join(root, "outputs", "opendata"),
    reportsDir: path.join(root, "reports"),
  };
}

/**
 * The current Open Data release as `outputs/opendata/current.json` names it (what
 * `currentRelease` in lib/opendata/release.ts reads), with its directory; null before the first.
 */
export function readCurrentRelease(opendataDir: string = workbookPaths().opendataDir): { version: string; path: string; dir: string } | null {
  const file = path.join(opendataDir, "current.json");
  if (!existsSync(file)) return null;
  const current = JSON.parse(readFileSync(file, "utf8")) as { version: string; path: string };
  return { ...current, dir: path.join(opendataDir, current.path) };
}
