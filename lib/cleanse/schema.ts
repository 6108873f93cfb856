/**
 * The cleansed staging contract: what `outputs/staging/clean/<entity>.parquet` holds after the
 * cleansing stage, and what the warehouse build reads. One entry per entity, columns in file
 * order, with DuckDB types. `source_file` and `source_line` name the raw file and the physical
 * line where the record starts (1 = header), so any warehouse row can be traced back to the export.
 *
 * `quality_flags` lists, comma-separated and sorted, the flags the missing-value and validity
 * policy raised on the row (for example `MISSING_CARRIER,INVALID_EMAIL`); empty when clean.
 */

export type EntityName =
  | "order_lines"
  | "stock_snapshots"
  | "customers"
  | "products"
  | "suppliers"
  | "carriers"
  | "warehouses";

export interface CleanColumn {
  name: string;
  type: string;
  description: string;
}

export interface CleanEntity {
  name: EntityName;
  description: string;
  /** Columns that identify one kept row (unique after deduplication). */
  key: string[];
  columns: CleanColumn[];
}

const line: CleanColumn = { name: "source_line", type: "BIGINT", description: "Physical line of the raw file where the record starts, header = 1 (first occurrence for entities); a Parquet file's row number" };
const file: CleanColumn = { name: "source_file", type: "VARCHAR", description: "The raw file that holds that line: the export's file name, or its path in a multi-file export's directory" };
const flags: CleanColumn = { name: "quality_flags", type: "VARCHAR", description: "Sorted, comma-separated flags raised by the cleansing policy; empty when clean" };

