import * as os from "node:os";

/**
 * The native engine's resource settings, shared by every stage. DuckDB's `memory_limit` bounds its
 * buffer pool (beyond it, operators spill to `temp_directory`); the process also holds Node's heap
 * and DuckDB's allocations outside the pool, so the limit sits well under the 3 GiB the pipeline
 * may use as a whole (issue 6). `WORKBOOK_DUCKDB_MEMORY` overrides it, e.g. on a larger machine, and
 * `WORKBOOK_WAREHOUSE_MEMORY` the warehouse build's alone.
 */
// Measured at 1 M rows: split and cleanse run in 1.6 and 1.8 GiB under a 1.5 GB limit and fail under
// 300 MB (split's CSV reader alone takes a fixed 152 MiB buffer for 10 MB lines); 2 GB leaves room
// for 10 M rows, spilling, within the 3 GiB target.
export const DEFAULT_MEMORY_LIMIT = "2GB";

/**
 * The warehouse build needs more: dim_customer joins the customers' ciphertexts nine times and
 * fact_sales keeps its primary-key index in memory, neither of which spills. Measured at 1 M rows:
 * it fails under 200 MB and passes with 300 MB, so about 2-3 GB at 10 M rows.
 */
export const WAREHOUSE_MEMORY_LIMIT = "3GB";

export function engineSettings(stage: "default" | "warehouse" = "default"): { memoryLimit: string; threads: number } {
  return {
    memoryLimit:
      (stage === "warehouse" ? process.env.WORKBOOK_WAREHOUSE_MEMORY : undefined) || process.env.WORKBOOK_DUCKDB_MEMORY || (stage === "warehouse" ? WAREHOUSE_MEMORY_LIMIT : DEFAULT_MEMORY_LIMIT),
    threads: Math.max(1, os.cpus().length),
  };
}
