import { reidentificationRisk } from "../../lib/opendata/assessment/risk";
import { chooseGrain } from "../../lib/opendata/generalise";

describe("re-identification risk on equivalence classes (known answers)", () => {
  const classes = [
    { key: "a", sample: 20, population: 40, published: true },
    { key: "b", sample: 12, population: 12, published: true },
    { key: "c", sample: 3, population: 10, published: false },
  ];
  test("prosecutor, journalist and marketer on the published classes", () => {
    const r = reidentificationRisk(classes, 11).published;
    expect(r.classes).toBe(2);
    expect(r.records).toBe(32);
    expect(r.prosecutorMax).toBeCloseTo(1 / 12);
    expect(r.prosecutorAverage).toBeCloseTo(2 / 32);
    expect(r.journalistMax).toBeCloseTo(1 / 12);
    expect(r.marketer).toBeCloseTo((20 / 40 + 12 / 12) / 32);
  });
  test("before suppression, the small class dominates the prosecutor risk", () => {
    expect(reidentificationRisk(classes, 11).beforeSuppression.prosecutorMax).toBeCloseTo(1 / 3);
  });
});

describe("choosing the time grain by measuring", () => {
  const m = (grain: "month" | "quarter" | "year", pct: number) => ({ dataset: "d", grain, cells: 0, detailCells: 0, detailPrimary: 0, detailPrimaryPercent: pct });
  test("the finest grain within the threshold, else the coarsest", () => {
    expect(chooseGrain(["month", "quarter", "year"], [m("month", 49), m("quarter", 25), m("year", 10)])).toBe("quarter");
    expect(chooseGrain(["month", "quarter", "year"], [m("month", 90), m("quarter", 80), m("year", 70)])).toBe("year");
  });
});
