import { DuckDBConnection } from "@duckdb/node-api";
import cliProgress from "cli-progress";

/** Progress bars only on a terminal: CI logs and notebooks stay clean and deterministic. */
export function progressEnabled(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && process.env.WORKBOOK_PROGRESS !== "0";
}

/**
 * Runs a long DuckDB statement while a terminal progress bar follows DuckDB's own query progress
 * (the share of the scan done), polled from the connection.
 */
export async function withProgress<T>(label: string, conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  if (!progressEnabled()) return work();
  await conn.run("set enable_progress_bar = true; set enable_progress_bar_print = false");
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(22)} [{bar}] {percentage}% | {duration}s`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0);
  const timer = setInterval(() => {
    const p = conn.progress;
    if (p && p.percentage >= 0) bar.update(Math.min(99, Math.floor(p.percentage)));
  }, 200);
  try {
    const result = await work();
    bar.update(100);
    return result;
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}

/** A counter bar for loops we drive ourselves (batches, notebooks). */
export function counterBar(label: string, total: number): { tick: (n?: number) => void; stop: () => void } {
  if (!progressEnabled()) return { tick: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(22)} [{bar}] {value}/{total}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (n = 1) => bar.increment(n), stop: () => bar.stop() };
}
