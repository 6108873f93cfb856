/**
 * Multi-file source profiles (issue 23 item 1): tables from a glob of CSV files and from Parquet,
 * sale lines joined from several files, stock snapshots taken from the product master at a date
 * the profile states, and master records on their own (a customer without any sale). Every
 * staged and rejected row keeps its own file and physical line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanseStaging } from "../../lib/cleanse/cleanse";
import { openNative } from "../../lib/engine/native";
import { InputError } from "../../lib/raw/inputCheck";
import { loadProfile } from "../../lib/raw/profile";
import { splitExport } from "../../lib/split/split";
import { buildWarehouse } from "../../lib/warehouse/build";
import { fakeProtector } from "../warehouse/fixtures";
import { withDb } from "../warehouse/helpers";
import { readParquet, tempDir } from "../helpers/rawCsv";

jest.setTimeout(180_000);

const PROFILE = {
  name: "erp-test",
  description: "A small ERP extract: orders, order lines split by month, customers, and a product master with its stock fields.",
  currency: "GBP",
  country: "GB",
  files: {
    orders: { path: "orders.csv", header: ["OrderID", "CustomerID", "OrderDate", "ShipVia", "Freight"] },
    lines: { path: "lines/*.csv", header: ["OrderID", "ProductID", "UnitPrice", "Quantity", "Discount"] },
    customers: { path: "customers.csv", header: ["CustomerID", "CompanyName", "ContactName", "City", "PostalCode", "Country", "Phone"] },
    products: { path: "products.parquet" },
  },
  records: [
    {
      type: "SALE",
      sql: `select l.source_file, l.source_line, l."OrderID" as order_id,
              row_number() over (partition by l."OrderID" order by l.source_file, l.source_line) as line_number,
              o."OrderDate" as order_date, c."CustomerID" as customer_id, 'BUSINESS' as customer_type, c."CompanyName" as company_name,
              c."ContactName" as last_name, c."City" as city, c."PostalCode" as postal_code, c."Country" as country, c."Phone" as phone,
              p.product_id, p.product_name, p.category, l."UnitPrice" as unit_price, l."Quantity" as quantity, l."Discount" as discount,
              o."Freight" as freight_cost, 'MAIN' as warehouse_id, 'London' as warehouse_city
            from lines l join orders o on o."OrderID" = l."OrderID"
            left join customers c on c."CustomerID" = o."CustomerID"
            left join products p on p.product_id = l."ProductID"`,
    },
    {
      type: "STOCK",
      sql: `select source_file, source_line, product_id, product_name, category, date '2024-12-31' as snapshot_date,
              units_in_stock as stock_on_hand, units_on_order, reorder_level, 'MAIN' as warehouse_id, 'London' as warehouse_city
            from products`,
      explain: "The product master's stock fields, as a snapshot at the extract date (31 December 2024).",
    },
    {
      type: "CUSTOMER",
      sql: `select c.source_file, c.source_line, c."CustomerID" as customer_id, 'BUSINESS' as customer_type, c."CompanyName" as company_name,
              c."ContactName" as last_name, c."City" as city, c."PostalCode" as postal_code, c."Country" as country, c."Phone" as phone
            from customers c where not exists (select 1 from orders o where o."CustomerID" = c."CustomerID")`,
    },
  ],
  lacks: [
    "ship_date", "delivery_date", "sales_channel", "first_name", "email", "birth_date", "gender", "street", "segment", "card_number",
    "subcategory", "brand", "unit_cost", "supplier_id", "supplier_name", "supplier_country", "supplier_contact_name", "supplier_contact_email",
    "carrier_id", "carrier_name", "shipping_mode", "units_received",
  ],
  dateFormats: ["%Y-%m-%d"],
};

async function exportDir(): Promise<{ dir: string; profileFile: string }> {
  const dir = tempDir("erp-");
  fs.writeFileSync(path.join(dir, "orders.csv"), "OrderID,CustomerID,OrderDate,ShipVia,Freight\n10248,VINET,2024-07-04,3,32.38\n10249,TOMSP,2024-07-05,1,11.61\n");
  fs.mkdirSync(path.join(dir, "lines"));
  fs.writeFileSync(path.join(dir, "lines", "2024-07a.csv"), "OrderID,ProductID,UnitPrice,Quantity,Discount\n10248,11,14.00,12,0\n10248,42,9.80,10,0\n");
  fs.writeFileSync(path.join(dir, "lines", "2024-07b.csv"), "OrderID,ProductID,UnitPrice,Quantity,Discount\n10249,14,18.60,9,0.15\n10249,51,42.40,40,0\n");
  fs.writeFileSync(
    path.join(dir, "customers.csv"),
    'CustomerID,CompanyName,ContactName,City,PostalCode,Country,Phone\nVINET,Vins et alcools Chevalier,Paul Henriot,Reims,51100,France,26.47.15.10\nTOMSP,Toms Spezialitäten,Karin Josephs,Münster,44087,Germany,0251-031259\nALFKI,Alfreds Futterkiste,Maria Anders,Berlin,12209,Germany,030-0074321\n"AROUT","Around the Horn","Thomas Hardy","London","WA1 1DP","UK","(171) 555-7788"\n',
  );
  const { instance, conn } = await openNative();
  try {
    await conn.run(`copy (select * from (values ('11', 'Queso Cabrales', 'Dairy Products', '22', '30', '30'), ('42', 'Singaporean Hokkien Fried Mee', 'Grains/Cereals', '26', '0', '0'),
      ('14', 'Tofu', 'Produce', '35', '0', '0'), ('51', 'Manjimup Dried Apples', 'Produce', '20', '0', '10'))
      t(product_id, product_name, category, units_in_stock, units_on_order, reorder_level)) to '${path.join(dir, "products.parquet")}' (format parquet)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  const profileFile = path.join(dir, "erp-test.json");
  fs.writeFileSync(profileFile, JSON.stringify(PROFILE));
  return { dir, profileFile };
}

describe("a multi-file source profile", () => {
  test("sale lines from a glob of files, stock from a Parquet product master, a customer without any sale, each row on its own file and line", async () => {
    const { dir, profileFile } = await exportDir();
    const profile = loadProfile(profileFile);
    const work = tempDir("erp-run-");
    const split = await splitExport({ input: dir, profile, outDir: path.join(work, "split") });
    expect(split.records).toEqual({ read: 4 + 4 + 2, sale: 4, stock: 4, master: 2, rejected: 0 });
    expect(split.source.files!.map((f) => f.file)).toEqual(["orders.csv", "lines/2024-07a.csv", "lines/2024-07b.csv", "customers.csv", "products.parquet"]);
    expect(split.source).toMatchObject({ currency: "GBP", country: "GB" });
    const lines = await readParquet(path.join(work, "split", "order_lines.parquet"), "select source_file, source_line::int as l, order_id, product_id from t order by all");
    expect(lines).toEqual([
      { source_file: "lines/2024-07a.csv", l: 2, order_id: "10248", product_id: "11" },
      { source_file: "lines/2024-07a.csv", l: 3, order_id: "10248", product_id: "42" },
      { source_file: "lines/2024-07b.csv", l: 2, order_id: "10249", product_id: "14" },
      { source_file: "lines/2024-07b.csv", l: 3, order_id: "10249", product_id: "51" },
    ]);
    const stock = await readParquet(path.join(work, "split", "stock_snapshots.parquet"), "select source_file, source_line::int as l, product_id, snapshot_date, warehouse_id from t order by l");
    expect(stock[0]).toEqual({ source_file: "products.parquet", l: 1, product_id: "11", snapshot_date: "2024-12-31", warehouse_id: "MAIN" });

    const clean = await cleanseStaging({ splitDir: path.join(work, "split"), outDir: path.join(work, "clean"), profile });
    expect(clean.entities.customers.rejectedByReason).not.toHaveProperty("ORPHAN_VERSION");
    const customers = await readParquet(path.join(work, "clean", "customers.parquet"), "select customer_id, source_file, source_line::int as l, city, postal_code, phone from t order by customer_id");
    // The two customers without any sale are kept on their own, from their line of customers.csv;
    // proper nouns and postal codes as typed, phones read in each row's country.
    expect(customers).toEqual([
      { customer_id: "ALFKI", source_file: "customers.csv", l: 4, city: "Berlin", postal_code: "12209", phone: "+49300074321" },
      { customer_id: "AROUT", source_file: "customers.csv", l: 5, city: "London", postal_code: "WA1 1DP", phone: null },
      { customer_id: "TOMSP", source_file: "lines/2024-07b.csv", l: 2, city: "Münster", postal_code: "44087", phone: "+49251031259" },
      { customer_id: "VINET", source_file: "lines/2024-07a.csv", l: 2, city: "Reims", postal_code: "51100", phone: null }, // an 8-digit number is no French number: nulled, flagged
    ]);

    const built = await buildWarehouse({ cleanDir: path.join(work, "clean"), outDir: path.join(work, "warehouse"), protector: fakeProtector(), lake: false });
    expect(built.gates.passed).toBe(true);
    const dim = await withDb(built.corePath, (q) => q<{ n: number }>("select count(*)::int as n from dim_customer where customer_key > 0"));
    expect(dim[0].n).toBe(4);
    const files = await withDb(built.corePath, (q) => q<{ source_file: string; n: number }>("select source_file, count(*)::int as n from fact_sales group by 1 order by 1"));
    expect(files).toEqual([{ source_file: "lines/2024-07a.csv", n: 2 }, { source_file: "lines/2024-07b.csv", n: 2 }]);
    // fact_sales joins each line's freight share and customer version back by its file and line
    // (line_key): lines 2 and 3 are in both files, so a key without the file would mix the orders.
    const orders = await withDb(built.corePath, (q) =>
      q<{ order_id: string; lines: number; freight: string; customers: number; unknown: number }>(
        "select order_id, count(*)::int as lines, sum(freight_allocated)::varchar as freight, count(distinct customer_key)::int as customers, count(*) filter (where customer_key < 0)::int as unknown from fact_sales group by 1 order by 1",
      ),
    );
    expect(orders).toEqual([
      { order_id: "10248", lines: 2, freight: "32.38", customers: 1, unknown: 0 },
      { order_id: "10249", lines: 2, freight: "11.61", customers: 1, unknown: 0 },
    ]);
    const keys = await withDb(built.corePath, (q) => q<{ n: number }>("select count(distinct customer_key)::int as n from fact_sales"));
    expect(keys[0].n).toBe(2);
  });

  test("a file the profile reads as Parquet that is not Parquet stops the split, naming the file and the profile", async () => {
    const { dir, profileFile } = await exportDir();
    const parquet = fs.readFileSync(path.join(dir, "products.parquet"));
    // Cut short (a copy that stopped): its footer, and the PAR1 after it, are missing.
    fs.writeFileSync(path.join(dir, "products.parquet"), parquet.subarray(0, parquet.length - 8));
    const truncated = await splitExport({ input: dir, profile: loadProfile(profileFile), outDir: path.join(tempDir("pq-"), "split") }).catch((e: unknown) => e);
    expect((truncated as Error).message).toContain('reads this file as Parquet, but it is a truncated Parquet file (it does not end with PAR1, its footer)');
    fs.writeFileSync(path.join(dir, "products.parquet"), "product_id,product_name\nP1,Tea\n");
    const error = await splitExport({ input: dir, profile: loadProfile(profileFile), outDir: path.join(tempDir("pq-"), "split") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `${path.join(dir, "products.parquet")}: source profile "erp-test" reads this file as Parquet, but it is not a Parquet file (it does not start and end with PAR1). Fix: pass the file the profile describes (data/README.md, "Source profiles"), or a profile that reads it as it is`,
    );
  });

  test("a join that repeats a record stops the split, naming the query and the line", async () => {
    const { dir } = await exportDir();
    fs.appendFileSync(path.join(dir, "orders.csv"), "10248,VINET,2024-07-04,3,32.38\n"); // the order twice: each line joins twice
    const profileFile = path.join(dir, "dup.json");
    fs.writeFileSync(profileFile, JSON.stringify({ ...PROFILE, name: "dup" }));
    const error = await splitExport({ input: dir, profile: loadProfile(profileFile), outDir: path.join(tempDir("dup-"), "split") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/property \/records\/0\/sql: the SALE query yields 2 rows for one record \(lines\/2024-07a\.csv, line 2\)/);
  });

  test("a query that forgets source_line, and a profile given a file instead of a directory, are named", async () => {
    const { dir } = await exportDir();
    const broken = { ...PROFILE, name: "broken", records: [{ type: "STOCK", sql: "select product_id from products" }] };
    const profileFile = path.join(dir, "broken.json");
    fs.writeFileSync(profileFile, JSON.stringify(broken));
    await expect(splitExport({ input: dir, profile: loadProfile(profileFile), outDir: path.join(tempDir("b-"), "split") })).rejects.toThrow(/property \/records\/0\/sql: the STOCK query does not select source_file/);
    await expect(splitExport({ input: path.join(dir, "orders.csv"), profile: loadProfile(path.join(dir, "erp-test.json")), outDir: path.join(tempDir("b-"), "split") })).rejects.toThrow(/is a file, but profile "erp-test" reads several files/);
  });
});
