import { auditPattern, protectTable, TableInput } from "../../../lib/opendata/confidentiality";
import { boundScaleExponent, violation } from "../../../lib/opendata/confidentiality/audit";
import { ALL, cubeTable, prng, randomGrid } from "./tables";

const loadHighs = require("highs");

const categories = (values: Record<string, [number, number]>) =>
  cubeTable("by_category", "business", [{ name: "category", codes: Object.keys(values) }], ([c]) => ({ value: values[c][0], contributors: values[c][1] }));

function hide(table: TableInput, codes: string[]) {
  return (_: number, i: number) => codes.includes(table.cells[i].dims.category);
}

describe("audit intervals", () => {
  it("computes the exact feasible interval of each suppressed cell", async () => {
    // T = 100 = A + B + C, A (30) and B (20) hidden, C = 50 published: A + B = 50.
    const t = categories({ A: [30, 1], B: [20, 5], C: [50, 5] });
    const report = await auditPattern([t], hide(t, ["A", "B"]));
    const a = report.intervals.find((i) => i.key === "category=A")!;
    const b = report.intervals.find((i) => i.key === "category=B")!;
    expect([a.lower, a.upper]).toEqual([0, 50]);
    expect([b.lower, b.upper]).toEqual([0, 50]);
    expect(report.passed).toBe(true);
    expect(report.solves).toBe(4);
  });

  it("catches a hand-made pattern that leaks a cell to within 5 %", async () => {
    // A (100) hidden with B (4): A + B = 104, so A is known to be at most 104, 4 % above it.
    const t = categories({ A: [100, 1], B: [4, 5], C: [500, 5], D: [396, 5] });
    const report = await auditPattern([t], hide(t, ["A", "B"]));
    expect(report.passed).toBe(false);
    const a = report.exposed.find((i) => i.key === "category=A")!;
    expect(a.exposed).toBe(true);
    expect(a.violated).toBe("upper");
    expect(a.lower).toBeCloseTo(0, 9);
    expect(a.upper).toBeCloseTo(104, 9);
    // B itself is fine: it can be anything in [0, 104].
    expect(report.intervals.find((i) => i.key === "category=B")!.exposed).toBe(false);
  });

  it("fails a pattern that leaves a primary cell published", async () => {
    const t = categories({ A: [100, 1], B: [40, 5], C: [60, 5] });
    const report = await auditPattern([t], hide(t, ["B", "C"]));
    expect(report.publishedPrimary).toEqual(["category=A"]);
    expect(report.passed).toBe(false);
  });

  it("defines protection for negative values (signed measure) as the same band around v", async () => {
    const signed: TableInput = {
      name: "returns",
      population: "business",
      dimensions: [{ name: "category", total: ALL }],
      measures: [{ name: "net_amount", kind: "amount", sign: "signed" }],
      cells: [
        { dims: { category: "A" }, measures: { net_amount: -50 }, contributors: 2, topContribution: 60, absoluteTotal: 70 },
        { dims: { category: "B" }, measures: { net_amount: 80 }, contributors: 5, topContribution: 20, absoluteTotal: 90 },
        { dims: { category: "C" }, measures: { net_amount: 30 }, contributors: 5, topContribution: 10, absoluteTotal: 40 },
        { dims: { category: ALL }, measures: { net_amount: 60 }, contributors: 12, topContribution: 60, absoluteTotal: 200 },
      ],
    };
    const alone = await auditPattern([signed], hide(signed, ["A"]));
    const pinned = alone.exposed.find((i) => i.key === "category=A")!;
    expect(pinned.violated).toBe("both");
    expect(pinned.lower).toBeCloseTo(-50, 9);

    const protectedTable = await protectTable(signed);
    expect(protectedTable.audit.passed).toBe(true);
    const a = protectedTable.audit.intervals.find((i) => i.key === "category=A")!;
    // -50 - 5 and -50 + 5 must both stay possible; the a-priori bound is +/- 2 x 200.
    expect(a.lower).toBeLessThanOrEqual(-55);
    expect(a.upper).toBeGreaterThanOrEqual(-45);
    expect(a.lower).toBeGreaterThanOrEqual(-400);
  });

  it("defines protection for a zero value: a suppressed zero must not be recomputable", async () => {
    const t = categories({ A: [0, 2], B: [40, 5], C: [60, 5] });
    const pinned = await auditPattern([t], hide(t, ["A"]));
    expect(pinned.exposed.map((e) => [e.key, e.violated])).toEqual([["category=A", "point"]]);
    const paired = await auditPattern([t], hide(t, ["A", "B"]));
    const a = paired.intervals.find((i) => i.key === "category=A")!;
    expect([a.lower, a.upper, a.exposed]).toEqual([0, 40, false]);
    // Its partner B (40) is now pinned from above (A + B = 40, A >= 0): a zero gives no cover.
    expect(paired.exposed.map((e) => e.key)).toEqual(["category=B"]);
  });
});

