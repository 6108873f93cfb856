/**
 * One fuzzed export through the pipeline's split and cleanse stages (lib/cli/pipeline.ts STAGES,
 * as `npm start` runs them), in a sandbox of its own, and what a user is owed checked from the
 * files the stages wrote, not from their own sums:
 * - an unusable file stops with an InputError whose one line names the file and the fix (never
 *   another error, never a stack trace);
 * - otherwise every record is accounted for: split's records read = sale + stock + master +
 *   rejected, its rejects file holds one row per rejected record with its line and reason; each
 *   cleansed entity's rows in (the staged rows) = kept + collapsed + rejected, the kept rows are
 *   those of its Parquet file, and each rejected or collapsed row is in the rejects file with
 *   its source line and reason.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { STAGES, type PipelineConfig } from "../../cli/pipeline";
import { openNative, queryRows, sqlString } from "../../engine/native";
import { openKeyStore, type KeyStore } from "../../privacy/keystore";
import { InputError } from "../../raw/inputError";
import { loadProfile } from "../../raw/profile";
import type { CleanManifest } from "../../cleanse/cleanse";
import type { SplitManifest } from "../../split/split";
import type { FuzzExport } from "./shapes";

export interface FuzzOutcome {
  /** `completed`: split and cleanse ran; `input-error`: a stage stopped with an InputError; `crashed`: any other error. */
  outcome: "completed" | "input-error" | "crashed";
  /** Seconds of split and cleanse together. */
  seconds: number;
  bytes: number;
  /** Every broken promise, in words; empty when the case passed. */
  problems: string[];
  /** The split's record counts or the error's message. */
  summary: string;
}

/** A stack frame or a source path in a message meant for the user (the CLI prints InputErrors as they are). */
const STACK_TRACE = /\n\s+at |\(\/.*:\d+:\d+\)|node_modules\//;

