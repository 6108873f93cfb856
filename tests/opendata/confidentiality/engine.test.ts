/**
 * The whole-release confidentiality engine: the intruder's knowledge, secondary suppression by
 * both methods, and the audit, on hand-built tables whose answers are worked out in the comments.
 */
import { auditRelease, buildCells, buildModel, protectRelease, protectTable, TableInput } from "../../../lib/opendata/confidentiality";
import { GroupLp, unknownGroups } from "../../../lib/opendata/confidentiality/lp";
import { companionRequirements, primarySuppression } from "../../../lib/opendata/confidentiality/primary";
import { heuristicSuppression, lossLowerBounds } from "../../../lib/opendata/confidentiality/secondary";
import { auditPattern } from "../../../lib/opendata/confidentiality/audit";
import { ALL, cellOf, cubeTable, prng, randomGrid } from "./tables";

const suppressed = (result: { cells: { dims: Record<string, string>; status: string }[] }) =>
  result.cells.filter((c) => c.status !== "published").map((c) => Object.values(c.dims).join("/")).sort();

/** Sales by category with a published total; category A has 2 suppliers (business rule: 3). */
const byCategory = cubeTable("by_category", "business", [{ name: "category", codes: ["A", "B", "C", "D"] }], ([c]) =>
  ({ A: { value: 400, contributors: 2 }, B: { value: 300, contributors: 9 }, C: { value: 200, contributors: 8 }, D: { value: 700, contributors: 12 } })[c]!,
);

/** DE x gender X has 2 persons, all aged 45-54: the grid publishes the other bands as 0. */
const profileOfX = () =>
  cubeTable("profile", "person", [{ name: "gender", codes: ["F", "X"] }, { name: "age", codes: ["18-44", "45-54", "55+"] }], ([g, a]) =>
    g === "X" ? { value: a === "45-54" ? 300 : 0, contributors: a === "45-54" ? 2 : 0 } : { value: 1000, contributors: 30 },
  );

/**
 * All identified customers by area (published), persons by area (published): businesses of area N
 * are 2 and hold 500 of 5500. They are a cell of their own, in a hidden table.
 */
function customersByScope(): TableInput[] {
  const areas = ["N", "S"];
  const all = cubeTable("all", "person", [{ name: "area", codes: areas }], ([a]) => ({ value: a === "N" ? 5500 : 8000, contributors: a === "N" ? 40 : 60 }));
  const persons = cubeTable("persons", "person", [{ name: "area", codes: areas }], ([a]) => ({ value: a === "N" ? 5000 : 7000, contributors: a === "N" ? 38 : 50 }));
  const businesses = cubeTable("businesses", "business", [{ name: "area", codes: areas }], ([a]) => ({ value: a === "N" ? 500 : 1000, contributors: a === "N" ? 2 : 10 }));
  return [
    { ...all, scope: "customers" },
    { ...persons, scope: "persons" },
    { ...businesses, scope: "businesses", hidden: true },
  ];
}

/** Suppliers by region and by channel: two tables whose total is the same figure. */
function suppliersTwoWays(): TableInput[] {
  const byRegion = cubeTable("by_region", "business", [{ name: "region", codes: ["R1", "R2"] }], ([r]) => ({ R1: { value: 100, contributors: 2 }, R2: { value: 5, contributors: 4 } })[r]!);
  const byChannel = cubeTable("by_channel", "business", [{ name: "channel", codes: ["web", "store"] }], ([c]) => ({ web: { value: 60, contributors: 3 }, store: { value: 45, contributors: 3 } })[c]!);
  return [
    { ...byRegion, scope: "suppliers" },
    { ...byChannel, scope: "suppliers" },
  ];
}

