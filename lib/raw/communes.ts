/**
 * Real French communes with their postal codes, drawn in proportion to population so that a
 * customer lives in Lyon far more often than in a hamlet of forty people.
 *
 * The package root cannot be required (it resolves its data from the working directory), so the
 * data file is read directly.
 */
import { readFileSync } from "node:fs";
import { cumulative } from "./prng";

interface EtalabCommune {
  code: string;
  nom: string;
  type: string;
  zone?: string;
  region?: string;
  codesPostaux?: string[];
  population?: number;
}

export interface CommunePool {
  names: string[];
  postalCodes: string[][];
  regions: string[];
  /** Cumulative population share, for `Prng.pickWeighted`. */
  weights: Float64Array;
}

export function communesDataPath(): string {
  return require.resolve("@etalab/decoupage-administratif/data/communes.json");
}

let cached: CommunePool | undefined;

/**
 * Current communes of metropolitan France and the overseas départements (DROM). The overseas
 * collectivities (zone `com`) are left out: a national retailer does not ship there by default.
 */
export function loadCommunePool(): CommunePool {
  if (cached) return cached;
  const all = JSON.parse(readFileSync(communesDataPath(), "utf8")) as EtalabCommune[];
  const names: string[] = [];
  const postalCodes: string[][] = [];
  const regions: string[] = [];
  const population: number[] = [];
  for (const commune of all) {
    if (commune.type !== "commune-actuelle") continue;
    if (commune.zone !== "metro" && commune.zone !== "drom") continue;
    if (!commune.codesPostaux?.length || !commune.population) continue;
    names.push(commune.nom);
    postalCodes.push(commune.codesPostaux);
    regions.push(commune.region ?? "");
    population.push(commune.population);
  }
  cached = { names, postalCodes, regions, weights: cumulative(population) };
  return cached;
}

/** Every postal code of every commune in the data, for checking that an export uses real ones. */
export function allFrenchPostalCodes(): Set<string> {
  const all = JSON.parse(readFileSync(communesDataPath(), "utf8")) as EtalabCommune[];
  const codes = new Set<string>();
  for (const commune of all) for (const code of commune.codesPostaux ?? []) codes.add(code);
  return codes;
}
