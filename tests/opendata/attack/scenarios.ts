/**
 * The worlds and table designs of the planted-leak tests, each with the small change that
 * removes its leak (the control).
 */
import { m, people, type FactRecord, type TableSpec, type Unit, type World } from "./world";

export const YEAR_2024 = { start: "2024-01-01", end: "2024-12-31" };
export const IDENTIFIED = [{ id: "customers.identified", parts: ["customers.persons", "customers.businesses"] }];

const AREAS = { field: "geo_code", total: "All", codes: ["GB", "IE", "DE"] };
const CATEGORIES = { field: "category", total: "All", codes: ["Jardin", "Maison"] };

/** Every person buys in both categories; amounts vary by person. */
function personRecords(units: Unit[], geo: string, seed: number): FactRecord[] {
  return units.flatMap((u, i) => [
    { unit: u.id, attrs: { geo_code: geo, category: "Jardin", period: "2024" }, values: { net_amount: 40 + ((i * 7 + seed) % 30), orders: 1 + (i % 2), units: 2 + (i % 3) } },
    { unit: u.id, attrs: { geo_code: geo, category: "Maison", period: "2024" }, values: { net_amount: 25 + ((i * 11 + seed) % 20), orders: 1, units: 1 + (i % 2) } },
  ]);
}

/**
 * (a) Nested populations: a persons table beside an all-identified-customers table. Two business
 * customers in GB and two in IE: the per-area difference is their complement. The control hides
 * a rectangle of the all-customers table (GB and IE, total and Jardin).
 */
export function nestedPopulations(): { world: World; leak: TableSpec[]; control: TableSpec[] } {
  const gb = people("g", 15, "customers.persons");
  const ie = people("i", 14, "customers.persons");
  const de = people("d", 12, "customers.persons");
  const biz = people("b", 4, "customers.businesses", "business");
  const records = [
    ...personRecords(gb, "GB", 1),
    ...personRecords(ie, "IE", 2),
    ...personRecords(de, "DE", 3),
    { unit: "b1", attrs: { geo_code: "GB", category: "Jardin", period: "2024" }, values: { net_amount: 700, orders: 3, units: 20 } },
    { unit: "b2", attrs: { geo_code: "GB", category: "Jardin", period: "2024" }, values: { net_amount: 500, orders: 4, units: 15 } },
    { unit: "b1", attrs: { geo_code: "GB", category: "Maison", period: "2024" }, values: { net_amount: 300, orders: 2, units: 6 } },
    { unit: "b3", attrs: { geo_code: "IE", category: "Jardin", period: "2024" }, values: { net_amount: 650, orders: 2, units: 12 } },
    { unit: "b4", attrs: { geo_code: "IE", category: "Maison", period: "2024" }, values: { net_amount: 450, orders: 3, units: 9 } },
  ];
  const world: World = { units: [...gb, ...ie, ...de, ...biz], records, scopes: IDENTIFIED };
  const persons: TableSpec = {
    name: "customer-sales-by-area",
    scope: "customers.persons",
    population: "person",
    period: YEAR_2024,
    dimensions: [AREAS],
    measures: [m.net, m.orders],
  };
  const identified: TableSpec = {
    name: "sales-by-area-category",
    scope: "customers.identified",
    population: "person",
    period: YEAR_2024,
    dimensions: [AREAS, CATEGORIES],
    measures: [m.net, m.orders],
  };
  const rectangle = (k: Record<string, string>): boolean => (k.geo_code === "GB" || k.geo_code === "IE") && (k.category === "All" || k.category === "Jardin");
  return { world, leak: [persons, identified], control: [persons, { ...identified, suppress: rectangle }] };
}

const GENDERS = { field: "gender", total: "All", codes: ["F", "M"] };

function ordersOnly(unit: string, attrs: Record<string, string>, orders: number): FactRecord {
  return { unit, attrs: { period: "2024", ...attrs }, values: { orders, net_amount: 20 * orders } };
}

/**
 * (b) A published status column: the hidden women's cells of GB and IE are `secondary`, so they
 * passed the frequency rule (orders >= 11), which with the area totals pins them. The control
 * is the same release without the status column.
 */
