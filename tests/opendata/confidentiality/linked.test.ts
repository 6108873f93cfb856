import { auditPattern, protectLinkedTables, protectTable, TableInput } from "../../../lib/opendata/confidentiality";
import { ALL, cubeTable } from "./tables";

// Two tables of the same suppliers' net amounts: by region (A) and by channel (B). Their grand
// totals are the same number, the shared margin.
const byRegion = cubeTable("by_region", "business", [{ name: "region", codes: ["R1", "R2"] }], ([r]) =>
  ({ R1: { value: 100, contributors: 2 }, R2: { value: 5, contributors: 4 } })[r]!,
);
const byChannel = cubeTable("by_channel", "business", [{ name: "channel", codes: ["web", "store"] }], ([c]) =>
  ({ web: { value: 60, contributors: 3 }, store: { value: 45, contributors: 3 } })[c]!,
);

const hiddenIn = (result: { cells: { dims: Record<string, string>; status: string }[] }) =>
  result.cells.filter((c) => c.status !== "published").map((c) => Object.values(c.dims).join("/")).sort();

describe("linked tables sharing a margin", () => {
  it("a pattern safe in each table alone leaks through the other table's published total", async () => {
    // Alone, table A hides R1 and its total (R2 = 5 cannot cover 10 % of 100): R1 is then free.
    const a = await protectTable(byRegion);
    expect(a.audit.passed).toBe(true);
    expect(hiddenIn(a)).toEqual(["All", "R1"]);
    // Alone, table B has nothing to hide and publishes its total of 105.
    const b = await protectTable(byChannel);
    expect(b.audit.passed).toBe(true);
    expect(hiddenIn(b)).toEqual([]);
    // Released together: total (from B) - R2 = R1.
    const together = await auditPattern([byRegion, byChannel], (t, i) => (t === 0 ? a : b).cells[i].status !== "published");
    expect(together.passed).toBe(false);
    const r1 = together.exposed.find((e) => e.key === "region=R1")!;
    expect([r1.lower, r1.upper]).toEqual([100, 100]);
  });

  it("protectLinkedTables hides the shared total in both tables and closes table B around it", async () => {
    const result = await protectLinkedTables([byRegion, byChannel]);
    expect(result.audit.passed).toBe(true);
    const [a, b] = result.tables;
    expect(a.cells.find((c) => c.dims.region === ALL)!.status).toBe("secondary");
    expect(b.cells.find((c) => c.dims.channel === ALL)!.status).toBe("secondary");
    // With B's total hidden, B's relation has one hidden cell unless a channel hides too.
    expect(hiddenIn(b).length).toBeGreaterThanOrEqual(2);
    const r1 = result.audit.intervals.find((i) => i.key === "region=R1")!;
    expect(r1.upper).toBeGreaterThanOrEqual(110);
  });

  it("links 2-D tables through their shared month x region margins", async () => {
    const months = ["2024-01", "2024-02", "2024-03"];
    const regions = ["R11", "R84", "R93"];
    const leaf = (m: string, r: string, k: string) => {
      const seed = m.charCodeAt(6) * 7 + r.charCodeAt(2) * 13 + k.charCodeAt(0) * 17;
      return { value: 100 + (seed % 97) * 10, contributors: m === "2024-02" && r === "R84" && k === "tools" ? 2 : 3 + (seed % 5) };
    };
    const byCategory = cubeTable("month_region_category", "business",
      [{ name: "month", codes: months }, { name: "region", codes: regions }, { name: "category", codes: ["tools", "garden"] }],
      ([m, r, k]) => leaf(m, r, k));
    // Table B only knows the month x region totals of A (its "channel" split is not A's categories),
    // so build it from A's margins: web = 60 %, store = the rest.
    const margin = (m: string, r: string) => byCategory.cells.find((c) => c.dims.month === m && c.dims.region === r && c.dims.category === ALL)!;
    const leaves = new Map<string, { value: number; contributors: number }>();
    for (const m of months) for (const r of regions) {
      const total = margin(m, r);
      const web = Math.round(total.measures.net_amount * 0.6);
      leaves.set(`${m}|${r}|web`, { value: web, contributors: 20 });
      leaves.set(`${m}|${r}|store`, { value: total.measures.net_amount - web, contributors: 20 });
    }
    const byChannel2: TableInput = cubeTable("month_region_channel", "business",
      [{ name: "month", codes: months }, { name: "region", codes: regions }, { name: "channel", codes: ["web", "store"] }],
      ([m, r, c]) => leaves.get(`${m}|${r}|${c}`)!);
    // Contributors of shared cells must agree: take them from table A.
    const shared = (cells: TableInput["cells"]) => cells.map((c) => {
      if (c.dims.channel !== ALL) return c;
      const twin = byCategory.cells.find((x) => x.dims.month === c.dims.month && x.dims.region === c.dims.region && x.dims.category === ALL)!;
      return { ...c, contributors: twin.contributors, topContribution: twin.topContribution };
    });
    const tableB = { ...byChannel2, cells: shared(byChannel2.cells) };

    const result = await protectLinkedTables([byCategory, tableB]);
    expect(result.audit.passed).toBe(true);
    // Whatever month x region margin A hides, B hides too, and vice versa.
    const statusOf = (t: number, m: string, r: string) =>
      result.tables[t].cells.find((c) => c.dims.month === m && c.dims.region === r && Object.entries(c.dims).every(([k, v]) => k === "month" || k === "region" || v === ALL))!.status;
    for (const m of [...months, ALL]) for (const r of [...regions, ALL]) expect(statusOf(0, m, r)).toBe(statusOf(1, m, r));
    expect(result.tables[0].cells.find((c) => c.dims.month === "2024-02" && c.dims.region === "R84" && c.dims.category === "tools")!.status).toBe("primary_frequency");
  });
});
