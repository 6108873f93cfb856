import { auditPattern, CellInput, protectTable, TableInput } from "../../../lib/opendata/confidentiality";
import { ALL, cellOf, cubeTable } from "./tables";

/** Sales by category with a published total; category A has 2 suppliers (business rule: 3). */
const byCategory = cubeTable("by_category", "business", [{ name: "category", codes: ["A", "B", "C", "D"] }], ([c]) =>
  ({ A: { value: 400, contributors: 2 }, B: { value: 300, contributors: 9 }, C: { value: 200, contributors: 8 }, D: { value: 700, contributors: 12 } })[c]!,
);

/** 3 x 3 interior with row and column totals; only (r1, c1) has too few suppliers. */
const grid = cubeTable(
  "grid",
  "business",
  [
    { name: "row", codes: ["r1", "r2", "r3"] },
    { name: "col", codes: ["c1", "c2", "c3"] },
  ],
  ([r, c]) => {
    const values: Record<string, number> = { r1c1: 120, r1c2: 90, r1c3: 300, r2c1: 80, r2c2: 60, r2c3: 250, r3c1: 200, r3c2: 150, r3c3: 400 };
    return { value: values[r + c], contributors: r === "r1" && c === "c1" ? 1 : 10 };
  },
);

function suppressedKeys(result: { cells: { dims: Record<string, string>; status: string }[] }): string[] {
  return result.cells.filter((c) => c.status !== "published").map((c) => Object.values(c.dims).join("/")).sort();
}

describe("secondary suppression, 1 dimension with a total", () => {
  it("naive primary-only suppression leaks the cell as total minus the others, and the audit says so", async () => {
    const naive = await protectTable(byCategory, { secondary: false });
    expect(suppressedKeys(naive)).toEqual(["A"]);
    expect(naive.audit.passed).toBe(false);
    const a = naive.audit.exposed.find((i) => i.key === "category=A")!;
    // 1600 - 300 - 200 - 700 = 400: recomputed exactly.
    expect(a.lower).toBeCloseTo(400, 6);
    expect(a.upper).toBeCloseTo(400, 6);
  });

  it("adds a complementary cell, and the audit proves A is no longer recomputable", async () => {
    const safe = await protectTable(byCategory);
    expect(safe.audit.passed).toBe(true);
    // The smallest interior cell able to absorb 10 % of 400: C (200), not the total.
    expect(suppressedKeys(safe)).toEqual(["A", "C"]);
    const a = safe.audit.intervals.find((i) => i.key === "category=A")!;
    expect(a.lower).toBeCloseTo(0, 6);
    expect(a.upper).toBeCloseTo(600, 6); // A + C = 600, C >= 0
    expect(safe.cells[cellOf(byCategory, { category: "C" })].status).toBe("secondary");
    expect(safe.cells[cellOf(byCategory, { category: ALL })].status).toBe("published");
  });
});

describe("secondary suppression, 2 dimensions with row and column totals", () => {
  it("one extra cell in the row is not enough: the column totals pin both", async () => {
    const rowOnly = await auditPattern([grid], (_, i) => {
      const d = grid.cells[i].dims;
      return d.row === "r1" && (d.col === "c1" || d.col === "c2");
    });
    expect(rowOnly.passed).toBe(false);
    const exposedKeys = rowOnly.exposed.map((e) => e.key).sort();
    expect(exposedKeys).toEqual(["col=c1|row=r1", "col=c2|row=r1"]);
    const pinned = rowOnly.exposed.find((e) => e.key === "col=c1|row=r1")!;
    expect(pinned.upper - pinned.lower).toBeLessThan(1e-6);
  });

  it("protects with a rectangle of 4 interior cells, which the audit accepts", async () => {
    const safe = await protectTable(grid);
    expect(safe.audit.passed).toBe(true);
    const hidden = safe.cells.filter((c) => c.status !== "published").map((c) => c.dims);
    expect(hidden).toHaveLength(4);
    expect(hidden.every((d) => d.row !== ALL && d.col !== ALL)).toBe(true);
    const rows = new Set(hidden.map((d) => d.row));
    const cols = new Set(hidden.map((d) => d.col));
    expect(rows.size).toBe(2);
    expect(cols.size).toBe(2);
    expect(rows.has("r1") && cols.has("c1")).toBe(true);
    const primary = safe.audit.intervals.find((i) => i.key === "col=c1|row=r1")!;
    expect(primary.lower).toBeLessThanOrEqual(0.9 * 120);
    expect(primary.upper).toBeGreaterThanOrEqual(1.1 * 120);
  });

  it("iterates with the audit when every relation has two suppressed cells but one is too small to hide the other", async () => {
    // A (1000) and B (5) are both primary: no relation has a single suppressed cell, so the
    // singleton heuristic adds nothing, yet A + B = 1005 is published by subtraction and A is
    // pinned within [0, 1005], less than the 1100 its 10 % interval needs.
    const pair = cubeTable("pair", "business", [{ name: "category", codes: ["A", "B", "C", "D"] }], ([c]) =>
      ({ A: { value: 1000, contributors: 1 }, B: { value: 5, contributors: 2 }, C: { value: 300, contributors: 9 }, D: { value: 200, contributors: 9 } })[c]!,
    );
    const naive = await protectTable(pair, { secondary: false });
    const exposedA = naive.audit.exposed.find((i) => i.key === "category=A")!;
    expect(exposedA.upper).toBeCloseTo(1005, 6);
    expect(exposedA.violated).toBe("upper");

    const safe = await protectTable(pair);
    expect(safe.rounds).toBeGreaterThan(1);
    expect(safe.audit.passed).toBe(true);
    expect(safe.secondaryCount).toBeGreaterThanOrEqual(1);
    const a = safe.audit.intervals.find((i) => i.key === "category=A")!;
    expect(a.upper).toBeGreaterThanOrEqual(1100);
  });
});

