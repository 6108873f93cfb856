import { EntityName } from "./schema";

/**
 * The cleansing policy, written as data: for every cleansed column, the rule that validates and
 * normalises it, what to do when it is missing, and what to do when it is invalid.
 *
 * - `reject`: the row goes to the rejects file with the column, raw value and reason; it is not kept.
 * - `flag`: the row is kept with the value null and a flag in `quality_flags` (the warehouse maps a
 *   null reference to its "unknown" member, so the fact is kept and counted).
 * - `{ impute: v }`: the row is kept with the documented value v, and flagged as imputed.
 * - `allow`: an optional field; null is a normal value (a person has no company name).
 *
 * Changing a decision is a one-line edit here; tests/cleanse/policy.test.ts shows each effect.
 */
export type RuleName =
  | "text"
  | "postal"
  | "title"
  | "place"
  | "upper"
  | "code"
  | "decimal"
  | "integer"
  | "date"
  | "birth_date"
  | "email"
  | "phone"
  | "country"
  | "enum:sales_channel"
  | "enum:shipping_mode"
  | "enum:gender"
  | "enum:segment"
  | "enum:customer_type";

export type OnMissing = "reject" | "flag" | "allow" | { impute: string };
export type OnInvalid = "reject" | "flag";

export interface ColumnPolicy {
  /** The staged column it comes from, when named differently. */
  from?: string;
  rule: RuleName;
  /** Another staged column the rule reads with the value (the phone's region from the row's country). */
  context?: string;
  missing: OnMissing;
  invalid: OnInvalid;
}

export interface RowRule {
  reason: string;
  /** SQL predicate over the cleansed, typed columns; true means the rule fires. */
  when: string;
  action: "reject" | "flag";
  explain: string;
}

export interface EntityPolicy {
  entity: EntityName;
  columns: Record<string, ColumnPolicy>;
  rowRules: RowRule[];
  /** Rows sharing this key after cleansing are duplicates: the first (by `prefer`, then source line) is kept. */
  dedupeKey: string[];
  /** SQL order preferring one duplicate over another (before source_line). */
  prefer?: string;
}

const R = "reject" as const;
const F = "flag" as const;

/**
 * The largest amount one sale line or stock position may carry, in EUR (quantity x unit price,
 * quantity x unit cost, stock x unit cost), exclusive. A billion euros on one line of a retail
 * export is an error of the export (a price in cents, a quantity that took a code's digits), and
 * the bound keeps every amount the warehouse computes within its types: a line's amounts are
 * DECIMAL(14, 2) (fact_sales, fact_inventory), the marts' sums DECIMAL(18, 2), which hold ten
 * million such lines. Without it, one such line stopped the warehouse on a numeric overflow.
 */
export const MAX_LINE_AMOUNT_EUR = 1_000_000_000;