/**
 * An independent formulation, to check the audit against: every cell of a 3-D cube is a variable,
 * published cells fixed by their bounds, and every "margin = sum over one dimension" written from
 * the cube's geometry (not from relations.ts), solved with HiGHS's one-shot API.
 */
async function bruteForceIntervals(table: TableInput, suppressed: Set<string>, dims: string[][]) {
  const highs = await loadHighs();
  const key = (codes: string[]) => codes.join("|");
  const value = new Map(table.cells.map((c) => [key(["d0", "d1", "d2"].map((d) => c.dims[d])), c.measures.net_amount]));
  const name = new Map([...value.keys()].map((k, i) => [k, `v${i}`]));
  const rows: string[] = [];
  for (const k of value.keys()) {
    const codes = k.split("|");
    for (let d = 0; d < 3; d++) {
      if (codes[d] !== ALL) continue;
      const terms = dims[d].map((code) => name.get(key(codes.map((c, i) => (i === d ? code : c))))!);
      rows.push(` ${name.get(k)} - ${terms.join(" - ")} = 0`);
    }
  }
  const bounds = [...value.entries()].map(([k, v]) => (suppressed.has(k) ? ` ${name.get(k)} >= 0` : ` ${name.get(k)} = ${v}`));
  const result = new Map<string, [number, number]>();
  for (const k of suppressed) {
    const solve = (sense: string) => {
      const lp = [sense, ` obj: ${name.get(k)}`, "Subject To", ...rows.map((r, i) => ` c${i}:${r}`), "Bounds", ...bounds, "End"].join("\n");
      const s = highs.solve(lp, { output_flag: false });
      return s.Status === "Unbounded" ? (sense === "Minimize" ? -Infinity : Infinity) : s.ObjectiveValue;
    };
    result.set(k, [solve("Minimize"), solve("Maximize")]);
  }
  return result;
}

it("agrees with an independent full LP on a random 3-D table with all margins", async () => {
  const rand = prng(11);
  const dims = [["a", "b", "c", "d"], ["x", "y", "z"], ["p", "q", "r"]];
  const table = cubeTable(
    "cube",
    "business",
    dims.map((codes, i) => ({ name: `d${i}`, codes })),
    () => ({ value: Math.round(rand() * 1000), contributors: rand() < 0.12 ? 1 : 3 + Math.floor(rand() * 5) }),
  );
  const protectedTable = await protectTable(table);
  expect(protectedTable.audit.passed).toBe(true);
  const hidden = new Set(
    protectedTable.cells.filter((c) => c.status !== "published").map((c) => ["d0", "d1", "d2"].map((d) => c.dims[d]).join("|")),
  );
  expect(hidden.size).toBeGreaterThan(3);
  const expected = await bruteForceIntervals(table, hidden, dims);
  for (const interval of protectedTable.audit.intervals) {
    const k = ["d0", "d1", "d2"].map((d) => interval.dims[d] ?? ALL).join("|");
    const [lower, upper] = expected.get(k)!;
    expect(interval.lower).toBeCloseTo(lower, 5);
    if (Number.isFinite(upper)) expect(interval.upper).toBeCloseTo(upper, 5);
    else expect(interval.upper).toBe(Infinity);
  }
});

