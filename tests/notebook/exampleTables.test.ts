import { cellIndex, cubeTable, TOTAL } from "../../lib/notebook/exampleTables";
import { protectTable } from "../../lib/opendata/confidentiality/index";

// The teaching tables of notebook 07: a reader adds up the margins by hand and must find what
// the table says.
const leaves: Record<string, { value: number; contributors: number; top?: number }> = {
  "R1|tools": { value: 400, contributors: 2, top: 390 },
  "R1|garden": { value: 300, contributors: 5 },
  "R2|tools": { value: 500, contributors: 6 },
  "R2|garden": { value: 200, contributors: 4 },
};
const table = cubeTable("example", "business", [{ name: "region", codes: ["R1", "R2"] }, { name: "category", codes: ["tools", "garden"] }], ([r, c]) => leaves[`${r}|${c}`]);

test("every interior cell and every margin is a cell, the margins summed from the interior", () => {
  expect(table.cells).toHaveLength(9);
  const at = (region: string, category: string) => table.cells[cellIndex(table, { region, category })];
  expect(at("R1", TOTAL).measures.net_amount).toBe(700);
  expect(at(TOTAL, "tools").measures.net_amount).toBe(900);
  expect(at(TOTAL, TOTAL).measures.net_amount).toBe(1400);
  expect(at(TOTAL, TOTAL).contributors).toBe(17);
  // The largest contributor of a margin is the largest of its cells'.
  expect(at("R1", TOTAL).topContribution).toBe(390);
  expect(at("R2", TOTAL).topContribution).toBeCloseTo(500 / 6, 9);
  expect(table.dimensions).toEqual([{ name: "region", total: TOTAL }, { name: "category", total: TOTAL }]);
});

test("other measures add up like the first", () => {
  const t = cubeTable("orders", "person", [{ name: "area", codes: ["N", "S"] }], ([a]) => ({ value: a === "N" ? 10 : 20, contributors: 3, extra: { orders: a === "N" ? 1 : 2 } }), [
    { name: "net_amount", kind: "amount", sign: "signed" },
    { name: "orders", kind: "count", sign: "nonNegative" },
  ]);
  expect(t.cells[cellIndex(t, { area: TOTAL })].measures).toEqual({ net_amount: 30, orders: 3 });
});

test("a code named like the total, or a cell that does not exist, is refused with its name", () => {
  expect(() => cubeTable("bad", "person", [{ name: "area", codes: ["All"] }], () => ({ value: 1, contributors: 1 }))).toThrow("area lists the total code All");
  expect(() => cellIndex(table, { region: "R9", category: "tools" })).toThrow('no cell {"region":"R9","category":"tools"} in example');
});

// Notebook 07's dominance example: every cell passes the businesses' frequency rule, yet paint's
// largest supplier holds 920 of 1,000 = 92 % > 85 %: the rule must fire on it and on it alone.
test("the dominance example of notebook 07 fires the dominance rule", async () => {
  const leaves: Record<string, { value: number; contributors: number; top: number }> = {
    tools: { value: 1200, contributors: 8, top: 300 },
    garden: { value: 900, contributors: 6, top: 250 },
    paint: { value: 1000, contributors: 5, top: 920 },
  };
  const t = cubeTable("dominance", "business", [{ name: "category", codes: ["tools", "garden", "paint"] }], ([k]) => leaves[k]);
  const r = await protectTable(t);
  const status = (category: string) => r.cells[cellIndex(t, { category })].status;
  expect(status("paint")).toBe("primary_dominance");
  expect(r.cells.filter((c) => c.status === "primary_dominance")).toHaveLength(1);
  expect(status(TOTAL)).not.toBe("primary_dominance");
  expect(r.cells[cellIndex(t, { category: "paint" })].flag).toBe("c");
  expect(r.audit.passed).toBe(true);
});