export const CLEANSING_POLICY: readonly EntityPolicy[] = [
  {
    entity: "customers",
    columns: {
      customer_id: { rule: "code", missing: R, invalid: R },
      customer_type: { rule: "enum:customer_type", missing: { impute: "unknown" }, invalid: F },
      company_name: { rule: "text", missing: "allow", invalid: F },
      // Names, places and postal codes keep their spelling and case (México D.F., Frankfurt a.M.,
      // WA1 1DP): only white space is normalised. Versions that differ by case alone are one
      // version (cleanse.ts compares case-folded keys) and keep the spelling seen most often.
      first_name: { rule: "text", missing: F, invalid: F },
      last_name: { rule: "text", missing: F, invalid: F },
      email: { rule: "email", missing: F, invalid: F },
      phone: { rule: "phone", context: "country", missing: F, invalid: F },
      birth_date: { rule: "birth_date", missing: F, invalid: F },
      gender: { rule: "enum:gender", missing: F, invalid: F },
      street: { rule: "text", missing: F, invalid: F },
      postal_code: { rule: "postal", missing: F, invalid: F },
      city: { rule: "text", missing: F, invalid: F },
      country: { rule: "country", missing: F, invalid: F },
      segment: { rule: "enum:segment", missing: { impute: "unknown" }, invalid: F },
    },
    rowRules: [],
    dedupeKey: ["customer_version"],
    prefer: "row_count desc",
  },
  {
    entity: "order_lines",
    columns: {
      order_id: { rule: "code", missing: R, invalid: R },
      line_number: { rule: "integer", missing: R, invalid: R },
      order_date: { rule: "date", missing: R, invalid: R },
      ship_date: { rule: "date", missing: F, invalid: F },
      delivery_date: { rule: "date", missing: F, invalid: F },
      sales_channel: { rule: "enum:sales_channel", missing: { impute: "unknown" }, invalid: F },
      customer_id: { rule: "code", missing: F, invalid: F },
      product_id: { rule: "code", missing: F, invalid: F },
      supplier_id: { rule: "code", missing: F, invalid: F },
      carrier_id: { rule: "code", missing: F, invalid: F },
      shipping_mode: { rule: "enum:shipping_mode", missing: { impute: "unknown" }, invalid: F },
      warehouse_id: { rule: "code", missing: F, invalid: F },
      quantity: { rule: "integer", missing: R, invalid: R },
      unit_price: { rule: "decimal", missing: R, invalid: R },
      unit_cost: { rule: "decimal", missing: F, invalid: F },
      discount: { rule: "decimal", missing: { impute: "0" }, invalid: R },
      freight_cost: { rule: "decimal", missing: F, invalid: F },
    },
    rowRules: [
      { reason: "ZERO_QUANTITY", when: "quantity = 0", action: R, explain: "a line with no units is no sale and no return" },
      { reason: "NEGATIVE_PRICE", when: "unit_price < 0", action: R, explain: "prices are positive; a return has a negative quantity, not a negative price" },
      { reason: "DISCOUNT_OUT_OF_RANGE", when: "discount < 0 or discount > 1", action: R, explain: "a discount is a rate between 0 and 1" },
      { reason: "ZERO_PRICE", when: "unit_price = 0", action: F, explain: "kept (free items and gifts exist) but flagged for review" },
      { reason: "RETURN", when: "quantity < 0", action: F, explain: "returns are kept as negative lines" },
      { reason: "SHIP_BEFORE_ORDER", when: "ship_date < order_date", action: F, explain: "dates kept as exported, flagged as inconsistent" },
      { reason: "DELIVERY_BEFORE_SHIP", when: "delivery_date < ship_date", action: F, explain: "dates kept as exported, flagged as inconsistent" },
      { reason: "NEGATIVE_FREIGHT", when: "freight_cost < 0", action: R, explain: "freight is a cost, never negative" },
      {
        reason: "AMOUNT_OUT_OF_RANGE",
        when: `abs(quantity * unit_price) >= ${MAX_LINE_AMOUNT_EUR} or abs(quantity * unit_cost) >= ${MAX_LINE_AMOUNT_EUR} or abs(freight_cost) >= ${MAX_LINE_AMOUNT_EUR}`,
        action: R,
        explain: "a line worth a billion euros or more (quantity x price or cost, or its freight) is an error of the export: a price in cents, a quantity with extra digits",
      },
    ],
    dedupeKey: ["order_id", "line_number"],
  },
  {
    entity: "stock_snapshots",
    columns: {
      snapshot_date: { rule: "date", missing: R, invalid: R },
      product_id: { rule: "code", missing: R, invalid: R },
      warehouse_id: { rule: "code", missing: R, invalid: R },
      supplier_id: { rule: "code", missing: F, invalid: F },
      unit_cost: { rule: "decimal", missing: F, invalid: F },
      stock_on_hand: { rule: "integer", missing: R, invalid: R },
      units_on_order: { rule: "integer", missing: { impute: "0" }, invalid: R },
      reorder_level: { rule: "integer", missing: F, invalid: F },
      units_received: { rule: "integer", missing: { impute: "0" }, invalid: R },
    },
    rowRules: [
      { reason: "NEGATIVE_STOCK", when: "stock_on_hand < 0 or units_on_order < 0 or units_received < 0", action: R, explain: "stock levels are counts of units" },
      {
        reason: "AMOUNT_OUT_OF_RANGE",
        when: `abs(stock_on_hand * unit_cost) >= ${MAX_LINE_AMOUNT_EUR} or abs(units_received * unit_cost) >= ${MAX_LINE_AMOUNT_EUR}`,
        action: R,
        explain: "a stock position worth a billion euros or more is an error of the export: a cost in cents, a level with extra digits",
      },
    ],
    dedupeKey: ["snapshot_date", "product_id", "warehouse_id"],
  },
  {
    entity: "products",
    columns: {
      product_id: { rule: "code", missing: R, invalid: R },
      // A reference without a description (an id that exists nowhere) defines no product: the
      // sales lines that carry it load under the warehouse's unknown product, counted there.
      product_name: { rule: "text", missing: R, invalid: F },
      category: { rule: "text", missing: { impute: "unknown" }, invalid: F },
      subcategory: { rule: "text", missing: { impute: "unknown" }, invalid: F },
      brand: { rule: "text", missing: { impute: "unknown" }, invalid: F },
      supplier_id: { rule: "code", missing: F, invalid: F },
    },
    rowRules: [],
    dedupeKey: ["product_id"],
    // The description seen on most records wins; the others are rejected as conflicting duplicates.
    prefer: "row_count desc",
  },
  {
    entity: "suppliers",
    columns: {
      supplier_id: { rule: "code", missing: R, invalid: R },
      supplier_name: { rule: "text", missing: { impute: "unknown" }, invalid: F },
      supplier_country: { rule: "country", missing: F, invalid: F },
      contact_name: { from: "supplier_contact_name", rule: "text", missing: F, invalid: F },
      contact_email: { from: "supplier_contact_email", rule: "email", missing: F, invalid: F },
    },
    rowRules: [],
    dedupeKey: ["supplier_id"],
    prefer: "(supplier_name = 'unknown') asc, row_count desc",
  },
  {
    entity: "carriers",
    columns: {
      carrier_id: { rule: "code", missing: R, invalid: R },
      carrier_name: { rule: "text", missing: R, invalid: R },
    },
    rowRules: [],
    dedupeKey: ["carrier_id"],
    prefer: "row_count desc",
  },
  {
    entity: "warehouses",
    columns: {
      warehouse_id: { rule: "code", missing: R, invalid: R },
      warehouse_city: { rule: "text", missing: R, invalid: R },
    },
    rowRules: [],
    dedupeKey: ["warehouse_id"],
    prefer: "row_count desc",
  },
];

