/**
 * Small hand-made cleansed inputs for the warehouse and marts tests, written as Parquet with
 * DuckDB in the exact types of the cleansed contract (lib/cleanse/schema.ts), plus a fake
 * protector with a fixed test key.
 */
import * as crypto from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CLEAN_ENTITIES, type EntityName } from "../../lib/cleanse/schema";
import { encryptFieldDeterministic } from "../../lib/privacy/envelope";
import { openDatabase, run, sqlString } from "../../lib/warehouse/db";
import { decryptPersonalRecord, fieldAad, type PersonalRecord, type Protector } from "../../lib/warehouse/protector";

type Value = string | number | null;
export type FixtureRow = Record<string, Value>;

const TEST_KEY = Buffer.from("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "hex");

/** The fixed per-customer data key of the fake protector. */
export function testDataKey(pseudonym: string): Buffer {
  return crypto.createHmac("sha256", TEST_KEY).update("data key:" + pseudonym).digest();
}

export function testPseudonym(customerId: string): string {
  return "cp_" + crypto.createHmac("sha256", TEST_KEY).update("customer:" + customerId).digest("hex").slice(0, 32);
}

/** A protector with a fixed test key: real envelope encryption, keys derived from TEST_KEY. */
export function fakeProtector(): Protector & { commits: number } {
  const p = {
    commits: 0,
    pseudonymise: testPseudonym,
    encrypt: (pseudonym: string, column: string, plaintext: string | null) =>
      encryptFieldDeterministic(testDataKey(pseudonym), plaintext, fieldAad(pseudonym, column)),
    commit() {
      p.commits += 1;
    },
  };
  return p;
}

/** A row's personal record (dim_customer.personal_enc), decrypted as `pseudonym`'s with the test key. */
export function decryptTestRecord(pseudonym: string, ciphertext: string | null): PersonalRecord {
  return decryptPersonalRecord(testDataKey(pseudonym), pseudonym, ciphertext);
}

function literal(v: Value): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return String(v);
  return sqlString(v);
}

function selectFor(entity: EntityName, rows: FixtureRow[]): string {
  const spec = CLEAN_ENTITIES.find((e) => e.name === entity)!;
  const selects = rows.map((row, i) =>
    "select " +
    spec.columns
      .map((c) => {
        let v: Value = c.name in row ? row[c.name] : null;
        if (c.name === "source_line" && v === null) v = i + 2;
        if (c.name === "source_file" && v === null) v = "export.csv";
        if (c.name === "quality_flags" && v === null) v = "";
        return `cast(${literal(v)} as ${c.type}) as ${c.name}`;
      })
      .join(", "),
  );
  if (selects.length === 0) {
    return "select " + spec.columns.map((c) => `cast(null as ${c.type}) as ${c.name}`).join(", ") + " where false";
  }
  return selects.join("\nunion all\n");
}

export interface CleanFixture {
  order_lines: FixtureRow[];
  stock_snapshots: FixtureRow[];
  customers: FixtureRow[];
  products: FixtureRow[];
  suppliers: FixtureRow[];
  carriers: FixtureRow[];
  warehouses: FixtureRow[];
  /** Rejected rows by reason, per fact entity (for manifest.json). */
  rejected?: { order_lines?: Record<string, number>; stock_snapshots?: Record<string, number> };
  /** Overrides of the manifest (to break reconciliation on purpose). */
  manifestOverride?: Record<string, Partial<{ rowsIn: number; rowsKept: number; rowsRejected: number }>>;
}

/** Write the fixture as `<dir>/<entity>.parquet` + manifest.json; returns dir. */
export async function writeCleanFixture(fixture: CleanFixture, dir = mkdtempSync(path.join(os.tmpdir(), "clean-"))): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const db = await openDatabase(":memory:");
  try {
    for (const entity of CLEAN_ENTITIES) {
      const rows = fixture[entity.name];
      const file = path.join(dir, `${entity.name}.parquet`);
      await run(db.connection, `copy (${selectFor(entity.name, rows)}) to ${sqlString(file)} (format parquet)`);
    }
  } finally {
    db.close();
  }
  const entities: Record<string, unknown> = {};
  for (const entity of CLEAN_ENTITIES) {
    const kept = fixture[entity.name].length;
    const reasons = (fixture.rejected as Record<string, Record<string, number>> | undefined)?.[entity.name] ?? {};
    const rejected = Object.values(reasons).reduce((a, b) => a + b, 0);
    entities[entity.name] = { rowsIn: kept + rejected, rowsKept: kept, rowsRejected: rejected, rejectedByReason: reasons, ...(fixture.manifestOverride?.[entity.name] ?? {}) };
  }
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ entities }, null, 2));
  return dir;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

const line = (o: FixtureRow): FixtureRow => ({
  line_number: 1,
  ship_date: null,
  delivery_date: null,
  sales_channel: "web",
  customer_version: null,
  supplier_id: null,
  shipping_mode: "standard",
  warehouse_id: "W01",
  unit_cost: null,
  discount: 0,
  freight_cost: null,
  ...o,
});

