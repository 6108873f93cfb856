import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "./inputCheck";
import { isMultiFile, SourceProfile } from "./profile";

/** One physical file of an export, as the splitter reads it. */
export interface PhysicalFile {
  /** The table it belongs to (its name in the profile's queries; "export" for a one-file profile). */
  table: string;
  /** Absolute path. */
  absolute: string;
  /** What the outputs call it: the path relative to the input directory, or the file name. */
  name: string;
  kind: "csv" | "parquet";
  header: string[];
  delimiter: string;
  quote: string;
  encoding: "utf-8" | "latin-1" | "utf-16";
}

const DATA_FILE = /\.(csv|csv\.gz|tsv|txt|parquet)$/i;

/**
 * The physical files of an export, in a fixed order (the profile's tables in order, each table's
 * files sorted by name): a file's index in this list is part of every record's key, so the same
 * input always numbers its records the same way.
 */
export function resolveSourceFiles(profile: SourceProfile, input: string): PhysicalFile[] {
  if (!isMultiFile(profile)) {
    const f = profile.format;
    return [{ table: "export", absolute: path.resolve(input), name: path.basename(input), kind: input.toLowerCase().endsWith(".parquet") ? "parquet" : "csv", header: f.header, delimiter: f.delimiter, quote: f.quote, encoding: f.encoding ?? "utf-8" }];
  }
  if (!fs.existsSync(input)) throw new InputError(input, "input directory not found", `profile "${profile.name}" reads several files: pass the directory that holds them with --input`);
  if (!fs.statSync(input).isDirectory()) {
    throw new InputError(input, `is a file, but profile "${profile.name}" reads several files (${Object.keys(profile.files!).join(", ")})`, "pass the directory that holds them with --input");
  }
  const out: PhysicalFile[] = [];
  for (const [table, spec] of Object.entries(profile.files!)) {
    const matches = expand(input, spec.path);
    if (matches.length === 0) {
      throw new InputError(path.join(input, spec.path), `no file for table "${table}" of profile "${profile.name}"`, `put the export's ${table} file there, or correct files.${table}.path in ${profile.file ?? "the profile"}`);
    }
    for (const absolute of matches) {
      const kind = absolute.toLowerCase().endsWith(".parquet") ? "parquet" : "csv";
      if (kind === "csv" && !spec.header) {
        throw new InputError(profile.file ?? profile.name, `source profile, property /files/${table}/header: a CSV table needs its header`, "list the file's columns in order");
      }
      out.push({
        table,
        absolute,
        name: path.relative(input, absolute).split(path.sep).join("/"),
        kind,
        header: spec.header ?? [],
        delimiter: spec.delimiter ?? profile.format.delimiter ?? ",",
        quote: spec.quote ?? profile.format.quote ?? '"',
        encoding: spec.encoding ?? profile.format.encoding ?? "utf-8",
      });
    }
  }
  return out;
}

/** A file, every data file of a directory, or a glob (`*`, `?`, `**`), sorted by name. */
function expand(root: string, pattern: string): string[] {
  const direct = path.resolve(root, pattern);
  if (!/[*?]/.test(pattern)) {
    if (!fs.existsSync(direct)) return [];
    if (fs.statSync(direct).isDirectory()) return walk(direct).filter((f) => DATA_FILE.test(f)).sort();
    return [direct];
  }
  const regex = new RegExp(
    "^" +
      pattern
        .split("/")
        .join("/")
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*\*\//g, "\u0000")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]")
        .replace(/\u0000/g, "(?:.*/)?") +
      "$",
  );
  return walk(root)
    .filter((f) => regex.test(path.relative(root, f).split(path.sep).join("/")))
    .sort();
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}