export function entityPolicy(entity: EntityName): EntityPolicy {
  const policy = CLEANSING_POLICY.find((p) => p.entity === entity);
  if (!policy) throw new Error(`no cleansing policy for ${entity}`);
  return policy;
}

/**
 * Issue 23: a column the source lacks is never invented, so a lacked column whose missing value
 * rejects the row would reject every row of its entity, or (as it did) load them all under the
 * unknown member without a word. Such a profile stops before anything runs, unless it states
 * what the absence means (`defaults`). An entity the source cannot feed at all (no record type
 * that fills it, or every one of its columns lacked) is not concerned: it stays empty.
 */
export function lackedRejectColumns(profile: { lacks?: string[]; defaults?: Record<string, string> }, fedEntities: ReadonlySet<EntityName>): { entity: EntityName; column: string; from: string }[] {
  const lacks = new Set(profile.lacks ?? []);
  const out: { entity: EntityName; column: string; from: string }[] = [];
  for (const policy of CLEANSING_POLICY) {
    if (!fedEntities.has(policy.entity)) continue;
    const sources = Object.entries(policy.columns).map(([column, rule]) => ({ column, from: rule.from ?? column, rule }));
    if (sources.every((c) => lacks.has(c.from))) continue;
    for (const c of sources) {
      if (c.rule.missing === "reject" && lacks.has(c.from) && profile.defaults?.[c.from] === undefined) out.push({ entity: policy.entity, column: c.column, from: c.from });
    }
  }
  return out;
}
