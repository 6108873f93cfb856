import { salesRowWaterfall, waterfallBars } from "../../lib/notebook/waterfall";
import type { CleanManifest } from "../../lib/cleanse/cleanse";
import type { SplitManifest } from "../../lib/split/split";

const split = { records: { read: 100, sale: 80, stock: 15, rejected: 5 } } as unknown as SplitManifest;
const clean = { entities: { order_lines: { rowsIn: 80, rowsKept: 70, rowsRejected: 10, rejectedByReason: { DUPLICATE_EXACT: 6, MISSING_QUANTITY: 4 }, flaggedByReason: {} } } } as unknown as CleanManifest;

test("the row waterfall accounts for every record from the export to fact_sales", () => {
  const steps = salesRowWaterfall(split, clean, 70);
  expect(steps.map((s) => [s.label, s.rows])).toEqual([
    ["records in the export", 100],
    ["stock snapshots (another fact)", 15],
    ["records set aside by the splitter", 5],
    ["order lines staged", 80],
    ["not kept: DUPLICATE_EXACT", 6],
    ["not kept: MISSING_QUANTITY", 4],
    ["order lines kept", 70],
    ["rows of fact_sales", 70],
  ]);
  // Each floating bar ends where the next total starts: the steps add up.
  const bars = waterfallBars(steps);
  expect(bars[2].end).toBe(80);
  expect(bars[5].end).toBe(70);
});

test("a load that lost rows shows it as its own step", () => {
  const steps = salesRowWaterfall(split, clean, 68);
  expect(steps.find((s) => s.label === "lost by the load")).toEqual({ label: "lost by the load", kind: "decrease", rows: 2 });
});
