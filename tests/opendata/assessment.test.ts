import { reidentificationRisk } from "../../lib/opendata/assessment/risk";
import { censusShare, censusSources, regionPopulations, statedPopulation } from "../../lib/opendata/assessment/census";
import ageStructure from "../../lib/opendata/assessment/census-age-structure.json";

describe("re-identification risk on equivalence classes (known answers)", () => {
  // a: a French class, 20 customers among 40,000 people; b: a class abroad (no stated
  // population, so F = f); c: a small class suppressed by the frequency rule.
  const classes = [
    { key: "a", sample: 20, population: 40000, published: true },
    { key: "b", sample: 12, population: null, published: true },
    { key: "c", sample: 3, population: 5000, published: false },
  ];
  test("prosecutor from the sample, journalist and marketer from the stated population", () => {
    const r = reidentificationRisk(classes, 11).published;
    expect(r.classes).toBe(2);
    expect(r.records).toBe(32);
    expect(r.prosecutorMax).toBeCloseTo(1 / 12, 10);
    expect(r.prosecutorAverage).toBeCloseTo(2 / 32, 10);
    // every class: the class abroad, at F = f = 12, is the journalist's easiest target
    expect(r.journalistMax).toBeCloseTo(1 / 12, 10);
    // the classes with a stated population: 1 / 40,000
    expect(r.journalistMaxStated).toBeCloseTo(0.000025, 12);
    // (20 / 40,000 + 12 / 12) / 32 = 0.031265625
    expect(r.marketer).toBeCloseTo(0.031265625, 12);
    expect(r.smallestPopulation).toBe(40000);
    expect([r.statedClasses, r.fallbackClasses, r.fallbackRecords]).toEqual([1, 1, 12]);
    expect(r.fallbackKeys).toEqual(["b"]);
  });
  test("the three models differ once the population is stated", () => {
    const r = reidentificationRisk([{ key: "a", sample: 20, population: 40000, published: true }], 11).published;
    expect(r.prosecutorMax).toBeCloseTo(1 / 20, 10);
    expect(r.journalistMax).toBeCloseTo(1 / 40000, 12);
    expect(r.marketer).toBeCloseTo(20 / 40000 / 20, 12);
  });
  test("before suppression, the small class dominates the prosecutor risk", () => {
    const b = reidentificationRisk(classes, 11).beforeSuppression;
    expect(b.prosecutorMax).toBeCloseTo(1 / 3, 10);
    expect(b.journalistMaxStated).toBeCloseTo(1 / 5000, 12);
  });
  test("a population below the sample is taken at the sample: no class holds more customers than people", () => {
    const r = reidentificationRisk([{ key: "a", sample: 20, population: 5, published: true }], 11).published;
    expect(r.marketer).toBeCloseTo(1 / 20, 10);
    expect(r.journalistMax).toBeCloseTo(1 / 20, 10);
  });
});

describe("the stated population (INSEE census)", () => {
  test("the census table adds up to its stated totals (within the rounding of each group)", () => {
    for (const sex of ["men", "women", "all"] as const) {
      const sum = ageStructure.groups.reduce((n, g) => n + g[sex], 0);
      expect(Math.abs(sum - ageStructure.total[sex])).toBeLessThanOrEqual(ageStructure.groups.length);
    }
  });
  test("an age band's people, by hand from the census groups", () => {
    // 25-34 = the 25-29 and 30-34 groups; total = sum of the 21 groups' `all`
    expect(statedPopulation(1_000_000, "person_25-34", "All")).toBe(Math.round((1e6 * (3834453 + 4058365)) / 66732540));
    expect(statedPopulation(1_000_000, "person_25-34", undefined)).toBe(118275);
    // women under 18 = the 0-4, 5-9, 10-14 groups and 3/5 of the 15-19 group
    expect(statedPopulation(500_000, "person_under_18", "F")).toBe(Math.round((500000 * (1834890 + 2012989 + 2023976 + 0.6 * 2007360)) / 66732540));
    expect(statedPopulation(500_000, "person_under_18", "F")).toBe(53020);
  });
  test("the bands and sexes partition the census", () => {
    const bands = ["under_18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"];
    const sum = (g: string) => bands.reduce((s, b) => s + censusShare(`person_${b}`, g)!, 0);
    expect(sum("All")).toBeCloseTo(1, 12);
    // men + women differ from "all" by the census rounding of each group (a few people in 66 million)
    expect(sum("F") + sum("M")).toBeCloseTo(1, 6);
    expect(censusShare("person", "All")).toBeCloseTo(1, 12);
  });
  test("no stated population abroad, for an unknown profile, or a gender the census does not count", () => {
    expect(statedPopulation(undefined, "person_25-34", "All")).toBeNull();
    expect(statedPopulation(1_000_000, "unknown", "All")).toBeNull();
    expect(statedPopulation(1_000_000, "person_25-34", "X")).toBeNull();
    expect(statedPopulation(1_000_000, "person_25-34", "unknown")).toBeNull();
    expect(() => censusShare("person_26-30", "All")).toThrow(/not an age band/);
  });
  test("the régions' legal populations come from the package, and its version is cited", () => {
    const regions = regionPopulations();
    expect(regions.map((r) => r.code)).toEqual(["01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]);
    for (const r of regions) expect(r.population).toBeGreaterThan(100_000);
    const version = require("@etalab/decoupage-administratif/package.json").version as string;
    expect(censusSources().geography).toContain(version);
    expect(censusSources().ageStructure).toContain("Recensement de la population 2018");
  });
});