export const CLEAN_ENTITIES: readonly CleanEntity[] = [
  {
    name: "order_lines",
    description: "One row per order line (SALE record); returns have a negative quantity",
    key: ["order_id", "line_number"],
    columns: [
      line,
      file,
      { name: "order_id", type: "VARCHAR", description: "Order number" },
      { name: "line_number", type: "INTEGER", description: "Line number within the order" },
      { name: "order_date", type: "DATE", description: "Order date" },
      { name: "ship_date", type: "DATE", description: "Ship date; null when unknown (flagged)" },
      { name: "delivery_date", type: "DATE", description: "Delivery date; null when unknown (flagged)" },
      { name: "sales_channel", type: "VARCHAR", description: "web, store, marketplace, phone or unknown" },
      { name: "customer_id", type: "VARCHAR", description: "Customer number; null when the source has none (flagged)" },
      { name: "customer_version", type: "VARCHAR", description: "Id of the cleansed customer attribute version seen on this line (customers.customer_version)" },
      { name: "product_id", type: "VARCHAR", description: "Product reference, upper case; null when missing (flagged)" },
      { name: "supplier_id", type: "VARCHAR", description: "Supplier of the product; null when missing" },
      { name: "carrier_id", type: "VARCHAR", description: "Carrier; null when missing (flagged)" },
      { name: "shipping_mode", type: "VARCHAR", description: "standard, express, relay point, same day or unknown" },
      { name: "warehouse_id", type: "VARCHAR", description: "Shipping warehouse; null when missing (flagged)" },
      { name: "quantity", type: "INTEGER", description: "Units; negative for a return" },
      { name: "unit_price", type: "DECIMAL(12,2)", description: "Unit price before discount, EUR" },
      { name: "unit_cost", type: "DECIMAL(12,2)", description: "Unit cost, EUR; null when unknown (flagged)" },
      { name: "discount", type: "DECIMAL(5,4)", description: "Discount rate 0..1 (imputed 0 when missing)" },
      { name: "freight_cost", type: "DECIMAL(12,2)", description: "Freight cost of the whole order, EUR, repeated on each line; null when unknown" },
      flags,
    ],
  },
  {
    name: "stock_snapshots",
    description: "One row per product x warehouse x snapshot date (STOCK record)",
    key: ["snapshot_date", "product_id", "warehouse_id"],
    columns: [
      line,
      file,
      { name: "snapshot_date", type: "DATE", description: "Snapshot date" },
      { name: "product_id", type: "VARCHAR", description: "Product reference, upper case" },
      { name: "warehouse_id", type: "VARCHAR", description: "Warehouse" },
      { name: "supplier_id", type: "VARCHAR", description: "Supplier of the product; null when missing" },
      { name: "unit_cost", type: "DECIMAL(12,2)", description: "Unit cost at the snapshot, EUR; null when unknown" },
      { name: "stock_on_hand", type: "INTEGER", description: "Units in stock (>= 0)" },
      { name: "units_on_order", type: "INTEGER", description: "Units on order (imputed 0 when missing)" },
      { name: "reorder_level", type: "INTEGER", description: "Reorder level; null when missing (flagged)" },
      { name: "units_received", type: "INTEGER", description: "Units received since the previous snapshot (imputed 0 when missing)" },
      flags,
    ],
  },
  {
    name: "customers",
    description: "One row per distinct cleansed version of a customer's attributes (input to the SCD2 dimension)",
    key: ["customer_version"],
    columns: [
      line,
      file,
      { name: "customer_version", type: "VARCHAR", description: "md5 of the cleansed attributes: the id of this version" },
      { name: "customer_id", type: "VARCHAR", description: "Customer number" },
      { name: "customer_type", type: "VARCHAR", description: "PERSON, BUSINESS or unknown" },
      { name: "company_name", type: "VARCHAR", description: "Company name (business customers)" },
      { name: "first_name", type: "VARCHAR", description: "First name, trimmed, title case" },
      { name: "last_name", type: "VARCHAR", description: "Last name, trimmed, upper case" },
      { name: "email", type: "VARCHAR", description: "Email, lower case; null when invalid (flagged)" },
      { name: "phone", type: "VARCHAR", description: "Phone in E.164; null when invalid (flagged)" },
      { name: "birth_date", type: "DATE", description: "Date of birth; null when missing or implausible (flagged)" },
      { name: "gender", type: "VARCHAR", description: "F, M, X or null" },
      { name: "street", type: "VARCHAR", description: "Street address" },
      { name: "postal_code", type: "VARCHAR", description: "Postal code (5 digits in France)" },
      { name: "city", type: "VARCHAR", description: "City" },
      { name: "country", type: "VARCHAR", description: "ISO 3166-1 alpha-2 code; null when unknown (flagged)" },
      { name: "segment", type: "VARCHAR", description: "consumer, small business, corporate or unknown" },
      { name: "first_order_date", type: "DATE", description: "Earliest order date of the lines that carry this version" },
      { name: "last_order_date", type: "DATE", description: "Latest order date of the lines that carry this version" },
      flags,
    ],
  },
  {
    name: "products",
    description: "One row per product",
    key: ["product_id"],
    columns: [
      line,
      file,
      { name: "product_id", type: "VARCHAR", description: "Product reference, upper case" },
      { name: "product_name", type: "VARCHAR", description: "Product name" },
      { name: "category", type: "VARCHAR", description: "Category; unknown when missing" },
      { name: "subcategory", type: "VARCHAR", description: "Subcategory; unknown when missing" },
      { name: "brand", type: "VARCHAR", description: "Brand; unknown when missing" },
      { name: "supplier_id", type: "VARCHAR", description: "Supplier; null when missing" },
      flags,
    ],
  },
  {
    name: "suppliers",
    description: "One row per supplier",
    key: ["supplier_id"],
    columns: [
      line,
      file,
      { name: "supplier_id", type: "VARCHAR", description: "Supplier id" },
      { name: "supplier_name", type: "VARCHAR", description: "Company name" },
      { name: "supplier_country", type: "VARCHAR", description: "ISO 3166-1 alpha-2; null when unknown" },
      { name: "contact_name", type: "VARCHAR", description: "Contact person (personal data)" },
      { name: "contact_email", type: "VARCHAR", description: "Contact email (personal data); null when invalid" },
      flags,
    ],
  },
  {
    name: "carriers",
    description: "One row per carrier",
    key: ["carrier_id"],
    columns: [
      line,
      file,
      { name: "carrier_id", type: "VARCHAR", description: "Carrier id" },
      { name: "carrier_name", type: "VARCHAR", description: "Carrier name" },
      flags,
    ],
  },
  {
    name: "warehouses",
    description: "One row per warehouse",
    key: ["warehouse_id"],
    columns: [
      line,
      file,
      { name: "warehouse_id", type: "VARCHAR", description: "Warehouse id" },
      { name: "warehouse_city", type: "VARCHAR", description: "City, title case" },
      flags,
    ],
  },
];

export function cleanEntity(name: EntityName): CleanEntity {
  const entity = CLEAN_ENTITIES.find((e) => e.name === name);
  if (!entity) throw new Error(`unknown entity ${name}`);
  return entity;
}
