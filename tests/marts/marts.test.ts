import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { buildMarts, loadMartModels, type MartsSummary } from "../../lib/marts/build";
import { columnRole, martColumnRoles } from "../../lib/marts/columnRoles";
import { scanForPii } from "../../lib/marts/piiScan";
import { carrierDelays, marginByChannel, productsToReorder, supplierPerformance, topCategories } from "../../lib/marts/questions";
import { buildWarehouse, InjectedFailure } from "../../lib/warehouse/build";
import { openDatabase } from "../../lib/warehouse/db";
import { findNaiveSums } from "../../lib/warehouse/semiAdditive";
import { fakeProtector, referenceFixture, tempDir, testPseudonym, writeCleanFixture } from "../warehouse/fixtures";
import { scratchCopy, withDb } from "../warehouse/helpers";

let clean: string;
let outDir: string;
let corePath: string;
let marts: MartsSummary;

beforeAll(async () => {
  clean = await writeCleanFixture(referenceFixture());
  outDir = tempDir("marts-");
  corePath = (await buildWarehouse({ cleanDir: clean, outDir, protector: fakeProtector(), lake: false })).corePath;
  marts = await buildMarts({ corePath, cleanDir: clean, outDir });
});

describe("marts build", () => {
  test("builds both marts, every gate passes, owner-only file", () => {
    expect(marts.gates).toEqual({ passed: true, gateCount: expect.any(Number), failedCount: 0 });
    expect(Object.keys(marts.tables)).toEqual(expect.arrayContaining(["sales.sales_daily", "sales.customer_sales", "inventory.stock_monthly", "inventory.supplier_performance", "inventory.carrier_delays"]));
    expect(statSync(marts.martsPath).mode & 0o777).toBe(0o600);
    const report = JSON.parse(readFileSync(marts.gatesPath, "utf8"));
    expect(report.gates.map((g: { gate: string }) => g.gate)).toContain("sales_daily.product_key.relationships");
    expect(report.gates.at(-1)).toMatchObject({ gate: "marts.pii_scan", status: "pass" });
  });

  test("the Sales mart reconciles with core to the cent", async () => {
    const [{ net }] = await withDb(marts.martsPath, (q) => q<{ net: string }>("select cast(sum(net_amount) as varchar) as net from sales.sales_daily"));
    expect(net).toBe("190.295555"); // core's exact total (tests/warehouse/build.test.ts), not rounded per line
  });

  test("customers appear only by pseudonym and generalised attributes", async () => {
    const rows = await withDb(marts.martsPath, (q) => q("select customer_pseudonym, age_band, gender, departement_code from sales.customer_sales order by customer_pseudonym"));
    expect(rows).toContainEqual({ customer_pseudonym: testPseudonym("C001"), age_band: "35-44", gender: "F", departement_code: "69" });
    const columns = await withDb(marts.martsPath, (q) => q<{ column_name: string }>("select distinct column_name from information_schema.columns"));
    const names = columns.map((c) => c.column_name);
    for (const forbidden of ["customer_id", "first_name", "last_name", "email", "phone", "street", "birth_date", "card_number", "postal_code", "city", "personal_enc", "email_enc", "street_enc", "contact_name", "contact_email"]) {
      expect(names).not.toContain(forbidden);
    }
  });

  test("month-end stock is the last snapshot of the month, not a sum", async () => {
    const [row] = await withDb(marts.martsPath, (q) => q("select month_end_stock_on_hand, units_received, stock_out_snapshots, snapshots from inventory.stock_monthly where month_key = 202403 and product_key = 1"));
    expect(row).toEqual({ month_end_stock_on_hand: 15, units_received: "40", stock_out_snapshots: 0, snapshots: 2 });
    const docs = loadMartModels().map((m) => m.doc);
    const db = await openDatabase(":memory:");
    try {
      const naive = await findNaiveSums(db.connection, "select product_key, sum(month_end_stock_on_hand) from inventory.stock_monthly group by product_key", docs);
      expect(naive.map((f) => f.column)).toEqual(["month_end_stock_on_hand"]);
      expect(await findNaiveSums(db.connection, "select month_key, sum(month_end_stock_on_hand) from inventory.stock_monthly group by month_key", docs)).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe("PII guard", () => {
  test("no mart column holds a known personal value", () => {
    expect(marts.piiScan.passed).toBe(true);
    expect(marts.piiScan.hits).toEqual([]);
    expect(marts.piiScan.tablesScanned).toBe(16);
    expect(marts.piiScan.knownValues.email).toBeGreaterThan(0);
    expect(marts.piiScan.knownValues.supplier_contact_name).toBe(2);
  });

  test("public vocabulary is not a leak: a first name that is also a département name", async () => {
    const fixture = referenceFixture();
    fixture.customers[4] = { ...fixture.customers[4], first_name: "Aude" };
    const cleanAude = await writeCleanFixture(fixture);
    const copy = scratchCopy(marts.martsPath);
    const db = await openDatabase(copy);
    try {
      await db.connection.run("update sales.dim_product set brand = 'Aude' where product_key = 1");
      await db.connection.run("update sales.dim_product set brand = 'Marie' where product_key = 2");
      const report = await scanForPii(db.connection, cleanAude);
      // 'Aude' is the département, not the customer; the customer's other first names still count
      expect(report.hits).toEqual([{ table: "sales.dim_product", column: "brand", kind: "first_name", rows: 1 }]);
    } finally {
      db.close();
    }
  });

  test("the scan catches a planted value, and names the column without echoing the value", async () => {
    const copy = scratchCopy(marts.martsPath);
    const db = await openDatabase(copy);
    try {
      await db.connection.run("insert into inventory.dim_carrier values (99, 'K99', 'Marie.Dupont@Example.fr', false)");
      await db.connection.run("update sales.dim_product set brand = 'Paul MARTIN' where product_key = 1");
      const report = await scanForPii(db.connection, clean);
      expect(report.passed).toBe(false);
      expect(report.hits).toEqual([
        { table: "inventory.dim_carrier", column: "carrier_name", kind: "email", rows: 1 },
        { table: "sales.dim_product", column: "brand", kind: "supplier_contact_name", rows: 1 },
      ]);
      expect(JSON.stringify(report)).not.toContain("Dupont");
    } finally {
      db.close();
    }
  });

  test("a customer number is a hit as an identifier or in text, not as a quantity, a key or a stock code (Online Retail's numbers)", async () => {
    const fixture = referenceFixture();
    // Online Retail's customers are numbers; 17850 is also one of its stock codes and a plausible quantity.
    fixture.customers[4] = { ...fixture.customers[4], customer_id: "17850" };
    const cleanNumbers = await writeCleanFixture(fixture);
    const copy = scratchCopy(marts.martsPath);
    const db = await openDatabase(copy);
    try {
      await db.connection.run("update sales.customer_sales set quantity = 17850");
      await db.connection.run("update sales.sales_daily set orders = 17850, product_key = 17850");
      await db.connection.run("update inventory.dim_product set product_id = '17850' where product_key = 1");
      await db.connection.run("update inventory.stock_monthly set month_end_stock_on_hand = 17850");
      expect((await scanForPii(db.connection, cleanNumbers)).hits).toEqual([]);

      await db.connection.run("update sales.dim_product set brand = '17850' where product_key = 1");
      await db.connection.run(`update sales.customer_monthly set customer_pseudonym = '17850' where customer_pseudonym = '${testPseudonym("C001")}'`);
      const report = await scanForPii(db.connection, cleanNumbers);
      expect(report.hits).toEqual([
        { table: "sales.customer_monthly", column: "customer_pseudonym", kind: "customer_id", rows: expect.any(Number) },
        { table: "sales.dim_product", column: "brand", kind: "customer_id", rows: 1 },
      ]);
      expect(JSON.stringify(report)).not.toContain("17850");
    } finally {
      db.close();
    }
  });

  test("a planted name, email or phone is a hit in any column that can hold text, codes included", async () => {
    const copy = scratchCopy(marts.martsPath);
    const db = await openDatabase(copy);
    try {
      await db.connection.run("update sales.dim_channel set channel_group = 'PEETERS' where channel_key = 1");
      await db.connection.run("update inventory.dim_supplier set supplier_id = '+32470000000' where supplier_key = 1");
      await db.connection.run("update inventory.dim_warehouse set warehouse_city = 'jean.durand@durand-menuiserie.fr' where warehouse_key = 1");
      await db.connection.run("update sales.customer_sales set segment = 'Lucas PEETERS'");
      const report = await scanForPii(db.connection, clean);
      expect(report.hits).toEqual([
        { table: "inventory.dim_supplier", column: "supplier_id", kind: "phone", rows: 1 },
        { table: "inventory.dim_warehouse", column: "warehouse_city", kind: "email", rows: 1 },
        { table: "sales.customer_sales", column: "segment", kind: "full_name", rows: expect.any(Number) },
        { table: "sales.dim_channel", column: "channel_group", kind: "last_name", rows: 1 },
      ]);
      // Numbers, keys and flags cannot hold any of them: they are left out, and counted.
      expect(report.columnsSkipped).toBeGreaterThan(50);
      expect(report.columnsScanned + report.columnsSkipped).toBe(loadMartModels().reduce((n, m) => n + m.doc.columns.length, 0));
    } finally {
      db.close();
    }
  });

  test("every mart column says what it holds, and a role its type cannot have is refused", () => {
    const roles = martColumnRoles();
    for (const m of loadMartModels()) for (const c of m.doc.columns) expect(roles.get(`${m.schema}.${m.name}.${c.name}`)).toMatch(/^(identifier|text|code|date|key|number|flag)$/);
    expect(roles.get("sales.customer_sales.customer_pseudonym")).toBe("identifier");
    expect(roles.get("sales.customer_sales.quantity")).toBe("number");
    expect(roles.get("inventory.dim_product.product_id")).toBe("code");
    const file = "x.doc.json";
    expect(() => columnRole({ name: "brand", type: "VARCHAR", description: "Brand" }, file)).toThrow('x.doc.json: column brand has no "role"; say what it holds, one of identifier, text, code, date, key, number, flag');
    expect(() => columnRole({ name: "brand", type: "VARCHAR", description: "Brand", role: "number" } as never, file)).toThrow('x.doc.json: column brand is VARCHAR, which a "number" column cannot be');
  });

  test("a failure after the PII scan leaves the previous marts in place", async () => {
    const before = statSync(marts.martsPath).mtimeMs;
    await expect(buildMarts({ corePath, cleanDir: clean, outDir, failAfter: "pii_scan" })).rejects.toThrow(InjectedFailure);
    expect(statSync(marts.martsPath).mtimeMs).toBe(before);
    expect(existsSync(`${marts.martsPath}.next`)).toBe(false);
    const [{ n }] = await withDb(marts.martsPath, (q) => q<{ n: number }>("select cast(count(*) as integer) as n from sales.sales_daily"));
    expect(n).toBeGreaterThan(0);
  });
});

describe("business questions", () => {
  test("top categories and their trend", async () => {
    const rows = await topCategories(marts.martsPath, { top: 2 });
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set(["unknown", "Electronics"]));
    const electronics = rows.filter((r) => r.category === "Electronics");
    expect(electronics.map((r) => [r.year_month, r.net_amount])).toEqual([
      [202402, 35.982],
      [202403, 12.876444],
      [202404, -17.991],
    ]);
  });

  test("margin by channel, supplier performance, carrier delays, products to reorder", async () => {
    const channels = await marginByChannel(marts.martsPath);
    expect(channels.find((c) => c.sales_channel === "store")).toMatchObject({ net_amount: 16.095555, margin_amount: 11.095555, margin_rate_pct: 68.9 });
    const suppliers = await supplierPerformance(marts.martsPath);
    expect(suppliers.find((s) => s.supplier_name === "Acme Distribution")).toMatchObject({ fill_rate: 0.8, units_received: 40 });
    const carriers = await carrierDelays(marts.martsPath);
    expect(carriers.find((c) => c.carrier_name === "Colissimo" && c.shipping_mode === "standard")).toMatchObject({ shipments: 2, avg_transit_days: 2.5 });
    expect(carriers.find((c) => c.carrier_name === "unknown")).toMatchObject({ undelivered_shipments: 1 });
    const reorder = await productsToReorder(marts.martsPath);
    expect(reorder.map((r) => [r.product_id, r.warehouse_id, r.below_reorder])).toEqual([["P001", "W01", true]]);
  });
});