describe("secondary suppression and the audit", () => {
  it("primary suppression alone leaks the cell as the total minus the others", async () => {
    const naive = await protectTable(byCategory, { secondary: false });
    expect(suppressed(naive)).toEqual(["A"]);
    expect(naive.audit.passed).toBe(false);
    const a = naive.audit.exposed.find((i) => i.key.endsWith("category=A"))!;
    expect([a.lower, a.upper]).toEqual([400, 400]);
  });

  for (const method of ["optimal", "heuristic"] as const) {
    it(`${method}: adds the smallest cell able to carry 10 % of 400, and the audit proves A is no longer recomputable`, async () => {
      const safe = await protectTable(byCategory, { method });
      expect(safe.audit.passed).toBe(true);
      expect(suppressed(safe)).toEqual(["A", "C"]);
      const a = safe.audit.intervals.find((i) => i.key.endsWith("category=A"))!;
      // A + C = 600 with both >= 0 (their signs are known).
      expect([a.lower, a.upper]).toEqual([0, 600]);
    });
  }

  it("a small cell derived exactly stays exposed beside figures of hundreds of millions (the solver's error is absolute, not relative to the largest number)", async () => {
    // Category A (2 suppliers, 400) and the huge category E share one margin with a
    // suppressed E: the group's a-priori bounds run to ~1e9. A tolerance of 1e-7 of that
    // magnitude (about 100) once let "A = total - B - C - D - E" pass for A alone suppressed
    // beside a suppressed E whose own margin pinned it (a million-row release failed the attacker).
    const big = cubeTable("with_big", "business", [{ name: "category", codes: ["A", "B", "C", "D"] }, { name: "year", codes: ["y1", "y2"] }], ([c, y]) =>
      c === "D" ? { value: y === "y1" ? 450_000_000 : 400_000_000, contributors: 40 } : c === "A" && y === "y1" ? { value: 60, contributors: 1 } : { value: 5_000, contributors: 9 },
    );
    const naive = await protectTable(big, { secondary: false });
    const a = naive.audit.intervals.find((i) => i.key.includes("category=A") && i.key.includes("year=y1"))!;
    expect([a.lower, a.upper]).toEqual([60, 60]);
    expect(a.exposed).toBe(true);
    expect(naive.audit.passed).toBe(false);
    for (const method of ["optimal", "heuristic"] as const) {
      const safe = await protectTable(big, { method });
      expect(safe.audit.passed).toBe(true);
      const protectedA = safe.audit.intervals.find((i) => i.key.includes("category=A") && i.key.includes("year=y1"))!;
      expect(protectedA.upper - protectedA.lower).toBeGreaterThanOrEqual(12);
    }
  });

  it("protects a 3 x 3 table with margins by a rectangle of 4 interior cells", async () => {
    const grid = cubeTable("grid", "business", [{ name: "row", codes: ["r1", "r2", "r3"] }, { name: "col", codes: ["c1", "c2", "c3"] }], ([r, c]) => {
      const values: Record<string, number> = { r1c1: 120, r1c2: 90, r1c3: 300, r2c1: 80, r2c2: 60, r2c3: 250, r3c1: 200, r3c2: 150, r3c3: 400 };
      return { value: values[r + c], contributors: r === "r1" && c === "c1" ? 1 : 10 };
    });
    const safe = await protectTable(grid);
    expect(safe.audit.passed).toBe(true);
    const hidden = safe.cells.filter((c) => c.status !== "published").map((c) => c.dims);
    expect(hidden).toHaveLength(4);
    expect(hidden.every((d) => d.row !== ALL && d.col !== ALL)).toBe(true);
    expect(new Set(hidden.map((d) => d.row)).size).toBe(2);
    expect(new Set(hidden.map((d) => d.col)).size).toBe(2);
  });

  it("the optimal method never loses more than the heuristic it starts from, and says by how much it could", async () => {
    const table = randomGrid(8, 9, 3, 0.12);
    const result = await protectRelease([table]);
    expect(result.audit.passed).toBe(true);
    expect(result.optimality).not.toBeNull();
    const o = result.optimality!;
    expect(o.objective).toBeLessThanOrEqual(o.heuristicObjective + 1e-12);
    expect(o.lowerBound).toBeLessThanOrEqual(o.objective + 1e-9);
    const heuristic = await protectRelease([table], { method: "heuristic" });
    expect(heuristic.audit.passed).toBe(true);
    expect(result.heuristic!.loss[0].suppressedCells).toBe(heuristic.loss[0].suppressedCells);
  });

  it("the design ladder's lower bound of the loss never exceeds what either method loses, so a rung it leaves out could not have met the targets", async () => {
    // Three-dimensional tables (as the sales ladder's), with primary cells dense enough that
    // secondary suppression adds many cells: the bound must be below every safe pattern's loss.
    for (const seed of [1, 2, 3]) {
      const rand = prng(seed);
      const table = cubeTable(`cube_${seed}`, "business", [{ name: "a", codes: ["a1", "a2", "a3", "a4"] }, { name: "b", codes: ["b1", "b2", "b3"] }, { name: "c", codes: ["c1", "c2", "c3"] }], () => {
        const small = rand() < 0.2;
        const contributors = small ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 20);
        const value = Math.round((50 + rand() * 5000) * 100) / 100;
        return { value, contributors, top: value / contributors };
      });
      const model = buildModel([table]);
      const pattern = primarySuppression(model);
      const [bound] = await lossLowerBounds(model, pattern, companionRequirements(model, pattern.status));
      const primary = model.tableCells[0].filter((id) => pattern.status[id] !== "published").length;
      expect(bound.suppressedCells).toBeGreaterThan(primary);
      for (const method of ["optimal", "heuristic"] as const) {
        const result = await protectRelease([table], { method });
        expect(result.audit.passed).toBe(true);
        expect(bound.suppressedCells).toBeLessThanOrEqual(result.loss[0].suppressedCells);
        expect((100 * bound.hiddenValue) / bound.totalValue).toBeLessThanOrEqual(result.loss[0].suppressedValuePercent + 0.05);
      }
    }
  });

  it("gives the same pattern for the same input, whatever the row order", async () => {
    const table = randomGrid(6, 7, 5, 0.1);
    const first = await protectTable(table);
    const rand = prng(99);
    const shuffled: TableInput = { ...table, cells: [...table.cells].map((c) => [rand(), c] as const).sort((a, b) => a[0] - b[0]).map(([, c]) => c) };
    const again = await protectTable(shuffled);
    expect(suppressed(again)).toEqual(suppressed(first));
    expect(first.secondaryCount).toBeGreaterThan(0);
  });
});

