/**
 * What a source can feed downstream, from what its profile yields: the marts and Open Data
 * datasets that cannot exist for it ("not applicable", with the reason, instead of published
 * empty), and what each contract field it lacks costs (a dimension left unknown, cells mostly
 * suppressed). Data, read by `profile check` and available to the release.
 */
import { recordKindsOf, RecordKind, SourceProfile } from "./profile";

/** Each output and what it cannot do without: a record type, and fields of which at least one must be present. */
interface Needs {
  output: string;
  kind: "mart" | "dataset";
  records: RecordKind[];
  /** Every group must have one present column. */
  fields: string[][];
}

const NEEDS: readonly Needs[] = [
  { output: "sales.sales_daily", kind: "mart", records: ["SALE"], fields: [] },
  { output: "sales.customer_sales", kind: "mart", records: ["SALE"], fields: [["customer_id"]] },
  { output: "sales.customer_monthly", kind: "mart", records: ["SALE"], fields: [["customer_id"]] },
  { output: "inventory.stock_monthly", kind: "mart", records: ["STOCK"], fields: [] },
  { output: "inventory.supplier_performance", kind: "mart", records: ["SALE"], fields: [["supplier_id"], ["ship_date", "delivery_date"]] },
  { output: "inventory.supplier_category_monthly", kind: "mart", records: ["SALE"], fields: [["supplier_id"]] },
  { output: "inventory.carrier_delays", kind: "mart", records: ["SALE"], fields: [["carrier_id"], ["delivery_date"]] },
  { output: "inventory.shipment_delays", kind: "mart", records: ["SALE"], fields: [["ship_date", "delivery_date"]] },
  { output: "sales_by_period_area_category", kind: "dataset", records: ["SALE"], fields: [] },
  { output: "sales_by_period_channel_category", kind: "dataset", records: ["SALE"], fields: [] },
  { output: "customers_by_area_profile", kind: "dataset", records: ["SALE"], fields: [["customer_id"]] },
  { output: "inventory_by_month_category", kind: "dataset", records: ["STOCK"], fields: [] },
  { output: "supplier_performance_by_origin_category", kind: "dataset", records: ["SALE"], fields: [["supplier_id"], ["ship_date", "delivery_date"]] },
  { output: "delivery_performance_by_mode_area", kind: "dataset", records: ["SALE"], fields: [["carrier_id"], ["delivery_date"]] },
];

/** What a lacked field costs where it still applies (the output exists, a dimension or measure is unknown). */
const COSTS: Record<string, string> = {
  customer_id: "no customer: dim_customer holds only its unknown member; customer marts and the customer dataset are not applicable; sales load under the unknown customer",
  birth_date: "age band unknown for every customer: customers_by_area_profile has one age band for persons, 'unknown'",
  gender: "gender unknown for every customer: customers_by_area_profile has one gender for persons, 'unknown'",
  postal_code: "département and région unknown: the regional datasets put every customer in 'unknown' (French addresses only are located)",
  country: "country unknown: regions cannot be located; phone numbers are read in the profile's country",
  category: "category 'unknown' for every product: the *_category datasets have one category, so mostly suppressed or uninformative",
  subcategory: "subcategory 'unknown' for every product",
  sales_channel: "channel 'unknown': sales_by_period_channel_category has one channel",
  unit_cost: "cost unknown: margins and stock values at cost are null",
  discount: "no discount: net amount = gross amount (documented as imputed 0)",
  ship_date: "no ship date: shipment and supplier delays cannot be measured",
  delivery_date: "no delivery date: carrier and shipment delays cannot be measured",
  supplier_id: "no supplier: supplier marts and dataset are not applicable; products load under the unknown supplier",
  carrier_id: "no carrier: carrier marts and dataset are not applicable; sales load under the unknown carrier",
  freight_cost: "freight unknown: allocated freight is null",
  warehouse_id: "no warehouse: sales and snapshots load under the unknown warehouse",
  email: "no email: access requests are matched on the customer number only",
  phone: "no phone",
  first_name: "no name: access requests are matched on the customer number only",
  last_name: "no name: access requests are matched on the customer number only",
  street: "no street",
  city: "no city",
  segment: "segment 'unknown' (imputed)",
  customer_type: "customer type 'unknown' (imputed): person and business thresholds cannot be told apart; the stricter one applies",
};

export interface Applicability {
  output: string;
  kind: "mart" | "dataset";
  applicable: boolean;
  /** Why not, when not applicable. */
  reason?: string;
}

/** Contract fields a profile does not yield (its `lacks`, minus those with a stated default). */
export function lackedFields(profile: SourceProfile): string[] {
  return (profile.lacks ?? []).filter((c) => profile.defaults?.[c] === undefined);
}

/** For each mart and dataset: can this source feed it, and if not, why. */
export function applicability(profile: SourceProfile): Applicability[] {
  const kinds = new Set(recordKindsOf(profile));
  const lacks = new Set(lackedFields(profile));
  return NEEDS.map((n) => {
    const missingRecords = n.records.filter((r) => !kinds.has(r));
    if (missingRecords.length) {
      const what = missingRecords.map((r) => (r === "SALE" ? "sale lines" : r === "STOCK" ? "stock snapshots" : r.toLowerCase())).join(", ");
      return { output: n.output, kind: n.kind, applicable: false, reason: `the source has no ${what}` };
    }
    const missing = n.fields.filter((group) => group.every((f) => lacks.has(f)));
    if (missing.length) {
      return { output: n.output, kind: n.kind, applicable: false, reason: `the source lacks ${missing.map((g) => g.join(" and ")).join(", ")}` };
    }
    return { output: n.output, kind: n.kind, applicable: true };
  });
}

/** What each lacked field costs downstream, in the profile's order; `others`: lacked fields no figure depends on. */
export function lackCosts(profile: SourceProfile): { costs: { field: string; cost: string }[]; others: string[] } {
  const lacked = lackedFields(profile).filter((f) => f !== "card_number");
  return {
    costs: lacked.filter((f) => COSTS[f]).map((field) => ({ field, cost: COSTS[field] })),
    others: lacked.filter((f) => !COSTS[f]),
  };
}
