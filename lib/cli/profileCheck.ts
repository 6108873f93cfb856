/**
 * `npm start -- profile check --input <export> --profile <name>`: a dry run of a source profile on
 * the first records of each file of an export, before anything is written to outputs/. It shows
 * the mapping, the records the split and the cleansing would set aside and why, what each field
 * the source lacks costs downstream, and which marts and datasets cannot exist for the source.
 * Everything runs in a temporary directory, removed at the end.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StringDecoder } from "node:string_decoder";
import * as zlib from "node:zlib";
import { Command } from "commander";
import { parse } from "csv-parse/sync";
import type { CleanManifest } from "../cleanse/cleanse";
import { describeDateOrder } from "../cleanse/rules/dateOrder";
import { applicability, lackCosts } from "../raw/applicability";
import { InputError } from "../raw/inputCheck";
import { isMultiFile, loadProfile, projectionFor, type SourceProfile } from "../raw/profile";
import { resolveSourceFiles, type PhysicalFile } from "../raw/sourceFiles";
import type { SplitManifest } from "../split/split";
import { wholeNumber } from "./wholeNumber";

export interface ProfileCheck {
  profile: SourceProfile;
  input: string;
  rows: number;
  mapping: { target: string; from: string }[];
  split: SplitManifest;
  clean: CleanManifest;
  /** A few examples of set-aside records: where and why. */
  examples: { stage: string; entity: string; source_file: string; source_line: string; reason: string; action: string }[];
}

/**
 * How a sample reads and writes the export's bytes: each byte as one character for UTF-8 and
 * Latin-1 (lossless, and UTF-8's multi-byte sequences hold no ASCII byte, so quotes and line
 * breaks are found as in the decoded text), UTF-16 by code units. The sample is then the file's
 * first bytes exactly: an encoding the run would refuse (a Latin-1 byte in a UTF-8 export) is
 * refused by the check too, and a Latin-1 export's header is read as the run reads it.
 */
const SAMPLE_ENCODING: Record<PhysicalFile["encoding"], BufferEncoding> = { "utf-8": "latin1", "latin-1": "latin1", "utf-16": "utf16le" };

/**
 * Copies the header and the first `records` records of a CSV file, byte for byte, line endings
 * included (whole records: a quoted line break keeps its record together).
 */
async function sampleCsv(file: PhysicalFile, target: string, records: number): Promise<void> {
  const encoding = SAMPLE_ENCODING[file.encoding];
  const source = fs.createReadStream(file.absolute);
  const decoder = new StringDecoder(encoding);
  let text = "";
  let scanned = 0; // text before this index is whole lines already counted
  let open = false; // inside a quoted field that spans lines
  let count = -1; // the header is not a record
  let end = -1; // where the sample ends, once `records` records are in
  for await (const chunk of file.absolute.endsWith(".gz") ? source.pipe(zlib.createGunzip()) : source) {
    text += decoder.write(chunk as Buffer);
    for (let nl = text.indexOf("\n", scanned); nl >= 0 && end < 0; nl = text.indexOf("\n", scanned)) {
      const line = text.slice(scanned, nl);
      scanned = nl + 1;
      if ((line.split(file.quote).length - 1) % 2 === 1) open = !open;
      if (!open) count++;
      if (count >= records) end = scanned;
    }
    if (end >= 0) break;
  }
  source.destroy();
  // Fewer records than asked: the whole file, its last line with or without a line break.
  const sample = Buffer.from(end >= 0 ? text.slice(0, end) : text + decoder.end(), encoding);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, target.endsWith(".gz") ? zlib.gzipSync(sample) : sample);
}

