import { openNative } from "../../lib/engine/native";
import { loadDataset, loadDatasets } from "../../lib/opendata/model/datasets";
import { attachMarts, combineBuckets, extractRows, readsByCustomerBucket } from "../../lib/opendata/model/extract";
import { generatedWarehouse } from "./pipeline";

jest.setTimeout(600_000);

describe("extraction by bucket of customers (bounded memory at ten million sale lines)", () => {
  it("gives exactly the cells of the whole table, whatever the number of buckets", async () => {
    const wh = await generatedWarehouse(20000);
    const { instance, conn } = await openNative();
    try {
      await attachMarts(conn, wh.martsPath);
      const bucketed = loadDatasets().filter(readsByCustomerBucket);
      expect(bucketed.map((d) => d.dataset)).toEqual(["customer_sales_by_region_age_gender", "sales_by_period_channel_category", "sales_by_period_region_category"]);
      for (const ds of bucketed) {
        for (const grain of ds.timeGrains.length > 0 ? ds.timeGrains : [null]) {
          const whole = await extractRows(conn, ds, grain, 1);
          expect(whole.length).toBeGreaterThan(50);
          for (const buckets of [2, 7]) {
            const parts = await extractRows(conn, ds, grain, buckets);
            // Same cells, same order, same values to the last bit (sums are added in cents).
            expect(parts).toEqual(whole);
          }
        }
      }
      // A query without {{customer_bucket}} runs once, whatever is asked.
      const carriers = loadDataset("carrier_performance_by_carrier_mode_region");
      expect(readsByCustomerBucket(carriers)).toBe(false);
      expect(await extractRows(conn, carriers, null, 3)).toEqual(await extractRows(conn, carriers, null, 1));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it("refuses to add up buckets of a dataset whose columns do not add up", () => {
    // Medians and distinct carriers of two groups of customers are not the medians or carriers of the whole.
    const carriers = loadDataset("carrier_performance_by_carrier_mode_region");
    expect(() => combineBuckets(carriers, [[], []])).toThrow(/do not add up across buckets/);
  });
});
