/**
 * A release of about 3,000 rows over 6 tables shaped like the workbook's (sales by period, area
 * and category; by channel; customers by area, age and gender; stock by month; suppliers;
 * carriers), from a seeded synthetic world, protected by the fixture's naive rules (frequency,
 * then one more hidden cell per margin left with a single one). For timing and soundness at
 * scale, not for its protection.
 */
import { m, type DimensionSpec, type FactRecord, type TableSpec, type Unit, type World } from "./world";

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const REGIONS = ["FR-11", "FR-24", "FR-27", "FR-28", "FR-32", "FR-44", "FR-52", "FR-53", "FR-75", "FR-76", "FR-84", "FR-93", "FR-94", "FR-UNK"];
const COUNTRIES = ["BE", "DE", "GB", "IE", "ES"];
const CATEGORIES = ["Bricolage", "Jardin", "Maison", "Sport", "Cuisine", "unknown"];
const YEARS = ["2022", "2023", "2024"];
const PERIOD = { start: "2022-01-01", end: "2024-12-31" };

const geo: DimensionSpec = { field: "geo_code", total: "All", codes: ["FR", ...REGIONS, ...COUNTRIES], parents: Object.fromEntries(REGIONS.map((r) => [r, "FR"])) };
const category: DimensionSpec = { field: "category", total: "All", codes: CATEGORIES };
const years: DimensionSpec = { field: "period", total: "All", codes: YEARS };

export function largeRelease(seed = 7): { world: World; tables: TableSpec[] } {
  const next = random(seed);
  const pick = <T>(list: readonly T[], weights?: number[]): T => {
    if (!weights) return list[Math.floor(next() * list.length)];
    const total = weights.reduce((a, b) => a + b, 0);
    let x = next() * total;
    for (let i = 0; i < list.length; i++) if ((x -= weights[i]) < 0) return list[i];
    return list[list.length - 1];
  };
  const units: Unit[] = [];
  const records: FactRecord[] = [];
  const areas = [...REGIONS, ...COUNTRIES];
  const areaWeights = areas.map((a, i) => (a.startsWith("FR") ? 30 - i : 2));
  for (let i = 0; i < 2400; i++) {
    const business = i % 40 === 0;
    const id = `c${i}`;
    units.push({ id, population: business ? "business" : "person", scope: business ? "customers.businesses" : "customers.persons" });
    const area = pick(areas, areaWeights);
    const age = pick(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]);
    const gender = pick(["F", "M", "X"], [48, 48, 4]);
    for (let k = 0; k < 3; k++) {
      const cat = pick(CATEGORIES, [20, 25, 25, 10, 15, 5]);
      const orders = 1 + Math.floor(next() * 3) * (business ? 4 : 1);
      const units_ = orders * (1 + Math.floor(next() * 4));
      const net = cat === "unknown" ? -20 * units_ : units_ * (10 + Math.floor(next() * 60)) + 0.37;
      records.push({
        unit: id,
        attrs: { period: pick(YEARS), geo_code: area, category: cat, channel: pick(["web", "shop", "phone"], [5, 4, 1]), age_band: age, gender },
        values: { net_amount: net, orders, units: cat === "unknown" ? -units_ : units_ },
      });
    }
  }
  // Stock: suppliers of each category, monthly snapshots.
  const months = YEARS.flatMap((y) => Array.from({ length: 12 }, (_, k) => `${y}-${String(k + 1).padStart(2, "0")}`));
  const countries = ["CN", "DE", "ES", "FR", "IT", "PL", "PT", "TR"];
  for (let s = 0; s < 40; s++) {
    const id = `s${s}`;
    units.push({ id, population: "business", scope: "suppliers" });
    const cat = CATEGORIES[s % 5];
    const country = pick(countries);
    for (const month of months) {
      const sold = 20 + Math.floor(next() * 80);
      records.push({ unit: id, attrs: { period: month, category: cat, supplier_country: country }, values: { stock_on_hand: 50 + Math.floor(next() * 200), units_sold: sold, units_received: sold + Math.floor(next() * 20) - 10, units_on_order: sold + 5 } });
    }
  }
  // Shipments: twelve carriers, three modes.
  const carriers = Array.from({ length: 12 }, (_, k) => `Carrier ${String.fromCharCode(65 + k)}`);
  for (const [k, carrier] of carriers.entries()) {
    units.push({ id: carrier, population: "business", scope: "shipments" });
    for (let n = 0; n < 60; n++) {
      records.push({ unit: carrier, attrs: { period: pick(YEARS), carrier, shipping_mode: pick(["standard", "express", "pickup"]), geo_code: pick(areas, areaWeights.map((w, i) => (i % 12 === k ? w * 3 : w))) }, values: { shipments: 1 + Math.floor(next() * 30), delivered: 1 } });
    }
  }
  const world: World = {
    units,
    records,
    scopes: [{ id: "customers.identified", parts: ["customers.persons", "customers.businesses"] }],
  };
  const sales = [m.net, m.orders, m.units];
  const tables: TableSpec[] = [
    { name: "sales-by-period-region-category", scope: "customers.identified", population: "person", period: PERIOD, dimensions: [years, geo, category], measures: sales, secondary: true },
    {
      name: "sales-by-period-channel-category",
      scope: "customers.identified",
      population: "person",
      period: PERIOD,
      dimensions: [years, { field: "channel", total: "All", codes: ["web", "shop", "phone"] }, category],
      measures: sales,
      secondary: true,
    },
    {
      name: "customer-sales-by-region-age-gender",
      scope: "customers.persons",
      population: "person",
      period: PERIOD,
      dimensions: [geo, { field: "age_band", total: "All", codes: ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"] }, { field: "gender", total: "All", codes: ["F", "M", "X"] }],
      measures: sales,
      secondary: true,
    },
    {
      name: "inventory-by-month-category",
      scope: "suppliers",
      population: "business",
      period: PERIOD,
      dimensions: [{ field: "period", total: null, codes: months }, category],
      measures: [
        { field: "stock_on_hand", integer: true, lowerBound: 0 },
        { field: "units_sold", integer: true, lowerBound: 0 },
      ],
      derived: [{ field: "days_of_supply", kind: "ratio", numerator: "stock_on_hand", denominator: "units_sold", factor: 30, decimals: 1 }],
      secondary: true,
    },
    {
      name: "supplier-performance-by-country-category",
      scope: "suppliers",
      population: "business",
      period: PERIOD,
      dimensions: [years, { field: "supplier_country", total: "All", codes: countries }, category],
      measures: [
        { field: "units_received", integer: true, lowerBound: 0 },
        { field: "units_on_order", integer: true, lowerBound: 0 },
      ],
      derived: [{ field: "fill_rate", kind: "ratio", numerator: "units_received", denominator: "units_on_order", decimals: 4, cap: 1 }],
      secondary: true,
    },
    {
      name: "carrier-performance-by-carrier-mode-region",
      scope: "shipments",
      population: "business",
      period: PERIOD,
      dimensions: [{ field: "carrier", total: "All", codes: carriers }, { field: "shipping_mode", total: "All", codes: ["standard", "express", "pickup"] }, geo],
      measures: [
        { field: "shipments", integer: true, lowerBound: 0 },
        { field: "delivered", integer: true, lowerBound: 0 },
      ],
      secondary: true,
    },
  ];
  return { world, tables };
}
