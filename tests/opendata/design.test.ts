/**
 * The design ladder (lib/opendata/design.ts) tests a rung's tables against the target one at a
 * time, and rules the rung out at the first over it, so that a rung ruled out by a table already
 * extracted costs no extraction of the others. That is the rule of the whole group only if a
 * table's primary loss is the same alone as with its group: checked here at every rung of every
 * ladder, on the run's generated warehouse; and the measurements a run records say which table
 * ruled each rung out.
 */
import { chooseDesigns, designTable, primaryLoss } from "../../lib/opendata/design";
import { loadDatasets, loadDesigns } from "../../lib/opendata/model/datasets";
import { extractionKey, extractRows, type ExtractRow } from "../../lib/opendata/model/extract";
import { POLICY } from "../../lib/policy";
import { onGeneratedMarts } from "./pipeline";

jest.setTimeout(600_000);

test("a table's primary loss is the same tested alone as with its group, at every rung of every ladder", async () => {
  await onGeneratedMarts(async (conn) => {
    const datasets = loadDatasets();
    // Each query once per set of the parameters it reads, as the ladder extracts them.
    const extracted = new Map<string, ExtractRow[]>();
    let compared = 0;
    for (const g of loadDesigns(datasets)) {
      if (g.rungs.length === 1 || g.datasets.length === 1) continue;
      for (const rung of g.rungs) {
        const inputs = [];
        for (const name of g.datasets) {
          const ds = datasets.find((d) => d.dataset === name)!;
          const key = extractionKey(ds, rung.params);
          if (!extracted.has(key)) extracted.set(key, await extractRows(conn, ds, rung.params));
          inputs.push(designTable(ds, rung, extracted.get(key)!).input);
        }
        const together = primaryLoss(inputs);
        inputs.forEach((input, t) => expect(primaryLoss([input])).toEqual([together[t]]));
        compared += inputs.length;
      }
    }
    // Both groups of several tables (sales: three tables, eight rungs) were compared.
    expect(compared).toBeGreaterThanOrEqual(24);
  });
});

test("a rung ruled out by primary suppression names the table over the target; the tables tested before it are within it", async () => {
  await onGeneratedMarts(async (conn) => {
    const datasets = loadDatasets();
    const groups = loadDesigns(datasets);
    const { measurements, choices } = await chooseDesigns(conn, datasets, groups, 1, () => undefined);
    const target = POLICY.publication.maxSuppressedCellsPercent;
    const ruledOut = measurements.filter((m) => m.skipped?.includes("primary suppression alone hides"));
    expect(ruledOut.length).toBeGreaterThan(0);
    for (const m of ruledOut) {
      const over = m.tables.filter((t) => t.suppressedPercent > target);
      expect(over).toHaveLength(1);
      expect(m.skipped!.startsWith(`${over[0].table}:`)).toBe(true);
      // Recorded in the group's order, each table at most once.
      const order = groups.find((g) => g.group === m.group)!.datasets;
      const names = m.tables.map((t) => t.table);
      expect(names).toEqual(order.filter((n) => names.includes(n)));
    }
    // A protected rung is measured on every table of its group.
    for (const m of measurements.filter((x) => x.skipped === null)) {
      expect(m.tables.map((t) => t.table)).toEqual(groups.find((g) => g.group === m.group)!.datasets);
    }
    expect(choices.map((c) => c.group)).toEqual([...groups.map((g) => g.group)].sort());
  });
});