describe("what an intruder knows besides the values", () => {
  // A net amount: T = A + B, A confidential (1 customer), B = 5 suppressed with it. Without the
  // signs (the previous audit's a-priori interval [-M, M]), A could be anything; knowing that a
  // real category's net amount is not negative, A is in [100, 105]: within 10 % of 100.
  const signed: TableInput = {
    name: "net",
    population: "person",
    dimensions: [{ name: "category", total: ALL }],
    measures: [{ name: "net_amount", kind: "amount", sign: "signed" }],
    cells: [
      { dims: { category: "A" }, measures: { net_amount: 100 }, contributors: 1, topContribution: 100, absoluteTotal: 100 },
      { dims: { category: "B" }, measures: { net_amount: 5 }, contributors: 20, topContribution: 1, absoluteTotal: 5 },
      { dims: { category: "C" }, measures: { net_amount: 900 }, contributors: 40, topContribution: 50, absoluteTotal: 900 },
      { dims: { category: ALL }, measures: { net_amount: 1005 }, contributors: 61, topContribution: 100, absoluteTotal: 1005 },
    ],
  };

  it("the sign of a net amount pins a cell the previous audit thought protected, and protection closes it", async () => {
    const audit = await auditRelease([signed], (_, i) => ["A", "B"].includes(signed.cells[i].dims.category));
    expect(audit.passed).toBe(false);
    const a = audit.exposed.find((e) => e.key.endsWith("category=A"))!;
    // A + B = 1005 - 900 = 105 with both >= 0: A in [0, 105], short of 110 above.
    expect(a.lower).toBeCloseTo(0, 6);
    expect(a.upper).toBeCloseTo(105, 6);
    const safe = await protectTable(signed);
    expect(safe.audit.passed).toBe(true);
    expect(suppressed(safe)).toContain("C");
  });

  it("a row that exists has at least one order: a count of 1 needs its upper side, not its lower", async () => {
    // nonEmpty rows: A exists, so orders(A) >= 1. A and B suppressed, T = 12, C = 9: A + B = 3.
    const orders: TableInput = {
      name: "orders",
      population: "person",
      rows: "nonEmpty",
      dimensions: [{ name: "area", total: ALL }],
      measures: [{ name: "orders", kind: "count", sign: "nonNegative", minIfNonEmpty: 1 }],
      cells: [
        { dims: { area: "A" }, measures: { orders: 1 }, contributors: 1 },
        { dims: { area: "B" }, measures: { orders: 2 }, contributors: 2 },
        { dims: { area: "C" }, measures: { orders: 9 }, contributors: 12 },
        { dims: { area: ALL }, measures: { orders: 12 }, contributors: 15 },
      ],
    };
    const audit = await auditRelease([orders], (_, i) => ["A", "B"].includes(orders.cells[i].dims.area));
    const a = audit.intervals.find((e) => e.key.endsWith("area=A"))!;
    // B exists too (>= 1): A <= 2. Upper target for a whole number 1 is 2: met; lower side is
    // what the intruder knew anyway (1).
    expect([a.lower, a.upper]).toEqual([1, 2]);
    expect(a.exposed).toBe(false);
    // B = 2: A + B = 3 and A >= 1, so B <= 2, short of its upper target 3 (2.2 rounded up).
    const b = audit.intervals.find((e) => e.key.endsWith("area=B"))!;
    expect(b.exposed).toBe(true);
  });

  it("a confidential total with a single non-empty child gets an empty sibling flagged", async () => {
    const table = profileOfX();
    const without = await protectTable(table, { companions: false });
    const withRule = await protectTable(table);
    const flaggedX = (r: typeof withRule) => r.cells.filter((c) => c.dims.gender === "X" && c.dims.age !== ALL && c.status !== "published").length;
    expect(flaggedX(without)).toBe(1);
    expect(flaggedX(withRule)).toBeGreaterThanOrEqual(2);
    expect(withRule.audit.passed).toBe(true);
  });

  it("a hidden complement (business customers = all - persons) is held to the business rules", async () => {
    const tables = customersByScope();
    const scopes = [{ scope: "customers", parts: ["persons", "businesses"] }];
    const model = buildModel(tables, scopes);
    expect(model.relations.filter((r) => r.kind === "scope")).toHaveLength(3);
    const audit = await auditRelease(tables, () => false, { scopes });
    const n = audit.exposed.find((e) => e.key === "businesses:area=N")!;
    expect([n.lower, n.upper]).toEqual([500, 500]);
    const safe = await protectRelease(tables, { scopes });
    expect(safe.audit.passed).toBe(true);
    expect(safe.tables).toHaveLength(2);
    const hiddenN = safe.tables.some((t) => t.cells.some((c) => c.dims.area === "N" && c.status !== "published"));
    expect(hiddenN).toBe(true);
  });

  it("two tables sharing a figure are protected as one: the shared total is one unknown", async () => {
    const tables = suppliersTwoWays();
    const model = buildModel(tables);
    expect(model.cells.filter((c) => c.tables.length === 2).map((c) => c.key)).toEqual(["suppliers:(total)"]);
    const safe = await protectRelease(tables);
    expect(safe.audit.passed).toBe(true);
    const total = (t: number) => safe.tables[t].cells.find((c) => Object.values(c.dims).every((v) => v === ALL))!.status;
    expect(total(0)).toBe(total(1));
  });

  it("the cells alone (buildCells, the design ladder's first test of a rung) are buildModel's cells, and give the same primary pattern", () => {
    // Shared figures, a hidden table, a grid completed with empty cells, and a random grid: every
    // way pass 1 merges or adds cells.
    const grid = randomGrid(6, 7, 5, 0.15);
    // Persons of gender X are all aged 45-54: the rows of their other ages are left out of the
    // input, and the grid is completed with them (empty cells).
    const profile = profileOfX();
    const sparse: TableInput = { ...profile, cells: profile.cells.filter((c) => !(c.dims.gender === "X" && c.dims.age !== "45-54" && c.dims.age !== ALL)) };
    const releases: TableInput[][] = [customersByScope(), suppliersTwoWays(), [grid, sparse]];
    for (const tables of releases) {
      const model = buildModel(tables);
      const cells = buildCells(tables);
      expect(cells.cells.map(({ weight, ...c }) => c)).toEqual(model.cells.map(({ weight, ...c }) => c));
      expect(cells.tableCells).toEqual(model.tableCells);
      expect(cells.tables).toEqual(model.tables);
      expect(primarySuppression(cells)).toEqual(primarySuppression(model));
    }
    expect(sparse.cells.length).toBe(profile.cells.length - 2);
    expect(buildCells([sparse]).cells.filter((c) => c.empty)).toHaveLength(2);
  });
});

