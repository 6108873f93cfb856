/**
 * Every join of the split, the cleanse, the warehouse build and the marts is planned as a hash
 * join: no statement runs a nested loop (NESTED_LOOP_JOIN, BLOCKWISE_NL_JOIN), a piecewise merge
 * join or an inequality join, whose cost is rows times rows. (A CROSS_PRODUCT is allowed: DuckDB
 * plans the scalar subqueries of the counts that way, one row against one row.) DuckDB hashes an
 * equality, but a LEFT JOIN whose condition adds a test on the left side alone
 * (`g.postal_code = t.postal_code and coalesce(t.country, 'FR') = 'FR'` in
 * staging/customer_rows.sql) became a BLOCKWISE_NL_JOIN: every customer row against every postal
 * code, 37 s of the 10 M-row build. Each statement the build runs is EXPLAINed on the build's own
 * connection, after it ran, and its plan's join operators read.
 */
import * as path from "node:path";
import { DuckDBConnection } from "@duckdb/node-api";
import { generateRawExport } from "../../lib/raw/generator";
import { tempDir } from "./fixtures";
import { warehouseFrom } from "../opendata/pipeline";

const LOOPS = /NESTED_LOOP_JOIN|BLOCKWISE_NL_JOIN|PIECEWISE_MERGE_JOIN|IE_JOIN/g;

describe("join plans of the split, cleanse, warehouse and marts", () => {
  test("no statement plans a nested-loop, merge or inequality join", async () => {
    const dir = tempDir("join-plans-");
    const input = path.join(dir, "export.csv");
    await generateRawExport({ outPath: input, rows: 3000, seed: 5, years: 1, writeSummary: false });

    const found: string[] = [];
    let explained = 0;
    const proto = DuckDBConnection.prototype as unknown as { run: (sql: string, ...rest: unknown[]) => Promise<unknown> };
    const original = proto.run;
    let depth = 0;
    proto.run = async function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
      depth++;
      let result: unknown;
      try {
        result = await original.call(this, sql, ...rest);
      } finally {
        depth--;
      }
      // Top-level statements with a plan of their own: not a multi-statement string, a pragma,
      // an EXPLAIN, or a statement with bound values.
      const text = sql.trim();
      // Comments and quoted text aside, a semicolon followed by more text starts another
      // statement, which EXPLAIN would not explain but run.
      const code = text.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''").trim().replace(/;$/, "");
      const bound = rest.some((r) => r !== undefined);
      if (depth === 0 && !bound && /^(select|with|create|insert|copy|update|delete)\b/i.test(code) && !code.includes(";")) {
        let plan: string | null = null;
        try {
          const explainedResult = (await original.call(this, `explain ${text}`)) as { getRowsJS: () => Promise<unknown[][]> };
          plan = (await explainedResult.getRowsJS()).map((row) => row.join("\n")).join("\n");
        } catch {
          plan = null; // a statement whose EXPLAIN cannot run after it (a table it dropped): skipped
        }
        if (plan !== null) {
          explained++;
          const loops = [...new Set(plan.match(LOOPS) ?? [])];
          if (loops.length) found.push(`${loops.join(", ")}: ${text.replace(/\s+/g, " ").slice(0, 160)}`);
        }
      }
      return result;
    };
    try {
      await warehouseFrom(input, "default", dir);
    } finally {
      proto.run = original;
    }
    // The hook saw every stage: the split's, the cleanse's, the build's models and gates, the marts.
    expect(explained).toBeGreaterThan(100);
    expect(found).toEqual([]);
  }, 120_000);
});
