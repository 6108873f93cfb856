import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Builds a directory next to its live copy and swaps it in only when the build succeeded, so a
 * run that fails part-way (bad input, a failed gate, a crash) leaves the previous outputs intact.
 * The swap is two renames on one file system: the old copy is kept as `<dir>.prev` until the new
 * one is in place, then removed.
 */
export async function replaceDirAtomically<T>(target: string, build: (workDir: string) => Promise<T>): Promise<T> {
  const next = `${target}.next`;
  const prev = `${target}.prev`;
  fs.rmSync(next, { recursive: true, force: true });
  fs.mkdirSync(next, { recursive: true });
  let result: T;
  try {
    result = await build(next);
  } catch (err) {
    fs.rmSync(next, { recursive: true, force: true });
    throw err;
  }
  fs.rmSync(prev, { recursive: true, force: true });
  if (fs.existsSync(target)) fs.renameSync(target, prev);
  fs.renameSync(next, target);
  fs.rmSync(prev, { recursive: true, force: true });
  return result;
}

/** Writes a file through a temporary name and a rename, so readers never see half a file. */
export function writeFileAtomically(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** JSON with a stable layout (2-space indent, trailing newline) for committed, diffable outputs. */
export function writeJson(file: string, value: unknown): void {
  writeFileAtomically(file, JSON.stringify(value, null, 2) + "\n");
}