describe("the cut of an exposed side is valid for every pattern (weak duality)", () => {
  it("bounds the intruder's extreme under random patterns", async () => {
    const table = randomGrid(5, 6, 11, 0.15);
    const model = buildModel([table]);
    const status = primarySuppression(model).status;
    const rand = prng(7);
    const target = model.cells.findIndex((c) => status[c.id] !== "published" && !c.empty);
    expect(target).toBeGreaterThanOrEqual(0);
    // The cut from the pattern "primaries + a few random cells".
    const base = status.map((s) => s !== "published" || rand() < 0.15);
    const lpAt = async (unknown: boolean[]) => {
      const group = unknownGroups(model, unknown).find((g) => g.cells.includes(target))!;
      return GroupLp.create(model, group);
    };
    const lp = await lpAt(base);
    const col = lp.column(target, "net_amount")!;
    for (const sense of [1, -1] as const) {
      const ext = lp.extreme(col, sense)!;
      const { coefficients, slack } = lp.cut(col, sense, ext.duals!);
      const v = model.cells[target].values.net_amount;
      // Strong duality at the pattern the cut came from.
      const at = [...coefficients].reduce((s, [cell, coef]) => s + (base[cell] ? coef : 0), 0);
      expect(sense * ext.value).toBeCloseTo(sense * v - slack - at, 4);
      // Weak duality at 20 other patterns.
      for (let k = 0; k < 20; k++) {
        const other = status.map((s) => s !== "published" || rand() < 0.3);
        const lp2 = await lpAt(other);
        const e2 = lp2.extreme(lp2.column(target, "net_amount")!, sense)!;
        const sum = [...coefficients].reduce((s, [cell, coef]) => s + (other[cell] ? coef : 0), 0);
        expect(sense * e2.value).toBeGreaterThanOrEqual(sense * v - slack - sum - 1e-6 * Math.max(1, Math.abs(v)));
        lp2.dispose();
      }
    }
    lp.dispose();
  });
});

