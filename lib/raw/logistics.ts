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

export interface Carrier {
  id: string;
  name: string;
  modes: ShippingMode[];
}

export const CARRIERS: readonly Carrier[] = [
  { id: "CAR-01", name: "Hexapost Colis", modes: ["standard", "relay point"] },
  { id: "CAR-02", name: "Chronoflèche", modes: ["express", "same day"] },
  { id: "CAR-03", name: "Relais Colis Hexagone", modes: ["relay point"] },
  { id: "CAR-04", name: "Transports Vidal & Fils", modes: ["standard", "express"] },
  { id: "CAR-05", name: "Urbacourse", modes: ["same day"] },
];

/** Share of orders per mode; same-day delivery is a city service and stays rare. */
export const SHIPPING_MODE_WEIGHTS: Readonly<Record<ShippingMode, number>> = {
  standard: 0.5,
  "relay point": 0.26,
  express: 0.17,
  "same day": 0.07,
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
