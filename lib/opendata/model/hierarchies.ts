/**
 * The code hierarchies of the published dimensions and the names of their codes. One place, so
 * that the extraction (parent of each code for the confidentiality engine), the published files
 * (geo_name) and the release metadata (the parents an intruder reads) agree.
 *
 * - geo: a French région (FR-<INSEE code>), a NUTS-1 unit (FR1 ... FRM, FRY) and FR-UNK sit
 *   under FR; FR, other countries, OTHER and UNK sit under the total.
 * - origin: a supplier country sits under its zone (EU27_OTHER, NON_EU); the zones, FR and UNK
 *   under the total (lib/opendata/model/macros.sql, od_origin_zone, decides the zone, and the
 *   extraction states it in its supplier_origin_parent column).
 * - profile: person_<age band> sits under person; person, business, unknown under the total.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import countries from "i18n-iso-countries";
// eslint-disable-next-line @typescript-eslint/no-require-imports
countries.registerLocale(require("i18n-iso-countries/langs/en.json"));
import type { OdDimension } from "./datasets";

/** NUTS 2021 level 1 of France (Eurostat): the units' names. */
const NUTS1_NAMES: Readonly<Record<string, string>> = {
  FR1: "Ile-de-France",
  FRB: "Centre - Val de Loire",
  FRC: "Bourgogne-Franche-Comté",
  FRD: "Normandie",
  FRE: "Hauts-de-France",
  FRF: "Grand Est",
  FRG: "Pays de la Loire",
  FRH: "Bretagne",
  FRI: "Nouvelle-Aquitaine",
  FRJ: "Occitanie",
  FRK: "Auvergne-Rhône-Alpes",
  FRL: "Provence-Alpes-Côte d'Azur",
  FRM: "Corse",
  FRY: "RUP FR - Régions ultrapériphériques françaises",
};

const ZONE_NAMES: Readonly<Record<string, string>> = {
  EU27_OTHER: "European Union, other member states",
  NON_EU: "Outside the European Union",
};

let regionNames: Map<string, string> | undefined;

/** Région names by INSEE code, from the official geography the project already ships. */
function regionName(code: string): string | undefined {
  if (!regionNames) {
    const file = path.join(path.dirname(require.resolve("@etalab/decoupage-administratif/package.json")), "data", "regions.json");
    const regions = JSON.parse(readFileSync(file, "utf8")) as { code: string; nom: string }[];
    regionNames = new Map(regions.map((r) => [r.code, r.nom]));
  }
  return regionNames.get(code);
}

const NUTS1 = /^FR[0-9A-Z]$/;

export function parentOf(hierarchy: OdDimension["hierarchy"], code: string): string | undefined {
  switch (hierarchy) {
    case "geo":
      return code.startsWith("FR-") || NUTS1.test(code) ? "FR" : undefined;
    case "profile":
      return code.startsWith("person_") ? "person" : undefined;
    default:
      return undefined;
  }
}

/**
 * Parent map of the codes a dimension uses (code -> parent; codes under the total are left out).
 * `given`: parents the extraction query states itself (its `<dimension>_parent` column), for
 * hierarchies whose parent is not written in the code (a supplier country's zone).
 */
export function parentMap(dim: OdDimension, codes: Iterable<string>, given: ReadonlyMap<string, string> = new Map()): Record<string, string> {
  const present = new Set(codes);
  const parent: Record<string, string> = {};
  for (const code of present) {
    if (code === dim.total) continue;
    const p = given.get(code) ?? parentOf(dim.hierarchy, code);
    // a level the design does not publish (FR at NUTS-1 level) is no parent: the code sits under the total
    if (p !== undefined && present.has(p)) parent[code] = p;
  }
  return parent;
}

/** The published name of a geography code. */
export function geoName(code: string): string {
  if (code === "All") return "All";
  if (code === "UNK") return "Unknown";
  if (code === "FR-UNK") return "France, région unknown";
  if (code === "OTHER") return "Outside France or unknown";
  if (code.startsWith("FR-")) return regionName(code.slice(3)) ?? code;
  if (NUTS1_NAMES[code]) return NUTS1_NAMES[code];
  return countries.getName(code, "en") ?? code;
}

export function originName(code: string): string {
  if (code === "All") return "All";
  if (code === "UNK") return "Unknown";
  return ZONE_NAMES[code] ?? countries.getName(code, "en") ?? code;
}