export async function runFuzzCase(fuzz: FuzzExport, parent: string, keyStore: () => KeyStore): Promise<FuzzOutcome> {
  const root = fs.mkdtempSync(path.join(parent, "case-"));
  const input = path.join(root, "export.csv");
  fs.writeFileSync(input, fuzz.bytes);
  const cfg: PipelineConfig = {
    input,
    profile: loadProfile("default"),
    stagingDir: path.join(root, "staging"),
    warehouseDir: path.join(root, "warehouse"),
    opendataDir: path.join(root, "opendata"),
    reportsDir: path.join(root, "reports"),
    privacyDir: path.join(root, "privacy"),
    log: () => {},
    keyStore,
  };
  const problems: string[] = [];
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  let split: SplitManifest | undefined;
  let clean: CleanManifest | undefined;
  try {
    split = (await STAGES.split(cfg)).manifest;
    clean = (await STAGES.cleanse(cfg)).manifest;
  } catch (err) {
    const elapsed = seconds();
    const message = (err as Error)?.message ?? String(err);
    if (!(err instanceof InputError)) {
      problems.push(`${split ? "cleanse" : "split"} failed with ${(err as Error)?.name ?? typeof err}, not an InputError: ${message.split("\n")[0]}`);
      fs.rmSync(root, { recursive: true, force: true });
      return { outcome: "crashed", seconds: elapsed, bytes: fuzz.bytes.length, problems, summary: message.split("\n")[0] };
    }
    if (fuzz.records !== undefined && !fuzz.mayRefuse) problems.push(`a well-formed file of ${fuzz.records} records was refused: ${message}`);
    if (!message.includes(input)) problems.push(`the error does not name the file ${input}: ${message}`);
    if (!/\. Fix: \S/.test(message)) problems.push(`the error gives no fix: ${message}`);
    if (message.includes("\n") || STACK_TRACE.test(message)) problems.push(`the error is not one line, or shows a stack trace: ${JSON.stringify(message.slice(0, 300))}`);
    // A refused input writes nothing: a stage swaps its outputs in only when it succeeded.
    if (!split && fs.existsSync(path.join(cfg.stagingDir, "split"))) problems.push("the refused split left its outputs behind");
    fs.rmSync(root, { recursive: true, force: true });
    return { outcome: "input-error", seconds: elapsed, bytes: fuzz.bytes.length, problems, summary: message };
  }
  const elapsed = seconds();
  try {
    if (fuzz.unusable) problems.push("an unusable file (wrong header or bytes that are never UTF-8) went through split and cleanse");
    problems.push(...(await checkAccounting(cfg, split, clean, fuzz)));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const r = split.records;
  return { outcome: "completed", seconds: elapsed, bytes: fuzz.bytes.length, problems, summary: `${r.read} records: ${r.sale} sale, ${r.stock} stock, ${r.master} master, ${r.rejected} rejected` };
}

async function checkAccounting(cfg: PipelineConfig, split: SplitManifest, clean: CleanManifest, fuzz: FuzzExport): Promise<string[]> {
  const problems: string[] = [];
  const splitDir = path.join(cfg.stagingDir, "split");
  const cleanDir = path.join(cfg.stagingDir, "clean");
  const r = split.records;
  if (r.read !== r.sale + r.stock + r.master + r.rejected) problems.push(`split: ${r.read} records read ≠ ${r.sale} sale + ${r.stock} stock + ${r.master} master + ${r.rejected} rejected`);
  if (fuzz.records !== undefined && r.read !== fuzz.records) problems.push(`split: ${r.read} records read, the file holds ${fuzz.records}`);
  const lastLine = split.source.physicalLines + 1;
  const lineOk = (v: string) => /^\d+$/.test(v) && Number(v) >= 2 && Number(v) <= lastLine;

  const splitRejects = parse(fs.readFileSync(path.join(splitDir, split.rejectsFile)), { columns: true, relax_quotes: false }) as Record<string, string>[];
  if (splitRejects.length !== r.rejected) problems.push(`split: ${r.rejected} records rejected, ${splitRejects.length} rows in ${split.rejectsFile}`);
  for (const row of splitRejects.filter((x) => !lineOk(x.source_line) || !x.reason_code)) {
    problems.push(`split: a reject without a source line (2..${lastLine}) or reason: ${JSON.stringify(row).slice(0, 200)}`);
  }

  const { instance, conn } = await openNative();
  try {
    const counted = async (file: string) => (await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(file)})`))[0].n;
    if ((await counted(path.join(splitDir, split.outputs.order_lines.file))) !== r.sale) problems.push(`split: ${r.sale} sale records, order_lines.parquet holds another count`);
    if ((await counted(path.join(splitDir, split.outputs.stock_snapshots.file))) !== r.stock) problems.push(`split: ${r.stock} stock records, stock_snapshots.parquet holds another count`);

    const cleanRejects = parse(fs.readFileSync(path.join(cleanDir, clean.rejectsFile)), { columns: true }) as Record<string, string>[];
    for (const [entity, a] of Object.entries(clean.entities)) {
      const staged = split.outputs[entity as keyof SplitManifest["outputs"]]?.rows;
      if (staged !== undefined && a.rowsIn !== staged) problems.push(`cleanse ${entity}: ${a.rowsIn} rows in, the split staged ${staged}`);
      if (a.rowsIn !== a.rowsKept + a.rowsCollapsed + a.rowsRejected) {
        problems.push(`cleanse ${entity}: ${a.rowsIn} rows in ≠ ${a.rowsKept} kept + ${a.rowsCollapsed} collapsed + ${a.rowsRejected} rejected`);
      }
      const kept = await counted(path.join(cleanDir, a.file));
      if (kept !== a.rowsKept) problems.push(`cleanse ${entity}: ${a.rowsKept} rows kept, ${a.file} holds ${kept}`);
      for (const [action, expected] of [["row_rejected", a.rowsRejected], ["row_collapsed", a.rowsCollapsed]] as const) {
        const events = cleanRejects.filter((x) => x.entity === entity && x.action === action);
        const bad = events.filter((x) => !lineOk(x.source_line) || !x.reason_code || !x.source_file);
        if (bad.length) problems.push(`cleanse ${entity}: ${bad.length} ${action} rows without a source line, file or reason, e.g. ${JSON.stringify(bad[0]).slice(0, 200)}`);
        const rows = new Set(events.map((x) => `${x.source_file}:${x.source_line}`)).size;
        if (rows !== expected) problems.push(`cleanse ${entity}: ${expected} rows ${action.replace("row_", "")}, the rejects file names ${rows} source lines`);
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return problems;
}

/** A throw-away key store for the cases (the privacy ledgers are empty: opened only if a stage asks). */
export function fuzzKeyStore(): { keyStore: () => KeyStore; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-fuzz-keys-"));
  let store: KeyStore | undefined;
  return {
    keyStore: () => (store ??= openKeyStore({ dir: path.join(dir, "keys"), log: () => {} })),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