async function sampleParquet(file: PhysicalFile, target: string, records: number): Promise<void> {
  // The engine, the split and the cleanse are loaded when a check runs, not for `--help` (issue 24).
  const { openNative, sqlString } = await import("../engine/native");
  const { instance, conn } = await openNative();
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await conn.run(`copy (select * from read_parquet(${sqlString(file.absolute)}) limit ${records}) to ${sqlString(target)} (format parquet)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export async function checkProfile(opts: { input: string; profile: SourceProfile; rows: number }): Promise<ProfileCheck> {
  const { profile } = opts;
  const { checkProfileAgainstPolicy, cleanseStaging } = await import("../cleanse/cleanse");
  const { splitExport } = await import("../split/split");
  checkProfileAgainstPolicy(profile);
  const files = resolveSourceFiles(profile, opts.input);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "profile-check-"));
  try {
    const sampleRoot = path.join(work, "input");
    // Each sample's path -> the user's file (a multi-file profile's directory too). The sample
    // keeps the export's first lines as they are: an error about a sample file (a wrong header, an
    // unreadable line) is about the user's file, and names it.
    const original = new Map<string, string>(isMultiFile(profile) ? [[sampleRoot, opts.input]] : []);
    for (const f of files) {
      const target = isMultiFile(profile) ? path.join(sampleRoot, f.name) : path.join(sampleRoot, path.basename(f.absolute));
      original.set(target, f.absolute);
      if (!fs.existsSync(f.absolute) || fs.statSync(f.absolute).size === 0) throw new InputError(f.absolute, "the file is empty", "export the data again");
      if (f.kind === "parquet") await sampleParquet(f, target, opts.rows);
      else await sampleCsv(f, target, opts.rows);
    }
    const sampleInput = isMultiFile(profile) ? sampleRoot : path.join(sampleRoot, path.basename(files[0].absolute));
    const onOriginal = (err: unknown): never => {
      if (err instanceof InputError && original.has(err.file)) {
        const file = original.get(err.file)!;
        throw new InputError(file, err.problem.split(err.file).join(file), err.fix, err.line);
      }
      throw err;
    };
    const split = await splitExport({ input: sampleInput, profile, outDir: path.join(work, "split") }).catch(onOriginal);
    const clean = await cleanseStaging({ splitDir: path.join(work, "split"), outDir: path.join(work, "clean"), profile }).catch(onOriginal);
    const examples: ProfileCheck["examples"] = [];
    const seen = new Set<string>();
    const take = (stage: string, rows: Record<string, string>[]) => {
      for (const r of rows) {
        const key = `${stage}/${r.entity}/${r.reason_code}`;
        if (seen.has(key)) continue;
        seen.add(key);
        examples.push({ stage, entity: r.entity, source_file: r.source_file, source_line: r.source_line, reason: r.reason_code, action: r.action ?? "row_rejected" });
      }
    };
    take("split", parse(fs.readFileSync(path.join(work, "split", "rejects.csv")), { columns: true }) as Record<string, string>[]);
    take("cleanse", (parse(fs.readFileSync(path.join(work, "clean", "rejects.csv")), { columns: true }) as Record<string, string>[]).filter((r) => r.action !== "value_flagged" && r.action !== "value_imputed"));
    const mapping = isMultiFile(profile)
      ? (profile.records ?? []).map((r, i) => ({ target: r.type, from: `records[${i}]${r.explain ? `: ${r.explain}` : ""}` }))
      : projectionFor(profile)
          .filter((p) => p.column !== "card_number")
          .map((p) => ({
            target: p.column,
            from: (profile.lacks ?? []).includes(p.column) ? (p.expression === "NULL" ? "(lacks: stays empty)" : `(lacks; default ${p.expression})`) : p.expression,
          }));
    return { profile, input: opts.input, rows: opts.rows, mapping, split, clean, examples };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function renderProfileCheck(c: ProfileCheck): string {
  const out: string[] = [];
  const p = c.profile;
  out.push(`profile ${p.name} (${p.file ? path.relative(process.cwd(), p.file) : p.name}): ${isMultiFile(p) ? `${Object.keys(p.files!).length} files` : "one wide file"}, currency ${p.currency}, country ${p.country}`);
  out.push(`input ${c.input}: the first ${c.rows} records of each file, in a temporary directory; nothing was written to outputs/`);
  out.push("", "mapping");
  const width = Math.max(...c.mapping.map((m) => m.target.length));
  for (const m of c.mapping) out.push(`  ${m.target.padEnd(width)}  ← ${m.from.replace(/\s+/g, " ")}`);
  const r = c.split.records;
  out.push("", `split: ${r.read} records read: ${r.sale} sale, ${r.stock} stock, ${r.master} master, ${r.rejected} set aside`);
  for (const [reason, n] of Object.entries(c.split.rejectsByReason)) out.push(`  ${reason}: ${n}`);
  out.push("", "cleanse: per entity, rows in = kept + collapsed (duplicates merged) + rejected");
  for (const [entity, a] of Object.entries(c.clean.entities)) {
    if (a.rowsIn === 0) continue;
    const reasons = Object.entries(a.rejectedByReason).map(([k, v]) => `${k} ${v}`).join(", ");
    out.push(`  ${entity}: ${a.rowsIn} = ${a.rowsKept} kept + ${a.rowsCollapsed} collapsed + ${a.rowsRejected} rejected${reasons ? ` (${reasons})` : ""}`);
  }
  if (c.clean.dateOrder?.length) {
    out.push("", "date order: the values of these date columns contradict the order the profile reads day and month in");
    for (const f of c.clean.dateOrder) out.push(`  ${describeDateOrder(f)}`);
  }
  if (c.examples.length) {
    out.push("", "examples of records set aside (file, line, reason)");
    for (const e of c.examples.slice(0, 20)) out.push(`  ${e.stage} ${e.entity}: ${e.source_file}, line ${e.source_line}: ${e.reason}${e.action === "row_collapsed" ? " (collapsed into an earlier row)" : ""}`);
  }
  const { costs, others } = lackCosts(p);
  if (costs.length) {
    out.push("", "what the fields this source lacks cost downstream");
    for (const k of costs) out.push(`  ${k.field}: ${k.cost}`);
  }
  if (others.length) out.push(`  also lacked, no figure depends on them: ${others.join(", ")}`);
  const na = applicability(p).filter((a) => !a.applicable);
  out.push("", na.length ? "not applicable for this source (reported, never published empty)" : "every mart and dataset applies to this source");
  for (const a of na) out.push(`  ${a.kind} ${a.output}: ${a.reason}`);
  return out.join("\n");
}

/** The `profile` command: `profile check`. */
export function profileCommand(): Command {
  const profile = new Command("profile").description("source profiles (data/sources/): check one against an export before any run");
  profile
    .command("check")
    .description("dry run on the first records: the mapping, what would be set aside and why, what lacking fields cost; writes nothing")
    .option("-i, --input <path>", "required: the export, a file or the directory of a multi-file profile")
    .option("-p, --profile <name>", "required: a profile of data/sources/ (name) or a path to its .json")
    .option("-n, --rows <n>", "records to read from each file", "1000")
    .action(async (_o: unknown, cmd: Command) => {
      // The program's own --input/--profile may have taken the values: read both.
      const o = cmd.optsWithGlobals<{ input?: string; profile?: string; rows: string }>();
      if (!o.input) throw new InputError("(no input)", "profile check needs the export to read", "pass --input <file or directory>");
      const rows = wholeNumber("--rows", o.rows, { min: 1, example: "1000" });
      const report = await checkProfile({ input: path.resolve(o.input), profile: loadProfile(o.profile ?? "default"), rows });
      console.log(renderProfileCheck(report));
    });
  return profile;
}
