import * as path from "node:path";
import { projectRoot } from "../../lib/io/paths";
import { START_UP, stepLabel, stepsFromLog } from "../../lib/bench/steps";

describe("where a stage's time goes (lib/bench/steps.ts)", () => {
  test("each message closes the step before it; repeated labels add up; longest first", () => {
    const marks = [
      { at: 0.5, message: "▶ warehouse" },
      { at: 2.5, message: "warehouse: staging done" },
      { at: 12.5, message: "warehouse: fact_sales 870690 rows" },
      { at: 13.0, message: "warehouse: fact_sales done" },
      { at: 14.0, message: "warehouse: staging done" },
      { at: 20.0, message: "✔ warehouse: 870690 sales lines (20.0 s)" },
    ];
    expect(stepsFromLog(marks, 21, "warehouse")).toEqual([
      { label: "fact_sales 870690 rows", seconds: 10 },
      // "after staging": the silent work between the last message and the stage's summary, and after it.
      { label: "after staging", seconds: 7 },
      { label: "staging", seconds: 3 },
      { label: "fact_sales", seconds: 0.5 },
      { label: START_UP, seconds: 0.5 },
    ]);
    expect(stepsFromLog(marks, 21, "warehouse", 2).map((s) => s.label)).toEqual(["fact_sales 870690 rows", "after staging"]);
  });

  test("the steps account for the whole stage", () => {
    const marks = [1, 4, 9].map((at, i) => ({ at, message: `split: step ${i}` }));
    const total = stepsFromLog(marks, 10, "split", 100).reduce((t, s) => t + s.seconds, 0);
    expect(total).toBeCloseTo(10, 5);
  });

  test("labels hold no absolute path", () => {
    const inside = path.join(projectRoot(), "outputs", "bench", "cache", "raw.csv.gz");
    expect(stepLabel(`split: read ${inside}`, "split")).toBe("read outputs/bench/cache/raw.csv.gz");
    expect(stepLabel("warehouse: created new keys in /tmp/workbook-bench-keys-Xid7KQ (owner-only)", "warehouse")).toBe(
      "created new keys in …/workbook-bench-keys-Xid7KQ (owner-only)",
    );
    expect(stepLabel("opendata: 6 datasets, 1/2 done", "opendata")).toBe("6 datasets, 1/2");
  });
});
