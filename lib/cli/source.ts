/**
 * Which export and source profile the current warehouse was built from, recorded beside it
 * (`outputs/warehouse/source.json`, committed like the other manifests: a path relative to the
 * project, no timestamp). The rights commands that rerun the pipeline (rectify, erase,
 * retention, rotate-key) rebuild from this same source, and refuse to rebuild from another one
 * unless `--input` says so: a user's warehouse and release must never be silently replaced by
 * the bundled synthetic export's.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeJson } from "../io/atomicDir";
import { projectRoot } from "../io/paths";
import { InputError } from "../raw/inputError";

export interface WarehouseSource {
  /** The raw export, relative to the project root (forward slashes) or absolute outside it. */
  input: string;
  /** The source profile's name (data/sources/<name>.json). */
  profile: string;
  /** sha256 of the export's bytes, as split read them. */
  sha256: string;
}

export const SOURCE_FILE = "source.json";

/** Copies the source of the cleansed staging the warehouse was just built from (its manifest's `source`). */
export function recordWarehouseSource(warehouseDir: string, cleanDir: string): WarehouseSource {
  const manifest = JSON.parse(fs.readFileSync(path.join(cleanDir, "manifest.json"), "utf8")) as { source: { file: string; profile: string; sha256: string } };
  const source: WarehouseSource = { input: manifest.source.file, profile: manifest.source.profile, sha256: manifest.source.sha256 };
  writeJson(path.join(warehouseDir, SOURCE_FILE), source);
  return source;
}

/** The recorded source, or null when the warehouse has none (never built, or built before it was recorded). */
export function readWarehouseSource(warehouseDir: string): WarehouseSource | null {
  const file = path.join(warehouseDir, SOURCE_FILE);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, "utf8")) as WarehouseSource;
}

export function resolveSourceInput(source: WarehouseSource, root: string = projectRoot()): string {
  return path.resolve(root, source.input);
}

/**
 * Why the warehouse in `warehouseDir` is not the one built from `input` (with `profile`, and the
 * file's bytes as they are now), or null when it is: for readers that show the warehouse beside
 * the export (the notebooks). `root` is the project the recorded path is relative to.
 */
export function warehouseMismatch(warehouseDir: string, input: string, profile: string, root: string = projectRoot()): string | null {
  const shown = (file: string) => path.relative(root, file).split(path.sep).join("/");
  if (!fs.existsSync(path.join(warehouseDir, "core.duckdb"))) return `no warehouse has been built (${shown(path.join(warehouseDir, "core.duckdb"))} is missing)`;
  const recorded = readWarehouseSource(warehouseDir);
  if (!recorded) return `the warehouse does not record which export it was built from (${shown(path.join(warehouseDir, SOURCE_FILE))} is missing)`;
  if (resolveSourceInput(recorded, root) !== path.resolve(input) || recorded.profile !== profile) {
    return `the warehouse was built from another source: ${recorded.input} with profile "${recorded.profile}"`;
  }
  if (!fs.existsSync(input)) return `${shown(input)} is missing`;
  if (sha256Of(input) !== recorded.sha256) return `${shown(input)} changed since the warehouse was built from it (sha256 recorded in ${shown(path.join(warehouseDir, SOURCE_FILE))})`;
  return null;
}

function sha256Of(file: string): string {
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * The input and profile a rerun must use. `given` are the command line's: `--input` chooses
 * another source explicitly; without it, the recorded one is used, and it must still be the
 * same file (same bytes): otherwise the rerun would build a different warehouse than the one
 * the request was answered against.
 */
export function sourceForRerun(warehouseDir: string, given: { input?: string; profile?: string }): { input: string; profile: string } {
  if (given.input !== undefined) {
    const input = path.resolve(given.input);
    if (!fs.existsSync(input)) throw new InputError(input, "input file not found", "check the path given to --input");
    return { input, profile: given.profile ?? "default" };
  }
  const where = path.join(warehouseDir, SOURCE_FILE);
  const recorded = readWarehouseSource(warehouseDir);
  const another = "or pass --input <export> (and --profile <name>) to rebuild the warehouse from another source";
  if (!recorded) {
    if (!fs.existsSync(path.join(warehouseDir, "core.duckdb"))) {
      throw new InputError(where, "no warehouse to rerun: it has not been built yet", "run `npm start` (or `npm start -- --input <export> --profile <name>`) first");
    }
    throw new InputError(where, "the current warehouse does not record which export it was built from", `rerun the pipeline on its export once (\`npm start -- --input <export> --profile <name>\`), ${another}`);
  }
  if (given.profile !== undefined && given.profile !== recorded.profile) {
    throw new InputError(where, `the warehouse was built with profile "${recorded.profile}", not "${given.profile}"`, `drop --profile to rebuild from its own source (${recorded.input}), ${another}`);
  }
  const input = resolveSourceInput(recorded);
  if (!fs.existsSync(input)) {
    throw new InputError(input, `the export the warehouse was built from (recorded in ${where}) is missing`, `restore it, ${another}`);
  }
  if (sha256Of(input) !== recorded.sha256) {
    throw new InputError(input, `the export changed since the warehouse was built from it (sha256 recorded in ${where})`, `restore the original, ${another}`);
  }
  return { input, profile: recorded.profile };
}
