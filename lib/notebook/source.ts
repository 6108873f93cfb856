/**
 * Shows the code a notebook runs, read from its file at run time: a SQL model, a business
 * question, an excerpt of the policy. A course teaches from the real DDL and queries, and a copy
 * typed into a markdown cell would drift from the file the pipeline executes; reading the file
 * cannot (STYLE.md §3: "read from its .sql or policy file and shown, never retyped").
 *
 * Paths are relative to the project root (the kernel's working directory); the heading links
 * the file from notebooks/ (`../<path>`), so it opens on a code host. This module imports no
 * engine: a notebook's kernel type-checks every module it imports (runSql.ts runs what it shows).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { projectRoot } from "../io/paths";

export interface SourceOptions {
  /** Language of the fence (default: from the extension). */
  language?: string;
  /** Show only the lines from the first one containing `from` ... */
  from?: string;
  /** ... to the first one after it containing `to` (included). */
  to?: string;
  /** A sentence shown under the file name. */
  caption?: string;
}

function languageOf(file: string): string {
  if (file.endsWith(".sql")) return "sql";
  if (file.endsWith(".ts")) return "typescript";
  if (file.endsWith(".json")) return "json";
  return "";
}

/** The project-relative path of `file` (absolute, or relative to the project root). */
export function projectPath(file: string): string {
  const root = projectRoot();
  const absolute = isAbsolute(file) ? file : resolve(root, file);
  const rel = relative(root, absolute);
  if (rel.startsWith("..")) throw new Error(`${file} is outside the project (${root})`);
  return rel.split("\\").join("/");
}

/** The lines of `text` from the first containing `from` to the first after it containing `to`. */
export function excerpt(text: string, from?: string, to?: string, file = "file"): string {
  const lines = text.replace(/\n$/, "").split("\n");
  let start = 0;
  if (from !== undefined) {
    start = lines.findIndex((l) => l.includes(from));
    if (start < 0) throw new Error(`${file}: no line contains ${JSON.stringify(from)}`);
  }
  let end = lines.length - 1;
  if (to !== undefined) {
    const found = lines.findIndex((l, i) => i >= start && l.includes(to));
    if (found < 0) throw new Error(`${file}: no line after ${JSON.stringify(from ?? "the start")} contains ${JSON.stringify(to)}`);
    end = found;
  }
  return lines.slice(start, end + 1).join("\n");
}

/** The markdown `showSource` displays: the file as a link, then the code in a fence. */
export function sourceMarkdown(file: string, opts: SourceOptions = {}): string {
  const rel = projectPath(file);
  const text = readFileSync(resolve(projectRoot(), rel), "utf8");
  const code = excerpt(text, opts.from, opts.to, rel);
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const lines = [`[\`${rel}\`](../${rel})${opts.from !== undefined ? " (excerpt)" : ""}`];
  if (opts.caption) lines.push("", opts.caption);
  lines.push("", `${fence}${opts.language ?? languageOf(rel)}`, code, fence, "");
  return lines.join("\n");
}

/** tslab's display, loaded on first use so that importing this module never needs a kernel. */
function markdown(text: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("tslab") as typeof import("tslab")).display.markdown(text);
}

/** Shows a source file (or an excerpt of it) as it is on disk. */
export function showSource(file: string, opts: SourceOptions = {}): void {
  markdown(sourceMarkdown(file, opts));
}

/** Shows a `.sql` file as it is on disk. */
export function showSql(file: string, opts: Omit<SourceOptions, "language"> = {}): void {
  showSource(file, { ...opts, language: "sql" });
}
