import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "csv-stringify/sync";
import { DuckDBInstance } from "@duckdb/node-api";
import { RAW_HEADER } from "../../lib/raw/contract";

export function tempDir(prefix = "workbook-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A valid SALE row of the raw contract; tests override the fields they are about. */
export function saleRow(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    record_type: "SALE", order_id: "O1", line_number: "1", order_date: "2023-04-05", ship_date: "2023-04-06",
    delivery_date: "2023-04-08", sales_channel: "web", customer_id: "C1", customer_type: "PERSON", company_name: "",
    first_name: "jeanne", last_name: "martin", email: "Jeanne.Martin@example.fr", phone: "01 23 45 67 89",
    birth_date: "1980-02-03", gender: "F", street: "3 rue des Lilas", postal_code: "75011", city: "paris",
    country: "France", segment: "consumer", card_number: "4970100000000000", product_id: "p1", product_name: "Chaise",
    category: "maison", subcategory: "meubles", brand: "Acme", unit_cost: "10.00", unit_price: "25.50", quantity: "2",
    discount: "0.1", supplier_id: "S1", supplier_name: "Fournil", supplier_country: "DE", supplier_contact_name: "hans weber",
    supplier_contact_email: "hans@fournil.de", carrier_id: "K1", carrier_name: "Colis Rapide", shipping_mode: "express",
    freight_cost: "7.90", warehouse_id: "W1", warehouse_city: "lyon", snapshot_date: "", stock_on_hand: "",
    units_on_order: "", reorder_level: "", units_received: "",
    ...overrides,
  };
}

export function stockRow(overrides: Record<string, string> = {}): Record<string, string> {
  const blank = Object.fromEntries(RAW_HEADER.map((c) => [c, ""]));
  return {
    ...blank, record_type: "STOCK", product_id: "P1", product_name: "Chaise", category: "maison", subcategory: "meubles",
    brand: "Acme", unit_cost: "10.00", supplier_id: "S1", supplier_name: "Fournil", supplier_country: "DE",
    supplier_contact_name: "hans weber", supplier_contact_email: "hans@fournil.de", warehouse_id: "W1", warehouse_city: "lyon",
    snapshot_date: "2023-04-30", stock_on_hand: "12", units_on_order: "5", reorder_level: "4", units_received: "3",
    ...overrides,
  };
}

/** Writes rows under the contract header; `extraLines` are raw text lines inserted after a given row index. */
export function writeRawCsv(file: string, rows: Record<string, string>[], extraLines: Record<number, string> = {}): void {
  const header = stringify([RAW_HEADER as string[]]);
  const body = rows.map((row, i) => (extraLines[i] !== undefined ? extraLines[i] + "\n" : "") + stringify([RAW_HEADER.map((c) => row[c] ?? "")]));
  fs.writeFileSync(file, header + body.join(""));
}

export async function readParquet(file: string, sql = "select * from t order by source_line"): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  await conn.run(`create view t as select * from read_parquet('${file.replace(/'/g, "''")}')`);
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  conn.closeSync();
  instance.closeSync();
  return rows;
}

export function sharedDataset(name: string): string | undefined {
  const file = path.resolve(__dirname, "../../../shared/datasets/online-retail", name);
  return fs.existsSync(file) ? file : undefined;
}