export function statusColumn(): { world: World; leak: TableSpec[]; control: TableSpec[] } {
  const gbF = people("gf", 11, "customers.persons");
  const ieF = people("if", 11, "customers.persons");
  const deF = people("df", 12, "customers.persons");
  const deM = people("dm", 11, "customers.persons");
  const lone = [
    { id: "gm1", population: "person" as const, scope: "customers.persons" },
    { id: "im1", population: "person" as const, scope: "customers.persons" },
  ];
  const records = [
    ...gbF.map((u) => ordersOnly(u.id, { geo_code: "GB", gender: "F" }, 1)),
    ...ieF.map((u) => ordersOnly(u.id, { geo_code: "IE", gender: "F" }, 1)),
    ...deF.map((u) => ordersOnly(u.id, { geo_code: "DE", gender: "F" }, 1)),
    ...deM.map((u) => ordersOnly(u.id, { geo_code: "DE", gender: "M" }, 1)),
    ordersOnly("gm1", { geo_code: "GB", gender: "M" }, 1),
    ordersOnly("im1", { geo_code: "IE", gender: "M" }, 8),
  ];
  const world: World = { units: [...gbF, ...ieF, ...deF, ...deM, ...lone], records, scopes: [] };
  const table: TableSpec = {
    name: "customer-orders-by-area-gender",
    scope: "customers.persons",
    population: "person",
    period: YEAR_2024,
    dimensions: [AREAS, GENDERS],
    measures: [m.orders],
    suppress: (k) => (k.geo_code === "GB" || k.geo_code === "IE") && k.gender === "F",
    status: true,
  };
  return { world, leak: [table], control: [{ ...table, status: false }] };
}

/**
 * (c) A measure that cannot be negative in a real category: net amounts of Jardin and Maison,
 * signed in the declarations (the unknown category holds returns, published negative). A
 * rectangle of hidden cells around GB-Jardin is pinned within 10 % only by the sign of the other
 * three. The control also hides DE's Jardin and Maison cells.
 */
export function inferredSign(): { world: World; leak: TableSpec[]; control: TableSpec[] } {
  const units: Unit[] = [];
  const records: FactRecord[] = [];
  const add = (prefix: string, n: number, geo: string, category: string, net: number): void => {
    for (let i = 1; i <= n; i++) {
      units.push({ id: `${prefix}${i}`, population: "person", scope: "customers.persons" });
      records.push({ unit: `${prefix}${i}`, attrs: { geo_code: geo, category, period: "2024" }, values: { net_amount: net / n, orders: 1 } });
    }
  };
  add("gj", 3, "GB", "Jardin", 100);
  add("gm", 12, "GB", "Maison", 600);
  add("gu", 11, "GB", "unknown", -50);
  add("ij", 1, "IE", "Jardin", 3);
  add("im", 1, "IE", "Maison", 4);
  add("iu", 11, "IE", "unknown", -40);
  add("dj", 11, "DE", "Jardin", 400);
  add("dm", 11, "DE", "Maison", 450);
  add("du", 11, "DE", "unknown", -30);
  const world: World = { units, records, scopes: [] };
  const table: TableSpec = {
    name: "sales-by-area-category",
    scope: "customers.persons",
    population: "person",
    period: YEAR_2024,
    dimensions: [AREAS, { field: "category", total: "All", codes: ["Jardin", "Maison", "unknown"] }],
    measures: [m.net],
    suppress: (k) => (k.geo_code === "GB" || k.geo_code === "IE") && (k.category === "Jardin" || k.category === "Maison"),
  };
  const wider = (k: Record<string, string>): boolean => table.suppress!(k) || (k.geo_code === "DE" && (k.category === "Jardin" || k.category === "Maison"));
  return { world, leak: [table], control: [{ ...table, suppress: wider }] };
}

/**
 * (d) One customer erased between two releases: the previous release published 2024, the new one
 * republishes 2024 without the erased customer's purchases, so every figure that contained them
 * changes by exactly their purchases. The control republishes the 2024 figures as they were.
 */
export function erasure(): { previous: World; current: World; frozen: World; tables: TableSpec[] } {
  const gb = people("g", 13, "customers.persons");
  const ie = people("i", 12, "customers.persons");
  const de = people("d", 11, "customers.persons");
  const units = [...gb, ...ie, ...de];
  const records = [...personRecords(gb, "GB", 1), ...personRecords(ie, "IE", 2), ...personRecords(de, "DE", 3)];
  const previous: World = { units, records, scopes: [] };
  const current: World = { units: units.filter((u) => u.id !== "g1"), records: records.filter((r) => r.unit !== "g1"), scopes: [] };
  const table: TableSpec = {
    name: "customer-sales-by-area-category",
    scope: "customers.persons",
    population: "person",
    period: YEAR_2024,
    dimensions: [AREAS, CATEGORIES],
    measures: [m.net, m.orders],
  };
  return { previous, current, frozen: previous, tables: [table] };
}

