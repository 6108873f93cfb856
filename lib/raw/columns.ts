/**
 * Column positions in the contract's order, and which columns each defect family may touch.
 * Positions are looked up by name, so reordering the contract cannot silently shift values.
 */
import { RAW_COLUMNS, RAW_HEADER, type RecordType } from "./contract";

export function columnIndex(name: string): number {
  const index = RAW_HEADER.indexOf(name);
  if (index < 0) throw new Error(`raw contract: no column named "${name}" in lib/raw/contract.ts`);
  return index;
}

export const COLUMN_COUNT = RAW_HEADER.length;

export const COL = {
  recordType: columnIndex("record_type"),
  orderId: columnIndex("order_id"),
  lineNumber: columnIndex("line_number"),
  orderDate: columnIndex("order_date"),
  shipDate: columnIndex("ship_date"),
  deliveryDate: columnIndex("delivery_date"),
  salesChannel: columnIndex("sales_channel"),
  customerId: columnIndex("customer_id"),
  customerType: columnIndex("customer_type"),
  companyName: columnIndex("company_name"),
  firstName: columnIndex("first_name"),
  lastName: columnIndex("last_name"),
  email: columnIndex("email"),
  phone: columnIndex("phone"),
  birthDate: columnIndex("birth_date"),
  gender: columnIndex("gender"),
  street: columnIndex("street"),
  postalCode: columnIndex("postal_code"),
  city: columnIndex("city"),
  country: columnIndex("country"),
  segment: columnIndex("segment"),
  cardNumber: columnIndex("card_number"),
  productId: columnIndex("product_id"),
  productName: columnIndex("product_name"),
  category: columnIndex("category"),
  subcategory: columnIndex("subcategory"),
  brand: columnIndex("brand"),
  unitCost: columnIndex("unit_cost"),
  unitPrice: columnIndex("unit_price"),
  quantity: columnIndex("quantity"),
  discount: columnIndex("discount"),
  supplierId: columnIndex("supplier_id"),
  supplierName: columnIndex("supplier_name"),
  supplierCountry: columnIndex("supplier_country"),
  supplierContactName: columnIndex("supplier_contact_name"),
  supplierContactEmail: columnIndex("supplier_contact_email"),
  carrierId: columnIndex("carrier_id"),
  carrierName: columnIndex("carrier_name"),
  shippingMode: columnIndex("shipping_mode"),
  freightCost: columnIndex("freight_cost"),
  warehouseId: columnIndex("warehouse_id"),
  warehouseCity: columnIndex("warehouse_city"),
  snapshotDate: columnIndex("snapshot_date"),
  stockOnHand: columnIndex("stock_on_hand"),
  unitsOnOrder: columnIndex("units_on_order"),
  reorderLevel: columnIndex("reorder_level"),
  unitsReceived: columnIndex("units_received"),
} as const;

/** Free text and hand-typed codes: where stray whitespace and casing noise land. */
const NOISY_TEXT = [
  "sales_channel", "company_name", "first_name", "last_name", "street", "city", "segment",
  "product_id", "product_name", "category", "subcategory", "brand", "supplier_name",
  "supplier_contact_name", "carrier_name", "shipping_mode", "warehouse_city",
];

/** Columns whose values may hold a comma, quote or line break; the others skip the CSV test. */
const MAY_NEED_QUOTES = [
  "company_name", "first_name", "last_name", "street", "city", "product_name", "category",
  "subcategory", "brand", "supplier_name", "supplier_contact_name", "carrier_name", "warehouse_city",
];

/** The keys of a row (cleansing cannot place a row without them) are never emptied. */
const NEVER_MISSING: Record<RecordType, string[]> = {
  SALE: ["record_type", "order_id", "line_number"],
  STOCK: ["record_type", "snapshot_date", "product_id", "warehouse_id"],
};

function filledIndexes(type: RecordType, names: readonly string[]): number[] {
  return RAW_COLUMNS.flatMap((c, i) => (c.filledBy.includes(type) && names.includes(c.name) ? [i] : []));
}

export const NOISY_TEXT_COLUMNS: Record<RecordType, number[]> = {
  SALE: filledIndexes("SALE", NOISY_TEXT),
  STOCK: filledIndexes("STOCK", NOISY_TEXT),
};

export const NULLABLE_COLUMNS: Record<RecordType, number[]> = {
  SALE: RAW_COLUMNS.flatMap((c, i) => (c.filledBy.includes("SALE") && !NEVER_MISSING.SALE.includes(c.name) ? [i] : [])),
  STOCK: RAW_COLUMNS.flatMap((c, i) => (c.filledBy.includes("STOCK") && !NEVER_MISSING.STOCK.includes(c.name) ? [i] : [])),
};

export const QUOTE_COLUMNS: readonly number[] = MAY_NEED_QUOTES.map(columnIndex);