describe("proof mode (groups larger than the exact-interval limit)", () => {
  // A grid with enough primary cells that secondary suppression leaves large linked groups,
  // audited with exact intervals and again with the limit at 0 (every group proven).
  const table = randomGrid(14, 16, 11, 0.2);
  // Dense in the first cells (protected), sparse after (singletons a reader can recompute).
  const everyOther = (_: number, i: number) => (i < 120 ? i % 3 === 0 : i % 17 === 0);

  it("reaches the same decision as exact intervals, cell by cell, and its intervals lie inside the exact ones", async () => {
    const exact = await auditPattern([table], everyOther, { exactIntervalsMaxCells: Infinity });
    const proven = await auditPattern([table], everyOther, { exactIntervalsMaxCells: 0 });
    expect(exact.exactCells).toBeGreaterThan(0);
    expect(exact.provenCells).toBe(0);
    expect(proven.provenCells).toBe(exact.exactCells);
    // This pattern leaks some cells and protects others: both kinds of decision are compared.
    expect(exact.exposed.length).toBeGreaterThan(0);
    expect(exact.exposed.length).toBeLessThan(exact.intervals.length);
    expect(proven.exposed.map((i) => i.key)).toEqual(exact.exposed.map((i) => i.key));
    expect(proven.solves).toBeLessThan(exact.solves);
    exact.intervals.forEach((e, k) => {
      const p = proven.intervals[k];
      expect(p.key).toBe(e.key);
      const tolerance = 1e-6 * Math.max(1, Math.abs(e.value));
      expect(p.lower).toBeGreaterThanOrEqual(e.lower - tolerance);
      expect(p.upper).toBeLessThanOrEqual(e.upper + tolerance);
      // An exposed side was solved exactly, so the exposure is reported with the true bound.
      if (p.violated === "lower" || p.violated === "both") expect(p.lower).toBeCloseTo(e.lower, 6);
      if (p.violated === "upper" || p.violated === "both") expect(p.upper).toBeCloseTo(e.upper, 6);
    });
  });

  it("protects a table whose pattern then passes an audit with exact intervals", async () => {
    const result = await protectTable(table, { exactIntervalsMaxCells: 0 });
    expect(result.audit.passed).toBe(true);
    expect(result.audit.exactCells).toBe(0);
    const hidden = new Set(result.cells.flatMap((c, i) => (c.status === "published" ? [] : [i])));
    const check = await auditPattern([table], (_, i) => hidden.has(i), { exactIntervalsMaxCells: Infinity });
    expect(check.passed).toBe(true);
    expect(check.exposed).toEqual([]);
  });
});

describe("bound scaling (large releases)", () => {
  it("scales an LP by the least power of two that brings it under 2^20", () => {
    expect(boundScaleExponent(0)).toBe(0);
    expect(boundScaleExponent(2 ** 20)).toBe(0);
    expect(boundScaleExponent(2 ** 20 + 1)).toBe(1);
    // The sales tables' bound at ten million sale lines.
    expect(boundScaleExponent(6213785232.86)).toBe(13);
    expect(6213785232.86 / 2 ** 13).toBeLessThanOrEqual(2 ** 20);
  });

  it("widens the protection test's tolerance with the scaling, never below 1e-7 relative", () => {
    // A suppressed zero pinned to within 1e-4 is a point once the LP is scaled by 2^-13 (its
    // solver error is then about 1e-7 x 2^13), not when it is solved unscaled.
    expect(violation(0, 0, 1e-4, 10, 13)).toBe("point");
    expect(violation(0, 0, 1e-4, 10, 0)).toBeNull();
    // Cells far larger than 2^k keep the relative tolerance: 1e6 needs [9e5, 1.1e6].
    expect(violation(1e6, 900_001, 1.2e6, 10, 13)).toBe("lower");
    expect(violation(1e6, 900_000, 1.2e6, 10, 13)).toBeNull();
  });

  it("solves every side at the first attempt when the a-priori bound dwarfs the cells", async () => {
    // Cells of 50 to 5,050 whose grand total carries an absolute total of 3.1e9 (returns netted
    // out): the signed bound is 6.2e9, as for the sales tables at ten million sale lines. Unscaled,
    // HiGHS's warm-started solves of such LPs end "unknown" or "infeasible" and fall back to
    // solves from scratch (97 extra solves on this table); scaled, each side takes one solve.
    const rand = prng(11);
    const codes = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const base = cubeTable(
      "hard",
      "business",
      [
        { name: "period", codes: codes("p", 8) },
        { name: "area", codes: codes("a", 8) },
        { name: "category", codes: codes("k", 6) },
      ],
      () => {
        const small = rand() < 0.15;
        const value = Math.round((50 + rand() * 5000) * 100) / 100;
        const contributors = small ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 20);
        return { value, contributors, top: value / contributors };
      },
    );
    const table: TableInput = {
      ...base,
      measures: [{ name: "net_amount", kind: "amount", sign: "signed" }],
      cells: base.cells.map((c) => ({ ...c, absoluteTotal: Object.values(c.dims).every((v) => v === ALL) ? 3.1e9 : Math.abs(c.measures.net_amount) })),
    };
    const result = await protectTable(table);
    expect(result.audit.passed).toBe(true);
    const report = await auditPattern([table], (_, i) => result.cells[i].status !== "published");
    expect(report.passed).toBe(true);
    expect(report.exactCells).toBeGreaterThan(100);
    expect(report.solves).toBe(2 * report.exactCells);
  });
});
