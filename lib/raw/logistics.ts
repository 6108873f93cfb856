/**
 * The group's warehouses and carriers: a fixed network, the same whatever the export size, so
 * that stock snapshots stay a bounded share of the rows.
 */
import type { SHIPPING_MODES } from "./contract";

export type ShippingMode = (typeof SHIPPING_MODES)[number];

export interface Warehouse {
  id: string;
  city: string;
  /** INSEE region codes this warehouse delivers to first. */
  serves: string[];
}

/** Real logistics hubs; L'Isle-d'Abeau also gives the export an apostrophe in a fixed column. */
export const WAREHOUSES: readonly Warehouse[] = [
  { id: "WH-01", city: "Lesquin", serves: ["32"] },
  { id: "WH-02", city: "Bonneuil-sur-Marne", serves: ["11", "24", "28"] },
  { id: "WH-03", city: "L'Isle-d'Abeau", serves: ["84", "27"] },
  { id: "WH-04", city: "Vitrolles", serves: ["93", "94", "01", "02", "03", "04", "06"] },
  { id: "WH-05", city: "Cestas", serves: ["75"] },
  { id: "WH-06", city: "Toulouse", serves: ["76"] },
  { id: "WH-07", city: "Carquefou", serves: ["52", "53"] },
  { id: "WH-08", city: "Strasbourg", serves: ["44"] },
];

export function warehouseForRegion(region: string): number {
  const index = WAREHOUSES.findIndex((w) => w.serves.includes(region));
  return index < 0 ? 1 : index;
}

/**
 * A carrier and the share of each shipping mode's orders it takes. Names are invented: each
 * carrier stands for a kind of real French carrier (data/README.md, "Sources", says which and
 * why), but the delivery dates and freight costs the export attaches to it are synthetic, and
 * a real company's name on them would read as a statement about that company.
 */
export interface Carrier {
  id: string;
  name: string;
  /** Share of each mode's orders; modes not listed are not served. */
  shares: Partial<Record<ShippingMode, number>>;
}

export const CARRIERS: readonly Carrier[] = [
  // The national postal operator's parcel arm: about half of France's parcels, at home or in post offices and relay points.
  { id: "CAR-01", name: "Hexapost Colis", shares: { standard: 0.5, "relay point": 0.3 } },
  // The postal group's express arm: next-day delivery before 13:00.
  { id: "CAR-02", name: "Chronoflèche", shares: { express: 0.6 } },
  // A regional road haulier for bulky goods (appliances, garden furniture) delivered on a pallet.
  { id: "CAR-03", name: "Transports Vidal & Fils", shares: { standard: 0.1 } },
  // A city courier for same-day delivery.
  { id: "CAR-04", name: "Urbacourse", shares: { "same day": 1 } },
  // The largest relay-point network.
  { id: "CAR-05", name: "Relaiville", shares: { "relay point": 0.4 } },
  // The second relay-point network.
  { id: "CAR-06", name: "Proxipoint Colis", shares: { "relay point": 0.2 } },
  // A European parcel network with home delivery by appointment and its own pickup points.
  { id: "CAR-07", name: "Colirapide", shares: { standard: 0.15, "relay point": 0.1 } },
  // A second European parcel network, home delivery.
  { id: "CAR-08", name: "Messageries du Ponant", shares: { standard: 0.13 } },
  // A national freight and two-person delivery network for heavy goods.
  { id: "CAR-09", name: "Fret Rhône-Loire", shares: { standard: 0.12 } },
  // Two international express integrators.
  { id: "CAR-10", name: "Nordis Express", shares: { express: 0.2 } },
  { id: "CAR-11", name: "Azimut Express", shares: { express: 0.2 } },
];

/**
 * Share of orders per mode: carrier deliveries in the FEVAD / Toluna Harris Interactive survey
 * (home standard 34 %, home express 20 %, relay points 21 %, lockers about 7 %; click-and-collect
 * needs no carrier), lockers counted with relay points, and same-day a small part of express.
 */
export const SHIPPING_MODE_WEIGHTS: Readonly<Record<ShippingMode, number>> = {
  standard: 0.41,
  "relay point": 0.34,
  express: 0.22,
  "same day": 0.03,
};

/** Freight of one order in EUR: a base per mode plus a per-extra-line handling fee. */
export const FREIGHT_EUR: Readonly<Record<ShippingMode, { base: [number, number]; perExtraLine: number }>> = {
  standard: { base: [4.9, 7.9], perExtraLine: 1.2 },
  "relay point": { base: [3.5, 4.9], perExtraLine: 0.8 },
  express: { base: [9.9, 14.9], perExtraLine: 2.0 },
  "same day": { base: [14.9, 24.9], perExtraLine: 2.5 },
};

/** Days from ship to delivery per mode, within the export's 1 to 7 days. */
export const TRANSIT_DAYS: Readonly<Record<ShippingMode, [number, number]>> = {
  standard: [2, 7],
  "relay point": [2, 6],
  express: [1, 2],
  "same day": [1, 1],
};
