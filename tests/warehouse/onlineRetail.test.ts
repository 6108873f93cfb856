import type { buildMarts } from "../../lib/marts/build";
import type { buildWarehouse } from "../../lib/warehouse/build";
import { december, onlineRetailWarehouse } from "../helpers/onlineRetail";
import { describeIf } from "../helpers/skip";
import { withDb } from "./helpers";

// Needs the shared Online Retail dataset (../shared/datasets/online-retail/); skipped without it.
const describeWithOnlineRetail = describeIf(december, "../shared/datasets/online-retail/online_retail_2010-12.csv is absent", "put the shared datasets beside the project, in ../shared/datasets/online-retail/ (CI always has them)");

describeWithOnlineRetail("the Online Retail export loads end to end into the warehouse and the marts", () => {
  let built: Awaited<ReturnType<typeof buildWarehouse>>;
  let marts: Awaited<ReturnType<typeof buildMarts>>;
  let cleanLines = 0;

  beforeAll(async () => {
    // split, cleansed and built with the test protector once per run (the Open Data test uses it too); this is a copy
    const wh = await onlineRetailWarehouse();
    cleanLines = wh.clean.entities.order_lines.rowsKept;
    ({ built, marts } = wh);
  });

  test("every gate passes, one fact row per kept line", () => {
    expect(built.gates.passed).toBe(true);
    expect(built.tables.fact_sales).toBe(cleanLines);
    expect(marts.gates.passed).toBe(true);
    expect(marts.piiScan.hits).toEqual([]);
  });

  test("what the source lacks loads as unknown, and is counted", async () => {
    const [r] = await withDb(built.corePath, (q) =>
      q<{ no_customer: number; no_carrier: number; returns: number }>(
        `select cast(count(*) filter (where customer_key = -1) as integer) as no_customer,
                cast(count(*) filter (where carrier_key = -1) as integer) as no_carrier,
                cast(count(*) filter (where is_return) as integer) as returns
         from fact_sales`,
      ),
    );
    expect(r.no_customer).toBeGreaterThan(1000);
    expect(r.no_carrier).toBe(cleanLines);
    expect(r.returns).toBeGreaterThan(0);
    const [inventory] = await withDb(built.corePath, (q) => q<{ n: number }>("select cast(count(*) as integer) as n from fact_inventory"));
    expect(inventory.n).toBe(0);
  });
});
