/**
 * Re-identification risk of the customer table (the only table about natural persons' profiles),
 * on its equivalence classes: each published detail cell (area x age band x gender) is the class
 * of the customers sharing those quasi-identifiers, of size f = its contributors (the sample),
 * while F is the number of such persons among all customers in the warehouse (the population).
 * Models (El Emam & Dankar 2008; ARX):
 *   prosecutor: the intruder knows the target is in the release: risk 1/f; max = 1/min f,
 *               average = classes / records;
 *   journalist: the intruder knows the target is in the population only: risk 1/F; max = 1/min F;
 *   marketer:   the expected share of records re-identified by matching everything:
 *               (1/n) sum over classes of f/F.
 * Suppressed cells release no class and are left out; the "before suppression" figures show
 * what the frequency rule removed.
 */
export interface RiskClass {
  key: string;
  sample: number;
  population: number;
  published: boolean;
}

export interface RiskFigures {
  classes: number;
  records: number;
  prosecutorMax: number;
  prosecutorAverage: number;
  journalistMax: number;
  marketer: number;
  smallestClass: number;
}

export interface RiskReport {
  published: RiskFigures;
  beforeSuppression: RiskFigures;
  threshold: number;
}

function figures(classes: readonly RiskClass[]): RiskFigures {
  const records = classes.reduce((n, c) => n + c.sample, 0);
  if (classes.length === 0 || records === 0) {
    return { classes: 0, records: 0, prosecutorMax: 0, prosecutorAverage: 0, journalistMax: 0, marketer: 0, smallestClass: 0 };
  }
  const smallest = Math.min(...classes.map((c) => c.sample));
  const smallestPopulation = Math.min(...classes.map((c) => Math.max(c.population, c.sample)));
  const marketer = classes.reduce((s, c) => s + c.sample / Math.max(c.population, c.sample), 0) / records;
  return {
    classes: classes.length,
    records,
    prosecutorMax: 1 / smallest,
    prosecutorAverage: classes.length / records,
    journalistMax: 1 / smallestPopulation,
    marketer,
    smallestClass: smallest,
  };
}

export function reidentificationRisk(classes: readonly RiskClass[], threshold: number): RiskReport {
  return { published: figures(classes.filter((c) => c.published && c.sample > 0)), beforeSuppression: figures(classes.filter((c) => c.sample > 0)), threshold };
}