describe("hierarchical totals", () => {
  // département -> région -> All, crossed with category; D01 x X has 2 carriers.
  const parent = { D01: "R84", D38: "R84", D13: "R93", D06: "R93" };
  const leaves: Record<string, number> = { D01X: 500, D01Y: 410, D38X: 350, D38Y: 220, D13X: 610, D13Y: 330, D06X: 290, D06Y: 180 };
  const cells: CellInput[] = [];
  const regionCodes = ["D01", "D38", "D13", "D06", "R84", "R93", ALL];
  const under = (code: string, leaf: string): boolean => code === ALL || code === leaf || parent[leaf as keyof typeof parent] === code;
  for (const region of regionCodes) {
    for (const category of ["X", "Y", ALL]) {
      let value = 0;
      let contributors = 0;
      for (const d of Object.keys(parent)) {
        for (const c of ["X", "Y"]) {
          if (under(region, d) && (category === ALL || category === c)) {
            value += leaves[d + c];
            contributors += d === "D01" && c === "X" ? 2 : 6;
          }
        }
      }
      cells.push({ dims: { region, category }, measures: { net_amount: value }, contributors, topContribution: value / contributors });
    }
  }
  const table: TableInput = {
    name: "by_departement",
    population: "business",
    dimensions: [{ name: "region", total: ALL, parent }, { name: "category", total: ALL }],
    measures: [{ name: "net_amount", kind: "amount", sign: "nonNegative" }],
    cells,
  };

  it("uses the intermediate level: a pattern safe without région totals leaks through them", async () => {
    // Hiding both categories of D01 and of D13 closes every relation over the flat list of
    // départements, but with R84 = D01 + D38 published, D01 x X = R84 x X - D38 x X.
    const pattern = (dims: Record<string, string>): boolean => (dims.region === "D01" || dims.region === "D13") && dims.category !== ALL;
    const withoutRegions: TableInput = {
      ...table,
      name: "by_departement_flat",
      dimensions: [{ name: "region", total: ALL }, { name: "category", total: ALL }],
      cells: cells.filter((c) => !c.dims.region.startsWith("R")),
    };
    const flat = await auditPattern([withoutRegions], (_, i) => pattern(withoutRegions.cells[i].dims));
    expect(flat.passed).toBe(true);
    const hierarchical = await auditPattern([table], (_, i) => pattern(cells[i].dims));
    expect(hierarchical.passed).toBe(false);
    expect(hierarchical.exposed.map((e) => e.key)).toContain("category=X|region=D01");
  });

  it("protects the département cell through every level of the hierarchy", async () => {
    const safe = await protectTable(table);
    expect(safe.audit.passed).toBe(true);
    const hidden = safe.cells.filter((c) => c.status !== "published").map((c) => `${c.dims.region}/${c.dims.category}`);
    expect(hidden).toContain("D01/X");
    // Within région 84 another département must hide too, or R84 - D38 gives D01 back.
    expect(hidden.some((h) => h.startsWith("D38/"))).toBe(true);
  });
});
