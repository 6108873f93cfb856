import { reidentificationRisk } from "../../lib/opendata/assessment/risk";

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
