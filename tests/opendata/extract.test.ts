import * as path from "node:path";
import { queryRows } from "../../lib/engine/native";
import { loadDataset, loadDatasets, loadDesigns } from "../../lib/opendata/model/datasets";
import { combineBuckets, extractionParams, extractRows, readsByCustomerBucket } from "../../lib/opendata/model/extract";
import { onGeneratedMarts } from "./pipeline";

jest.setTimeout(600_000);

describe("extraction by bucket of customers (bounded memory at ten million sale lines)", () => {
  it("gives exactly the cells of the whole table at every rung of its design ladder, whatever the number of buckets", async () => {
    await onGeneratedMarts(async (conn) => {
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
    });
  });

  it("counts every customer once: the contributors of the grand totals are the distinct pseudonyms of the marts", async () => {
    // The queries group by the two numbers a pseudonym's digits write (macros.sql), not by the text:
    // counted here from the text, independently.
    await onGeneratedMarts(async (conn) => {
      const [{ customers }] = await queryRows<{ customers: number }>(conn, "select cast(count(distinct customer_pseudonym) as integer) as customers from sales.customer_monthly");
      const [{ recipients, members }] = await queryRows<{ recipients: number; members: number }>(
        conn,
        `select cast(count(distinct coalesce(customer_pseudonym, '(null)')) as integer) as recipients,
                cast(count(distinct customer_pseudonym) filter (where not starts_with(customer_pseudonym, 'cp_')) as integer) as members
         from inventory.shipment_delays where month_key <= (select max(month_key) from sales.customer_monthly)`,
      );
      expect(customers).toBeGreaterThan(1000);
      expect(members).toBeGreaterThan(0); // shipments to the unknown member: a recipient of their own
      const all = (rows: Record<string, unknown>[], keys: string[]) => rows.filter((r) => keys.every((k) => r[k] === "All"));
      const area = await extractRows(conn, loadDataset("sales_by_period_area_category"), { time_grain: "quarter", geo_level: "region" }, 3);
      const channel = await extractRows(conn, loadDataset("sales_by_period_channel_category"), { time_grain: "month" }, 1);
      const profile = await extractRows(conn, loadDataset("customers_by_area_profile"), { geo_level: "nuts1", profile_level: "age" }, 2);
      const deliveries = await extractRows(conn, loadDataset("delivery_performance_by_mode_area"), { time_grain: "year", geo_level: "nuts1", mode_level: "grouped" }, 1);
      expect(all(area, ["period", "geo_code", "category"]).map((r) => r.contributors)).toEqual([customers]);
      expect(all(channel, ["period", "sales_channel", "category"]).map((r) => r.contributors)).toEqual([customers]);
      expect(all(profile, ["geo_code", "profile", "gender"]).map((r) => r.contributors)).toEqual([customers]);
      expect(all(deliveries, ["period", "shipping_mode", "geo_code"]).map((r) => r.contributors)).toEqual([recipients]);
    });
  });

  it("customers by profile: grouping the customers of a single leaf together gives exactly the cells of every customer grouped by pseudonym, at every rung", async () => {
    // The release's query counts, sums and compares the customers whose rows all fall in one
    // (area, profile, gender) inside each cell, without their pseudonym; the fixture is the
    // direct definition. Both kinds of customers must be in the data for the check to mean anything.
    await onGeneratedMarts(async (conn) => {
      const [kinds] = await queryRows<{ single: number; several: number }>(
        conn,
        `select cast(count(*) filter (where n = 1) as integer) as single, cast(count(*) filter (where n > 1) as integer) as several
         from (select customer_pseudonym, count(distinct (od_area(country, region_code, 'region', []::varchar[]), od_profile(customer_type, age_band, 'age'), coalesce(gender, 'unknown'))) as n
               from sales.customer_monthly group by customer_pseudonym)`,
      );
      expect(kinds.single).toBeGreaterThan(1000);
      expect(kinds.several).toBeGreaterThan(20);
      const ds = loadDataset("customers_by_area_profile");
      const direct = { ...ds, sqlFile: path.join(__dirname, "fixtures", "customers_by_area_profile_per_customer.sql") };
      const rungs = loadDesigns(loadDatasets()).find((g) => g.datasets.includes(ds.dataset))!.rungs;
      const seen = new Set<string>();
      for (const rung of rungs) {
        const params = extractionParams(ds, rung.params);
        if (seen.has(JSON.stringify(params))) continue;
        seen.add(JSON.stringify(params));
        const expected = await extractRows(conn, direct, params, 1);
        expect(expected.length).toBeGreaterThan(20);
        expect(await extractRows(conn, ds, params, 1)).toEqual(expected);
        expect(await extractRows(conn, ds, params, 3)).toEqual(expected);
      }
      expect(seen.size).toBeGreaterThan(1);
    });
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
