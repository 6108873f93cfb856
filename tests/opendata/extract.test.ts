import { openNative } from "../../lib/engine/native";
import { loadDataset, loadDatasets, loadDesigns } from "../../lib/opendata/model/datasets";
import { attachMarts, combineBuckets, extractRows, readsByCustomerBucket } from "../../lib/opendata/model/extract";
import { generatedWarehouse } from "./pipeline";

jest.setTimeout(600_000);

describe("extraction by bucket of customers (bounded memory at ten million sale lines)", () => {
  it("gives exactly the cells of the whole table at every rung of its design ladder, whatever the number of buckets", async () => {
    const wh = await generatedWarehouse(20000);
    const { instance, conn } = await openNative();
    try {
      await attachMarts(conn, wh.martsPath);
      const datasets = loadDatasets();
      const bucketed = datasets.filter(readsByCustomerBucket);
      expect(bucketed.map((d) => d.dataset)).toEqual(["customers_by_area_profile", "sales_by_period_area_category", "sales_by_period_channel_category"]);
      const groups = loadDesigns(datasets);
      for (const ds of bucketed) {
        const rungs = groups.find((g) => g.datasets.includes(ds.dataset))!.rungs;
        const seen = new Set<string>();
        for (const rung of rungs) {
          if (seen.has(JSON.stringify(rung.params))) continue;
          seen.add(JSON.stringify(rung.params));
          const whole = await extractRows(conn, ds, rung.params, 1);
          expect(whole.length).toBeGreaterThan(20);
          for (const buckets of [2, 7]) {
            // Same cells, same order, same values to the last bit (sums are added in cents).
            expect(await extractRows(conn, ds, rung.params, buckets)).toEqual(whole);
          }
        }
      }
      // A query without {{customer_bucket}} runs once, whatever is asked.
      const deliveries = loadDataset("delivery_performance_by_mode_area");
      expect(readsByCustomerBucket(deliveries)).toBe(false);
      const params = { time_grain: "year", geo_level: "nuts1", mode_level: "grouped" };
      expect(await extractRows(conn, deliveries, params, 3)).toEqual(await extractRows(conn, deliveries, params, 1));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it("refuses to add up buckets of a dataset whose columns do not add up", () => {
    // Medians and distinct carriers of two groups of customers are not the medians or carriers of the whole.
    const deliveries = loadDataset("delivery_performance_by_mode_area");
    expect(() => combineBuckets(deliveries, [[], []])).toThrow(/do not add up across buckets/);
  });

  it("every dataset is in exactly one design ladder, and every rung names its datasets' dimensions", () => {
    const datasets = loadDatasets();
    const groups = loadDesigns(datasets);
    expect(groups.flatMap((g) => g.datasets).sort()).toEqual(datasets.map((d) => d.dataset).sort());
  });
});
