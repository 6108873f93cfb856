/**
 * Re-identification risk of the customer table (the only table about natural persons' profiles),
 * on its equivalence classes: each published detail cell (area x age band, and gender when
 * published) is the class of the customers sharing those quasi-identifiers, of size f = its
 * contributors (the sample), while F is the number of people in France who share them, customers
 * or not (the population, stated by census.ts from INSEE's legal populations and census age
 * structure). Models (El Emam & Dankar 2008; ARX):
 *   prosecutor: the intruder knows the target is a customer, so is in the release: risk 1/f;
 *               max = 1/min f, average = classes / records. Sample only.
 *   journalist: the intruder knows the target only as a person of the population: risk 1/F;
 *               max = 1/min F.
 *   marketer:   the expected share of records re-identified by matching every record against
 *               the population: (1/n) sum over classes of f/F.
 * A class with no stated population (abroad, unknown area or profile, a gender the census does
 * not count) takes F = f: as if every such person were a customer, the conservative assumption,
 * under which its journalist and marketer risks equal its prosecutor risk. F is never taken below
 * f (a class cannot hold more customers than people). Suppressed cells release no class and are
 * left out; the "before suppression" figures show what the frequency rule removed.
 */
export interface RiskClass {
  key: string;
  sample: number;
  /** People sharing the class's attributes, stated by a census; null when none is stated. */
  population: number | null;
  published: boolean;
}

export interface RiskFigures {
  classes: number;
  records: number;
  prosecutorMax: number;
  prosecutorAverage: number;
  /** Over every class, those without a stated population taken at F = f. */
  journalistMax: number;
  /** Over the classes with a stated population only; null when there is none. */
  journalistMaxStated: number | null;
  marketer: number;
  smallestClass: number;
  /** The smallest stated population F of a class; null when there is none. */
  smallestPopulation: number | null;
  statedClasses: number;
  /** Classes with no stated population, their records, and their keys (area|profile|gender). */
  fallbackClasses: number;
  fallbackRecords: number;
  fallbackKeys: string[];
}

/** Where the stated population comes from, as the report cites it. */
export interface PopulationSource {
  geography: string;
  ageStructure: string;
  split: string;
}

export interface RiskReport {
  published: RiskFigures;
  beforeSuppression: RiskFigures;
  threshold: number;
  source: PopulationSource | null;
}

function figures(classes: readonly RiskClass[]): RiskFigures {
  const records = classes.reduce((n, c) => n + c.sample, 0);
  const stated = classes.filter((c) => c.population !== null);
  const fallback = classes.filter((c) => c.population === null);
  const population = (c: RiskClass) => Math.max(c.population ?? c.sample, c.sample);
  const base = {
    statedClasses: stated.length,
    fallbackClasses: fallback.length,
    fallbackRecords: fallback.reduce((n, c) => n + c.sample, 0),
    fallbackKeys: fallback.map((c) => c.key).sort(),
  };
  if (classes.length === 0 || records === 0) {
    return { classes: 0, records: 0, prosecutorMax: 0, prosecutorAverage: 0, journalistMax: 0, journalistMaxStated: null, marketer: 0, smallestClass: 0, smallestPopulation: null, ...base };
  }
  const smallestStated = stated.length === 0 ? null : Math.min(...stated.map(population));
  return {
    classes: classes.length,
    records,
    prosecutorMax: 1 / Math.min(...classes.map((c) => c.sample)),
    prosecutorAverage: classes.length / records,
    journalistMax: 1 / Math.min(...classes.map(population)),
    journalistMaxStated: smallestStated === null ? null : 1 / smallestStated,
    marketer: classes.reduce((s, c) => s + c.sample / population(c), 0) / records,
    smallestClass: Math.min(...classes.map((c) => c.sample)),
    smallestPopulation: smallestStated,
    ...base,
  };
}

export function reidentificationRisk(classes: readonly RiskClass[], threshold: number, source: PopulationSource | null = null): RiskReport {
  return {
    published: figures(classes.filter((c) => c.published && c.sample > 0)),
    beforeSuppression: figures(classes.filter((c) => c.sample > 0)),
    threshold,
    source,
  };
}