/**
 * The reference fixture. Customer C001 moves from Paris to Lyon on 2024-03-05 (two SCD2
 * versions) and later changes only their email (type 1, no new version). C999 and P999 are
 * referenced by a line but have no attribute rows (inferred members). O3 has no carrier and no
 * product (unknown members). O2 carries fractional discounts; O6 a half-cent discount and its
 * return.
 */
export function referenceFixture(): CleanFixture {
  return {
    customers: [
      { customer_version: "v1", customer_id: "C001", customer_type: "PERSON", company_name: null, first_name: "Marie", last_name: "DUPONT", email: "marie.dupont@example.fr", phone: "+33612345678", birth_date: "1985-06-15", gender: "F", street: "12 rue de la Paix", postal_code: "75002", city: "Paris", country: "FR", segment: "consumer", first_order_date: "2024-02-01", last_order_date: "2024-02-01" },
      { customer_version: "v2", customer_id: "C001", customer_type: "PERSON", company_name: null, first_name: "Marie", last_name: "DUPONT", email: "marie.dupont@example.fr", phone: "+33612345678", birth_date: "1985-06-15", gender: "F", street: "5 avenue Foch", postal_code: "69006", city: "Lyon", country: "FR", segment: "consumer", first_order_date: "2024-03-05", last_order_date: "2024-03-10" },
      { customer_version: "v3", customer_id: "C001", customer_type: "PERSON", company_name: null, first_name: "Marie", last_name: "DUPONT", email: "marie.d@example.fr", phone: "+33612345678", birth_date: "1985-06-15", gender: "F", street: "5 avenue Foch", postal_code: "69006", city: "Lyon", country: "FR", segment: "consumer", first_order_date: "2024-04-02", last_order_date: "2024-04-02" },
      { customer_version: "v4", customer_id: "C002", customer_type: "BUSINESS", company_name: "Durand Menuiserie SARL", first_name: "Jean", last_name: "DURAND", email: "jean.durand@durand-menuiserie.fr", phone: "+33478000000", birth_date: null, gender: null, street: "3 chemin des Vignes", postal_code: "01200", city: "Valserhône", country: "FR", segment: "small business", first_order_date: "2024-03-12", last_order_date: "2024-03-12" },
      { customer_version: "v5", customer_id: "C003", customer_type: "PERSON", company_name: null, first_name: "Lucas", last_name: "PEETERS", email: "lucas.peeters@example.be", phone: "+32470000000", birth_date: "2001-12-31", gender: "M", street: "Rue Neuve 1", postal_code: "1000", city: "Bruxelles", country: "BE", segment: "consumer", first_order_date: "2024-06-30", last_order_date: "2024-06-30" },
    ],
    products: [
      { product_id: "P001", product_name: "Smartphone X", category: "Electronics", subcategory: "Phones", brand: "Acme", supplier_id: "S01" },
      { product_id: "P002", product_name: "Chef Knife", category: "Home", subcategory: "Kitchen", brand: "Blade", supplier_id: "S02" },
      { product_id: "P003", product_name: "Kettle", category: "Home", subcategory: "Kitchen", brand: "Blade", supplier_id: "S02" },
    ],
    suppliers: [
      { supplier_id: "S01", supplier_name: "Acme Distribution", supplier_country: "FR", contact_name: "Paul MARTIN", contact_email: "paul.martin@acme-distribution.fr" },
      { supplier_id: "S02", supplier_name: "Blade GmbH", supplier_country: "DE", contact_name: "Anna SCHMIDT", contact_email: "anna.schmidt@blade.de" },
    ],
    carriers: [
      { carrier_id: "K01", carrier_name: "Colissimo" },
      { carrier_id: "K02", carrier_name: "Chronopost" },
    ],
    warehouses: [
      { warehouse_id: "W01", warehouse_city: "Lyon" },
      { warehouse_id: "W02", warehouse_city: "Saint-Étienne" },
    ],
    order_lines: [
      line({ order_id: "O1", line_number: 1, order_date: "2024-02-01", ship_date: "2024-02-02", delivery_date: "2024-02-05", customer_id: "C001", customer_version: "v1", product_id: "P001", supplier_id: "S01", carrier_id: "K01", quantity: 2, unit_price: 19.99, unit_cost: 12.5, discount: 0.1, freight_cost: 7.5 }),
      line({ order_id: "O1", line_number: 2, order_date: "2024-02-01", ship_date: "2024-02-02", delivery_date: "2024-02-05", customer_id: "C001", customer_version: "v1", product_id: "P002", supplier_id: "S02", carrier_id: "K01", quantity: 1, unit_price: 5.0, unit_cost: 2.0, discount: 0, freight_cost: 7.5 }),
      line({ order_id: "O2", line_number: 1, order_date: "2024-03-10", ship_date: "2024-03-11", delivery_date: "2024-03-12", sales_channel: "store", customer_id: "C001", customer_version: "v2", product_id: "P001", carrier_id: "K02", shipping_mode: "express", quantity: 1, unit_price: 3.33, unit_cost: 1.0, discount: 0.0333, freight_cost: 4.99 }),
      line({ order_id: "O2", line_number: 2, order_date: "2024-03-10", ship_date: "2024-03-11", delivery_date: "2024-03-12", sales_channel: "store", customer_id: "C001", customer_version: "v2", product_id: "P001", carrier_id: "K02", shipping_mode: "express", quantity: 3, unit_price: 3.33, unit_cost: 1.0, discount: 0.0333, freight_cost: 4.99 }),
      line({ order_id: "O2", line_number: 3, order_date: "2024-03-10", ship_date: "2024-03-11", delivery_date: "2024-03-12", sales_channel: "store", customer_id: "C001", customer_version: "v2", product_id: "P002", carrier_id: "K02", shipping_mode: "express", quantity: 1, unit_price: 3.33, unit_cost: 1.0, discount: 0.0333, freight_cost: 4.99 }),
      line({ order_id: "O3", line_number: 1, order_date: "2024-03-12", ship_date: "2024-03-13", delivery_date: null, sales_channel: "phone", customer_id: "C002", customer_version: "v4", product_id: null, carrier_id: null, shipping_mode: "unknown", warehouse_id: "W02", quantity: 4, unit_price: 10.0, discount: 0.05, quality_flags: "MISSING_CARRIER,MISSING_PRODUCT" }),
      line({ order_id: "O4", line_number: 1, order_date: "2024-04-02", ship_date: "2024-04-03", delivery_date: "2024-04-06", customer_id: "C001", customer_version: "v3", product_id: "P001", carrier_id: "K01", quantity: -1, unit_price: 19.99, unit_cost: 12.5, discount: 0.1, freight_cost: 0 }),
      line({ order_id: "O5", line_number: 1, order_date: "2024-05-01", ship_date: "2024-05-02", delivery_date: "2024-05-04", sales_channel: "unknown", customer_id: "C999", product_id: "P999", carrier_id: "K01", quantity: 1, unit_price: 100.0, discount: 0, freight_cost: 9.99 }),
      line({ order_id: "O6", line_number: 1, order_date: "2024-06-30", ship_date: "2024-07-01", delivery_date: "2024-07-03", sales_channel: "marketplace", customer_id: "C003", customer_version: "v5", product_id: "P003", supplier_id: "S02", carrier_id: "K02", quantity: 1, unit_price: 0.01, discount: 0.5, freight_cost: 0.01 }),
      line({ order_id: "O6", line_number: 2, order_date: "2024-06-30", ship_date: "2024-07-01", delivery_date: "2024-07-03", sales_channel: "marketplace", customer_id: "C003", customer_version: "v5", product_id: "P003", supplier_id: "S02", carrier_id: "K02", quantity: -1, unit_price: 0.01, discount: 0.5, freight_cost: 0.01 }),
      line({ order_id: "O7", line_number: 1, order_date: "2024-07-14", ship_date: null, delivery_date: null, customer_id: null, product_id: "P002", carrier_id: "K01", quantity: 2, unit_price: 7.77, discount: 0.15, freight_cost: 3.0, quality_flags: "MISSING_CUSTOMER" }),
    ],
    stock_snapshots: [
      { snapshot_date: "2024-01-31", product_id: "P001", warehouse_id: "W01", supplier_id: "S01", unit_cost: 12.5, stock_on_hand: 100, units_on_order: 0, reorder_level: 20, units_received: 0 },
      { snapshot_date: "2024-02-29", product_id: "P001", warehouse_id: "W01", supplier_id: "S01", unit_cost: 12.5, stock_on_hand: 80, units_on_order: 50, reorder_level: 20, units_received: 0 },
      { snapshot_date: "2024-03-15", product_id: "P001", warehouse_id: "W01", supplier_id: "S01", unit_cost: 12.5, stock_on_hand: 30, units_on_order: 50, reorder_level: 20, units_received: 10 },
      { snapshot_date: "2024-03-31", product_id: "P001", warehouse_id: "W01", supplier_id: "S01", unit_cost: 12.5, stock_on_hand: 15, units_on_order: 10, reorder_level: 20, units_received: 30 },
      { snapshot_date: "2024-01-31", product_id: "P002", warehouse_id: "W01", supplier_id: null, unit_cost: 2.0, stock_on_hand: 40, units_on_order: 0, reorder_level: 10, units_received: 0 },
      { snapshot_date: "2024-02-29", product_id: "P002", warehouse_id: "W01", supplier_id: null, unit_cost: 2.0, stock_on_hand: 0, units_on_order: 20, reorder_level: 10, units_received: 0 },
      { snapshot_date: "2024-03-31", product_id: "P002", warehouse_id: "W01", supplier_id: null, unit_cost: 2.0, stock_on_hand: 25, units_on_order: 0, reorder_level: null, units_received: 20, quality_flags: "MISSING_REORDER_LEVEL" },
      { snapshot_date: "2024-03-31", product_id: "P002", warehouse_id: "W02", supplier_id: "S02", unit_cost: 2.0, stock_on_hand: 7, units_on_order: 0, reorder_level: 5, units_received: 0 },
    ],
    rejected: {
      order_lines: { INVALID_DATE: 1, DUPLICATE_LINE: 2 },
      stock_snapshots: { NEGATIVE_STOCK: 1 },
    },
  };
}
