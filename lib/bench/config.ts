import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { loadProfile } from "../raw/profile";
import type { PipelineConfig } from "../cli/pipeline";

/** Where benchmark inputs and sandboxes live (git-ignored): outputs/bench/. */
export function benchRoot(): string {
  return path.join(projectRoot(), "outputs", "bench");
}

/** The cached raw export of `rows` rows and `seed`: outputs/bench/cache/raw-N-seed.csv.gz. */
export function cachedExportPath(rows: number, seed: number, root = benchRoot()): string {
  return path.join(root, "cache", `raw-${rows}-${seed}.csv.gz`);
}

/** A raw export of `rows` rows, generated once and cached by size and seed. */
export async function cachedExport(rows: number, seed: number, log: (m: string) => void, root = benchRoot()): Promise<string> {
  const file = cachedExportPath(rows, seed, root);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    log(`generating ${rows} rows into ${path.relative(projectRoot(), file)}`);
    const { generateRawExport } = await import("../raw/generator");
    await generateRawExport({ outPath: `${file}.tmp.csv.gz`, rows, seed, gzipLevel: 1, writeSummary: false });
    fs.renameSync(`${file}.tmp.csv.gz`, file);
  }
  return file;
}

/**
 * A pipeline configuration whose outputs live under `<sandbox>` (default outputs/bench/<rows>/),
 * never over the real ones.
 */
export function benchConfig(input: string, rows: number, log: (m: string) => void, sandbox = path.join(benchRoot(), String(rows))): PipelineConfig {
  // The benchmark's customers get their own throw-away keys, outside the project's key store.
  process.env.WORKBOOK_KEY_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-keys-"));
  return {
    input,
    profile: loadProfile("default"),
    stagingDir: path.join(sandbox, "staging"),
    warehouseDir: path.join(sandbox, "warehouse"),
    opendataDir: path.join(sandbox, "opendata"),
    reportsDir: path.join(sandbox, "reports"),
    log,
  };
}
