import * as fs from "node:fs";
import * as path from "node:path";

/** The project root: the nearest directory above this file that holds package.json. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find the project root (no package.json above lib/)");
    dir = parent;
  }
  return dir;
}

/** A path relative to the project root, with forward slashes, for committed files (no absolute paths). */
export function relativeToRoot(p: string): string {
  const rel = path.relative(projectRoot(), path.resolve(p));
  return rel.split(path.sep).join("/");
}

export const OUTPUTS = () => path.join(projectRoot(), "outputs");
export const STAGING = () => path.join(OUTPUTS(), "staging");
