/**
 * The raw export contract: the one wide CSV the company exports, one row per event.
 *
 * `record_type` is `SALE` (one order line) or `STOCK` (a snapshot of one product in one
 * warehouse on one date). A SALE row fills the order, customer, product, supplier, carrier and
 * warehouse groups; a STOCK row fills the snapshot, product, supplier and warehouse groups.
 * Every value is read as text: typing is the cleansing stage's job, so that a bad value
 * becomes a reject with its reason instead of a parse failure that stops the run.
 *
 * `data/README.md` documents the same columns for humans; `tests/raw/contract.test.ts`
 * checks that the two agree.
 */

export type RecordType = "SALE" | "STOCK";

export type ColumnGroup =
  | "record"
  | "order"
  | "customer"
  | "product"
  | "supplier"
  | "carrier"
  | "warehouse"
  | "stock";

export interface RawColumn {
  name: string;
  group: ColumnGroup;
  description: string;
  /** Which record types fill it. */
  filledBy: RecordType[];
  /** Directly identifies or describes a natural person (GDPR Art. 4(1)). */
  personal: boolean;
  /** Never loaded into the warehouse (data minimisation, GDPR Art. 5(1)(c)). */
  neverLoaded?: boolean;
}

const S: RecordType[] = ["SALE"];
const ST: RecordType[] = ["STOCK"];
const BOTH: RecordType[] = ["SALE", "STOCK"];

export const RAW_COLUMNS: readonly RawColumn[] = [
  { name: "record_type", group: "record", filledBy: BOTH, personal: false, description: "SALE (an order line) or STOCK (an inventory snapshot)" },

  { name: "order_id", group: "order", filledBy: S, personal: false, description: "Order number, shared by the lines of one order" },
  { name: "line_number", group: "order", filledBy: S, personal: false, description: "Line number within the order (1, 2, ...)" },
  { name: "order_date", group: "order", filledBy: S, personal: false, description: "Date the order was placed (mixed formats in the wild)" },
  { name: "ship_date", group: "order", filledBy: S, personal: false, description: "Date the order left the warehouse" },
  { name: "delivery_date", group: "order", filledBy: S, personal: false, description: "Date the carrier delivered it" },
  { name: "sales_channel", group: "order", filledBy: S, personal: false, description: "web, store, marketplace or phone" },

  { name: "customer_id", group: "customer", filledBy: S, personal: true, description: "Customer number (an identifier of a natural person or a business)" },
  { name: "customer_type", group: "customer", filledBy: S, personal: false, description: "PERSON or BUSINESS" },
  { name: "company_name", group: "customer", filledBy: S, personal: false, description: "Company name, business customers only" },
  { name: "first_name", group: "customer", filledBy: S, personal: true, description: "First name of the customer or of the business contact" },
  { name: "last_name", group: "customer", filledBy: S, personal: true, description: "Last name of the customer or of the business contact" },
  { name: "email", group: "customer", filledBy: S, personal: true, description: "Email address" },
  { name: "phone", group: "customer", filledBy: S, personal: true, description: "Phone number, any national or international format" },
  { name: "birth_date", group: "customer", filledBy: S, personal: true, description: "Date of birth (persons only)" },
  { name: "gender", group: "customer", filledBy: S, personal: true, description: "F, M or X as declared (persons only)" },
  { name: "street", group: "customer", filledBy: S, personal: true, description: "Street address" },
  { name: "postal_code", group: "customer", filledBy: S, personal: true, description: "Postal code" },
  { name: "city", group: "customer", filledBy: S, personal: true, description: "City" },
  { name: "country", group: "customer", filledBy: S, personal: false, description: "Country, as typed (name or code)" },
  { name: "segment", group: "customer", filledBy: S, personal: false, description: "Customer segment: consumer, small business, corporate" },
  { name: "card_number", group: "customer", filledBy: S, personal: true, neverLoaded: true, description: "Payment card number: never loaded anywhere (minimisation)" },

  { name: "product_id", group: "product", filledBy: BOTH, personal: false, description: "Product reference (SKU)" },
  { name: "product_name", group: "product", filledBy: BOTH, personal: false, description: "Product name" },
  { name: "category", group: "product", filledBy: BOTH, personal: false, description: "Product category" },
  { name: "subcategory", group: "product", filledBy: BOTH, personal: false, description: "Product subcategory" },
  { name: "brand", group: "product", filledBy: BOTH, personal: false, description: "Brand" },
  { name: "unit_cost", group: "product", filledBy: BOTH, personal: false, description: "Purchase cost of one unit, EUR" },
  { name: "unit_price", group: "order", filledBy: S, personal: false, description: "Sale price of one unit before discount, EUR" },
  { name: "quantity", group: "order", filledBy: S, personal: false, description: "Units sold; negative for a return" },
  { name: "discount", group: "order", filledBy: S, personal: false, description: "Discount rate on the line, 0 to 1" },

  { name: "supplier_id", group: "supplier", filledBy: BOTH, personal: false, description: "Supplier of the product" },
  { name: "supplier_name", group: "supplier", filledBy: BOTH, personal: false, description: "Supplier company name" },
  { name: "supplier_country", group: "supplier", filledBy: BOTH, personal: false, description: "Supplier country" },
  { name: "supplier_contact_name", group: "supplier", filledBy: BOTH, personal: true, description: "Name of the supplier's contact person" },
  { name: "supplier_contact_email", group: "supplier", filledBy: BOTH, personal: true, description: "Email of the supplier's contact person" },

  { name: "carrier_id", group: "carrier", filledBy: S, personal: false, description: "Carrier that delivered the order" },
  { name: "carrier_name", group: "carrier", filledBy: S, personal: false, description: "Carrier name" },
  { name: "shipping_mode", group: "carrier", filledBy: S, personal: false, description: "standard, express, relay point or same day" },
  { name: "freight_cost", group: "carrier", filledBy: S, personal: false, description: "Freight cost of the whole order, EUR (repeated on each line)" },

  { name: "warehouse_id", group: "warehouse", filledBy: BOTH, personal: false, description: "Warehouse that shipped the line or holds the stock" },
  { name: "warehouse_city", group: "warehouse", filledBy: BOTH, personal: false, description: "City of the warehouse" },

  { name: "snapshot_date", group: "stock", filledBy: ST, personal: false, description: "Date of the stock snapshot (month end)" },
  { name: "stock_on_hand", group: "stock", filledBy: ST, personal: false, description: "Units in stock at the snapshot" },
  { name: "units_on_order", group: "stock", filledBy: ST, personal: false, description: "Units ordered from the supplier, not yet received" },
  { name: "reorder_level", group: "stock", filledBy: ST, personal: false, description: "Stock level that triggers a reorder" },
  { name: "units_received", group: "stock", filledBy: ST, personal: false, description: "Units received from the supplier since the previous snapshot" },
] as const;

export const RAW_HEADER: readonly string[] = RAW_COLUMNS.map((c) => c.name);

export const PERSONAL_COLUMNS: readonly string[] = RAW_COLUMNS.filter((c) => c.personal).map((c) => c.name);

export const RECORD_TYPES: readonly RecordType[] = ["SALE", "STOCK"];

export const SALES_CHANNELS = ["web", "store", "marketplace", "phone"] as const;
export const SHIPPING_MODES = ["standard", "express", "relay point", "same day"] as const;
export const CUSTOMER_TYPES = ["PERSON", "BUSINESS"] as const;
export const SEGMENTS = ["consumer", "small business", "corporate"] as const;
export const GENDERS = ["F", "M", "X"] as const;
