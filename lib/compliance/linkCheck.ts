/**
 * Checks that every relative link of the project's markdown documents resolves: the file or
 * directory exists, and a `#anchor` names a heading of the target (GitHub's anchor rules; for a
 * notebook, the headings of its markdown cells). External links (https:, mailto:) are not
 * fetched: the check runs offline and only vouches for the repository itself.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { anchors, isExternal, links } from "./markdown";

export interface BrokenLink {
  /** The document holding the link, relative to the root. */
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** Anchors of a markdown file, or of the markdown cells of a notebook (`.ipynb`). */
export function documentAnchors(path: string): Set<string> {
  const text = readFileSync(path, "utf8");
  if (!path.endsWith(".ipynb")) return anchors(text);
  const nb = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[] };
  const markdown = nb.cells
    .filter((c) => c.cell_type === "markdown")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
    .join("\n\n");
  return anchors(markdown);
}

/** Checks the links of one markdown text, as if it were the file `file` (relative to `root`). */
export function checkMarkdownLinks(
  root: string,
  file: string,
  markdown: string = readFileSync(join(root, file), "utf8"),
  /** Files (relative to the root) about to be written with this one: they count as existing. */
  alsoWritten: readonly string[] = [],
): BrokenLink[] {
  const written = new Set(alsoWritten.map((p) => normalize(join(root, p))));
  const broken: BrokenLink[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (full: string, text?: string) => {
    if (!anchorCache.has(full)) anchorCache.set(full, text !== undefined ? anchors(text) : documentAnchors(full));
    return anchorCache.get(full)!;
  };
  for (const link of links(markdown)) {
    if (isExternal(link.target)) continue;
    const hashAt = link.target.indexOf("#");
    const rawPath = hashAt < 0 ? link.target : link.target.slice(0, hashAt);
    const anchor = hashAt < 0 ? undefined : decodeURIComponent(link.target.slice(hashAt + 1));
    const report = (problem: string) => broken.push({ file, line: link.line, target: link.target, problem });
    let full: string;
    if (rawPath === "") full = join(root, file);
    else {
      const path = decodeURIComponent(rawPath.split("?")[0]);
      full = normalize(path.startsWith("/") ? join(root, path) : join(root, dirname(file), path));
      const inside = relative(root, full);
      if (inside.startsWith("..") || inside.split(sep)[0] === "..") {
        report("points outside the repository");
        continue;
      }
      if (!existsSync(full) && !written.has(full)) {
        report("no such file or directory");
        continue;
      }
    }
    if (anchor === undefined || anchor === "") continue;
    if (rawPath !== "" && (written.has(full) || !/\.(md|ipynb)$/.test(full) || statSync(full).isDirectory())) continue; // line anchors (#L10) of code files are the host's
    const defined = rawPath === "" ? anchorsOf(full, markdown) : anchorsOf(full);
    if (!defined.has(anchor)) report(`no heading #${anchor} in ${relative(root, full).split(sep).join("/")}`);
  }
  return broken;
}

/** The documents the project checks: README.md and every markdown file directly under reports/. */
export function defaultLinkFiles(root: string): string[] {
  const reports = join(root, "reports");
  const inReports = existsSync(reports)
    ? readdirSync(reports)
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => `reports/${f}`)
    : [];
  return [...(existsSync(join(root, "README.md")) ? ["README.md"] : []), ...inReports];
}

export function checkLinks(root: string, files: readonly string[] = defaultLinkFiles(root)): BrokenLink[] {
  return files.flatMap((file) => checkMarkdownLinks(root, file));
}

/** One line per broken link: `file:line  target  (problem)`. */
export function formatBrokenLinks(broken: readonly BrokenLink[]): string {
  return broken.map((b) => `${b.file}:${b.line}  ${b.target}  (${b.problem})`).join("\n");
}
