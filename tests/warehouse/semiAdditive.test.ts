import { buildWarehouse, loadWarehouseModels, VIEWS_DIR } from "../../lib/warehouse/build";
import { openDatabase, query } from "../../lib/warehouse/db";
import { loadModel } from "../../lib/warehouse/modelDoc";
import { assertNoNaiveSums, findNaiveSums, NaiveSumError } from "../../lib/warehouse/semiAdditive";
import { fakeProtector, referenceFixture, tempDir, writeCleanFixture } from "./fixtures";

const docs = [...loadWarehouseModels().map((m) => m.doc), loadModel(VIEWS_DIR, "fact_inventory_period_end").doc];

describe("semi-additive guard", () => {
  let corePath: string;
  beforeAll(async () => {
    const clean = await writeCleanFixture(referenceFixture());
    corePath = (await buildWarehouse({ cleanDir: clean, outDir: tempDir("semi-"), protector: fakeProtector(), lake: false })).corePath;
  });

  const flagged = async (sql: string) => {
    const db = await openDatabase(":memory:");
    try {
      return (await findNaiveSums(db.connection, sql, docs)).map((f) => `${f.table}.${f.column}`);
    } finally {
      db.close();
    }
  };

  test("a naive SUM of stock across dates is flagged", async () => {
    expect(await flagged("select product_key, sum(stock_on_hand) from fact_inventory group by product_key")).toEqual(["fact_inventory.stock_on_hand"]);
    expect(await flagged("select sum(stock_value_at_cost) as value from fact_inventory")).toEqual(["fact_inventory.stock_value_at_cost"]);
    // grouping by month is not enough on the daily snapshot: a month holds several snapshots
    expect(await flagged("select d.year_month, sum(f.units_on_order) from fact_inventory f join dim_date d on d.date_key = f.snapshot_date_key group by d.year_month")).toEqual(["fact_inventory.units_on_order"]);
    expect(await flagged("with t as (select sum(stock_on_hand) over (partition by product_key) s from fact_inventory) select * from t")).toEqual(["fact_inventory.stock_on_hand"]);
  });

  test("sums within one snapshot, of additive flows, or of the period-end view are allowed", async () => {
    expect(await flagged("select snapshot_date_key, sum(stock_on_hand) from fact_inventory group by snapshot_date_key")).toEqual([]);
    expect(await flagged("select d.calendar_date, sum(f.stock_on_hand) from fact_inventory f join dim_date d on d.date_key = f.snapshot_date_key group by d.calendar_date")).toEqual([]);
    expect(await flagged("select product_key, sum(units_received) from fact_inventory group by product_key")).toEqual([]);
    expect(await flagged("select year_month, sum(stock_on_hand) from fact_inventory_period_end group by year_month")).toEqual([]);
    expect(await flagged("select sum(net_amount) from fact_sales")).toEqual([]);
  });

  test("assertNoNaiveSums refuses the naive query", async () => {
    const db = await openDatabase(":memory:");
    try {
      await expect(assertNoNaiveSums(db.connection, "select sum(stock_on_hand) from fact_inventory", docs, "stock report")).rejects.toThrow(NaiveSumError);
    } finally {
      db.close();
    }
  });

  test("the period-end view takes the month's last snapshot, where a naive sum would double count", async () => {
    const db = await openDatabase(corePath);
    try {
      // P001 in W01 has two March snapshots (30 on the 15th, 15 on the 31st)
      const [naive] = await query<{ s: string }>(db.connection, "select cast(sum(f.stock_on_hand) as varchar) s from fact_inventory f join dim_date d on d.date_key = f.snapshot_date_key where d.year_month = 202403 and f.product_key = 1");
      const [right] = await query<{ stock_on_hand: number; units_received: string }>(db.connection, "select stock_on_hand, units_received from fact_inventory_period_end where year_month = 202403 and product_key = 1");
      expect(naive.s).toBe("45");
      expect(right).toEqual({ stock_on_hand: 15, units_received: "40" });
    } finally {
      db.close();
    }
  });
});
