/**
 * Issue 23 item 5, the warehouse side: when no customer number is left (a source without
 * customers, or a retention run that erased everyone), protect does not crash, the warehouse
 * holds only its unknown and erased members, every sale stays on one of them, and every gate
 * passes.
 */
import * as path from "node:path";
import { buildWarehouse } from "../../lib/warehouse/build";
import { fakeProtector, referenceFixture, tempDir, writeCleanFixture } from "./fixtures";
import { withDb } from "./helpers";

describe("a warehouse without any customer", () => {
  test.each([
    ["everyone erased by the retention job", "erased (-2)", "ERASED"],
    ["a source without customer numbers", "unknown (-1)", null],
  ])("%s: builds, all sales on the %s member, gates pass", async (_what, _member, customerId) => {
    const fixture = referenceFixture();
    fixture.order_lines = fixture.order_lines.map((l) => ({ ...l, customer_id: customerId, customer_version: null }));
    fixture.customers = [];
    const clean = await writeCleanFixture(fixture);
    const out = tempDir("no-customers-");
    const summary = await buildWarehouse({ cleanDir: clean, outDir: out, protector: fakeProtector(), lake: false });
    expect(summary.gates).toMatchObject({ passed: true, failedCount: 0 });
    const core = path.join(out, "core.duckdb");
    const members = await withDb(core, (q) => q<{ customer_key: number }>("select customer_key from dim_customer order by 1"));
    expect(members.map((m) => Number(m.customer_key))).toEqual([-2, -1]);
    const keys = await withDb(core, (q) => q<{ customer_key: number; n: number }>("select customer_key, count(*)::int as n from fact_sales group by 1"));
    expect(keys.map((k) => Number(k.customer_key))).toEqual([customerId === "ERASED" ? -2 : -1]);
    expect(keys[0].n).toBe(fixture.order_lines.length);
  });
});
