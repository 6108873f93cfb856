/**
 * The stated population of the journalist and marketer risk models (risk.ts): how many people in
 * France share a class's published attributes (area x age band, and gender when published),
 * whether or not they are customers.
 *
 * - Area: INSEE's legal populations of the communes, as @etalab/decoupage-administratif carries
 *   them, summed by région (the 18 régions; the overseas collectivities are not régions and no
 *   customer is placed in one). population.sql maps régions to the release's areas with the same
 *   macro as the extraction queries, so a NUTS-1 unit is the sum of its régions.
 * - Age and gender: the national structure of INSEE's census (census-age-structure.json, with its
 *   source), applied to every area: the share of a band in France times the area's population.
 *   Régions differ in age structure; the national share is the stated approximation.
 * - No stated population: a class whose area is abroad or unknown (no census of ours covers it),
 *   whose profile is `unknown`, or whose gender is neither F nor M (the census counts men and
 *   women). Such a class takes its sample as its population (risk.ts): as if every person with
 *   these attributes were a customer, which can only overstate the risk.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import ageStructure from "./census-age-structure.json";

const PACKAGE = "@etalab/decoupage-administratif";

interface AgeGroup {
  from: number;
  to: number | null;
  men: number;
  women: number;
  all: number;
}

type Sex = "men" | "women" | "all";

/** The age bands of the customer table (warehouse macro age_band), in years, inclusive. */
const BANDS: Readonly<Record<string, { from: number; to: number | null }>> = {
  "under 18": { from: 0, to: 17 },
  "18-24": { from: 18, to: 24 },
  "25-34": { from: 25, to: 34 },
  "35-44": { from: 35, to: 44 },
  "45-54": { from: 45, to: 54 },
  "55-64": { from: 55, to: 64 },
  "65+": { from: 65, to: null },
};

const groups = ageStructure.groups as AgeGroup[];

/** People of `sex` aged from..to in the census, a group cut by a band counted pro rata of its years. */
function peopleAged(from: number, to: number | null, sex: Sex): number {
  let n = 0;
  for (const g of groups) {
    const gTo = g.to ?? Infinity;
    const bTo = to ?? Infinity;
    const lo = Math.max(from, g.from);
    const hi = Math.min(bTo, gTo);
    if (hi < lo) continue;
    // An open group (100 or more) lies wholly inside an open band; a closed group is cut by years.
    n += g.to === null ? g[sex] : (g[sex] * (hi - lo + 1)) / (gTo - g.from + 1);
  }
  return n;
}

const CENSUS_TOTAL = peopleAged(0, null, "all");

/**
 * The share of France's population in a profile (person, or person_<band>) and a gender (F, M,
 * All or none), or null when the census states none (profile unknown, gender X or unknown).
 */
export function censusShare(profile: string | undefined, gender: string | undefined): number | null {
  let sex: Sex;
  if (gender === undefined || gender === "All") sex = "all";
  else if (gender === "F") sex = "women";
  else if (gender === "M") sex = "men";
  else return null;
  if (profile === undefined || profile === "All" || profile === "person") return peopleAged(0, null, sex) / CENSUS_TOTAL;
  const m = /^person_(.+)$/.exec(profile);
  if (!m) return null;
  const band = BANDS[m[1].replace(/_/g, " ")];
  if (!band) throw new Error(`census: profile ${profile} is not an age band of the customer table; expected one of ${Object.keys(BANDS).map((b) => `person_${b.replace(/ /g, "_")}`).join(", ")}`);
  return peopleAged(band.from, band.to, sex) / CENSUS_TOTAL;
}

/** The stated population of a class: its area's population times its profile's and gender's share, whole people; null when none is stated. */
export function statedPopulation(areaPopulation: number | undefined, profile: string | undefined, gender: string | undefined): number | null {
  if (areaPopulation === undefined) return null;
  const share = censusShare(profile, gender);
  return share === null ? null : Math.round(areaPopulation * share);
}

/** INSEE legal population of each région (2-digit code), summed over its current communes. */
export function regionPopulations(): { code: string; population: number }[] {
  const file = path.join(path.dirname(require.resolve(`${PACKAGE}/package.json`)), "data", "communes.json");
  const communes = JSON.parse(readFileSync(file, "utf8")) as { type: string; region?: string; population?: number }[];
  const byRegion = new Map<string, number>();
  for (const c of communes) {
    if (c.type !== "commune-actuelle" || !c.region || c.region.length !== 2) continue;
    byRegion.set(c.region, (byRegion.get(c.region) ?? 0) + (c.population ?? 0));
  }
  return [...byRegion.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, population]) => ({ code, population }));
}

/** Where the stated population comes from, in words for the assessment (no date: the package's version names the vintage). */
export function censusSources(): { geography: string; ageStructure: string; split: string } {
  const version = (JSON.parse(readFileSync(require.resolve(`${PACKAGE}/package.json`), "utf8")) as { version: string }).version;
  return {
    geography: `INSEE legal populations of the communes, summed by région, as the npm package ${PACKAGE} ${version} carries them (its README names the INSEE tables; Mayotte from INSEE's 2017 census)`,
    ageStructure: ageStructure.source,
    split: ageStructure.splitAssumption,
  };
}