/** Receipts of a supplier country's category, and the fill rate published in another table. */
export function ratioNumerator(): { world: World; leak: TableSpec[]; control: TableSpec[] } {
  const units: Unit[] = [];
  const records: FactRecord[] = [];
  const supplier = (id: string, country: string, category: string, received: number, onOrder: number): void => {
    units.push({ id, population: "business", scope: "suppliers" });
    records.push({ unit: id, attrs: { supplier_country: country, category, period: "2024" }, values: { units_received: received, units_on_order: onOrder } });
  };
  supplier("de1", "DE", "Jardin", 1234, 1300);
  for (let i = 1; i <= 3; i++) supplier(`dm${i}`, "DE", "Maison", 400 + 10 * i, 420 + 10 * i);
  for (let i = 1; i <= 3; i++) supplier(`fj${i}`, "FR", "Jardin", 300 + 7 * i, 320 + 7 * i);
  for (let i = 1; i <= 3; i++) supplier(`fm${i}`, "FR", "Maison", 200 + 5 * i, 230 + 5 * i);
  for (let i = 1; i <= 3; i++) supplier(`ij${i}`, "IT", "Jardin", 150 + 3 * i, 160 + 3 * i);
  for (let i = 1; i <= 3; i++) supplier(`im${i}`, "IT", "Maison", 90 + 2 * i, 95 + 2 * i);
  const world: World = { units, records, scopes: [] };
  const dims = [
    { field: "supplier_country", total: "All", codes: ["DE", "FR", "IT"] },
    { field: "category", total: "All", codes: ["Jardin", "Maison"] },
  ];
  const rectangle = (k: Record<string, string>): boolean => (k.supplier_country === "DE" || k.supplier_country === "FR") && (k.category === "Jardin" || k.category === "Maison");
  const receipts: TableSpec = {
    name: "receipts-by-country-category",
    scope: "suppliers",
    population: "business",
    period: YEAR_2024,
    dimensions: dims,
    measures: [{ field: "units_received", concept: "units_received", additive: true, lowerBound: 0, integer: true }],
    suppress: rectangle,
  };
  const fill: TableSpec = {
    name: "fill-rate-by-country-category",
    scope: "suppliers",
    population: "business",
    period: YEAR_2024,
    dimensions: dims,
    measures: [{ field: "units_on_order", concept: "units_on_order", additive: true, lowerBound: 0, integer: true }],
    derived: [{ field: "fill_rate", kind: "ratio", numerator: "units_received", denominator: "units_on_order", decimals: 4 }],
    // Orders on hand are not a supplier's secret in this design: published everywhere.
    primary: false,
  };
  return { world, leak: [receipts, fill], control: [receipts, { ...fill, hideValues: (k) => (rectangle(k) ? ["fill_rate"] : []) }] };
}

/**
 * (f) A total with a single non-empty child: in a nonEmpty table, DE and IE each have two
 * customers, all of gender X: the rows (DE, X) and (IE, X) exist, (DE, F) and (DE, M) do not, so
 * the hidden total (DE, All) reveals that both its customers are X. The control publishes the
 * table as a grid whose DE and IE rows and gender margins are all hidden.
 */
export function singleChild(): { world: World; leak: TableSpec[]; control: TableSpec[] } {
  const gbF = people("gf", 12, "customers.persons");
  const gbM = people("gm", 12, "customers.persons");
  const de = people("dx", 2, "customers.persons");
  const ie = people("ix", 2, "customers.persons");
  const records = [
    ...gbF.map((u) => ordersOnly(u.id, { geo_code: "GB", gender: "F" }, 1)),
    ...gbM.map((u) => ordersOnly(u.id, { geo_code: "GB", gender: "M" }, 1)),
    ...de.map((u, i) => ordersOnly(u.id, { geo_code: "DE", gender: "X" }, 9 + i)),
    ...ie.map((u, i) => ordersOnly(u.id, { geo_code: "IE", gender: "X" }, 8 + 3 * i)),
  ];
  const world: World = { units: [...gbF, ...gbM, ...de, ...ie], records, scopes: [] };
  const table: TableSpec = {
    name: "customer-orders-by-area-gender",
    scope: "customers.persons",
    population: "person",
    rows: "nonEmpty",
    period: YEAR_2024,
    dimensions: [AREAS, { field: "gender", total: "All", codes: ["F", "M", "X"] }],
    measures: [m.orders],
  };
  const hidden = (k: Record<string, string>): boolean => k.geo_code === "DE" || k.geo_code === "IE" || (k.geo_code === "All" && k.gender !== "All");
  return { world, leak: [table], control: [{ ...table, rows: "grid", suppress: hidden }] };
}
