/**
 * engineSettings' threads (lib/engine/settings.ts PARALLEL_MIN_ROWS): a stage whose largest input
 * is small runs its engine on one thread, a large one (or one that does not say) on every core.
 */
import * as os from "node:os";
import { engineSettings, largestEntityRows, PARALLEL_MIN_ROWS } from "../../lib/engine/settings";

const cores = Math.max(1, os.cpus().length);

test("one thread below PARALLEL_MIN_ROWS rows of input, every core from it on or when the rows are not known", () => {
  expect(engineSettings("cleanse", 0).threads).toBe(1);
  expect(engineSettings("cleanse", PARALLEL_MIN_ROWS - 1).threads).toBe(1);
  expect(engineSettings("warehouse", PARALLEL_MIN_ROWS).threads).toBe(cores);
  expect(engineSettings("opendata", 10_000_000).threads).toBe(cores);
  expect(engineSettings("split").threads).toBe(cores);
  expect(engineSettings().threads).toBe(cores);
  // The memory limit does not depend on the rows.
  expect(engineSettings("warehouse", 10).memoryLimit).toBe(engineSettings("warehouse").memoryLimit);
});

test("the largest entity of a split or cleansing manifest", () => {
  const split = { order_lines: { file: "order_lines.parquet", rows: 97_756 }, customers: { file: "customers.parquet", rows: 67_956 } };
  const clean = { order_lines: { rowsIn: 8_488, rowsKept: 8_351 }, stock_snapshots: { rowsIn: 1_512, rowsKept: 1_508 } };
  expect(largestEntityRows(split)).toBe(97_756);
  expect(largestEntityRows(clean)).toBe(8_488);
  expect(largestEntityRows({})).toBeUndefined();
});