describe("grid tables", () => {
  it("publish every combination of their codes: the empty ones are cells of value 0", async () => {
    const table: TableInput = {
      name: "sparse",
      population: "business",
      dimensions: [{ name: "a", total: ALL }, { name: "b", total: ALL }],
      measures: [{ name: "units", kind: "count", sign: "nonNegative" }],
      cells: [
        { dims: { a: "x", b: "p" }, measures: { units: 40 }, contributors: 5 },
        { dims: { a: "y", b: "q" }, measures: { units: 60 }, contributors: 5 },
        { dims: { a: "x", b: ALL }, measures: { units: 40 }, contributors: 5 },
        { dims: { a: "y", b: ALL }, measures: { units: 60 }, contributors: 5 },
        { dims: { a: ALL, b: "p" }, measures: { units: 40 }, contributors: 5 },
        { dims: { a: ALL, b: "q" }, measures: { units: 60 }, contributors: 5 },
        { dims: { a: ALL, b: ALL }, measures: { units: 100 }, contributors: 10 },
      ],
    };
    const result = await protectTable(table);
    expect(result.cells).toHaveLength(9);
    const added = result.cells.slice(7).map((c) => `${c.dims.a}/${c.dims.b}:${c.measures.units}`);
    expect(added).toEqual(["x/q:0", "y/p:0"]);
    expect(cellOf(table, { a: "x", b: "p" })).toBe(0);
  });
});

describe("the pruning's short audit (stopAtFirstExposure with probes) decides as the full audit does", () => {
  it("publishing back each secondary cell of a safe pattern: same pass or fail; a stop names a figure the full audit finds exposed", async () => {
    // Two grids: one small enough for exact intervals (<= 60 figures a group), one whose groups are
    // proven by batch solves.
    for (const [table, exactLimit] of [[randomGrid(6, 7, 5, 0.15), undefined], [randomGrid(8, 9, 3, 0.12), 10]] as const) {
      const model = buildModel([table]);
      const pattern = primarySuppression(model);
      const companions = companionRequirements(model, pattern.status);
      const safe = await heuristicSuppression(model, pattern, companions, { exactIntervalsMaxFigures: exactLimit });
      expect(safe.audit.passed).toBe(true);
      const secondary = model.cells.filter((c) => safe.status[c.id] === "secondary").map((c) => c.id);
      expect(secondary.length).toBeGreaterThan(2);
      let failures = 0;
      let pinned = 0;
      for (const cell of secondary) {
        const trial = [...safe.status];
        trial[cell] = "published";
        const neighbours = model.relationsOf[cell].flatMap((r) => [model.relations[r].parent, ...model.relations[r].children]);
        const full = await auditPattern(model, trial, { exactIntervalsMaxFigures: exactLimit });
        const short = await auditPattern(model, trial, { exactIntervalsMaxFigures: exactLimit, proofs: safe.audit.proofs, stopAtFirstExposure: true, probeFirst: neighbours });
        expect({ cell, passed: short.passed }).toEqual({ cell, passed: full.passed });
        if (full.passed) {
          expect(short.stoppedEarly).toBeUndefined();
          continue;
        }
        failures++;
        expect(short.stoppedEarly).toBe(true);
        expect(short.exposed).toHaveLength(1);
        const [found] = short.exposed;
        expect(full.exposed.some((e) => e.cell === found.cell && e.concept === found.concept)).toBe(true);
        // A figure a relation pins is found before any LP is built (pinnedExposure).
        if (short.solves === 0) {
          pinned++;
          expect(found).toMatchObject({ lower: found.value, upper: found.value, exact: true });
        }
      }
      // The check means something only if some trials fail (a secondary cell is usually needed),
      // some of them on a pinned figure, some only after solves.
      expect(failures).toBeGreaterThan(0);
      expect(pinned).toBeGreaterThan(0);
      expect(failures).toBeGreaterThan(pinned);
    }
  });
});
