import { TableInput, dominanceRule, frequencyRule, protectTable } from "../../../lib/opendata/confidentiality";
import { AMOUNT } from "./tables";

/** A table of independent cells (no totals): only primary rules can suppress anything. */
function flatTable(population: "person" | "business", cells: { code: string; value: number; contributors: number; top?: number; orders?: number }[]): TableInput {
  return {
    name: "flat",
    population,
    dimensions: [{ name: "region" }],
    measures: [AMOUNT, { name: "orders", kind: "count", sign: "nonNegative" }],
    cells: cells.map((c) => ({
      dims: { region: c.code },
      measures: { net_amount: c.value, orders: c.orders ?? c.contributors },
      contributors: c.contributors,
      topContribution: c.top ?? c.value / Math.max(1, c.contributors),
    })),
  };
}

function statusOf(result: Awaited<ReturnType<typeof protectTable>>, code: string) {
  return result.cells.find((c) => c.dims.region === code)!;
}

describe("frequency rule", () => {
  it("suppresses a cell of 10 persons and publishes a cell of 11 (DGFiP threshold)", async () => {
    const r = await protectTable(flatTable("person", [
      { code: "ten", value: 1000, contributors: 10 },
      { code: "eleven", value: 1100, contributors: 11 },
    ]));
    expect(statusOf(r, "ten").status).toBe("primary_frequency");
    expect(statusOf(r, "eleven").status).toBe("published");
  });

  it("suppresses a business cell of 2 units and publishes one of 3 (INSEE threshold)", async () => {
    const r = await protectTable(flatTable("business", [
      { code: "two", value: 500, contributors: 2 },
      { code: "three", value: 600, contributors: 3 },
    ]));
    expect(statusOf(r, "two").status).toBe("primary_frequency");
    expect(statusOf(r, "three").status).toBe("published");
  });

  it("applies the threshold of the population the cell describes", () => {
    expect(frequencyRule(5, "business")).toBeNull();
    expect(frequencyRule(5, "person")?.status).toBe("primary_frequency");
  });

  it("publishes an empty cell: it describes nobody", () => {
    expect(frequencyRule(0, "person")).toBeNull();
  });

  it("states the threshold in the reason, never the cell's own count", () => {
    const reason = frequencyRule(7, "person")!.reason;
    expect(reason).toContain("11");
    expect(reason).not.toContain("7");
  });
});

describe("business units carried by a cell of persons (carriers behind shipments)", () => {
  /** Cells of shipments to persons: 40 recipients each, and the carriers that made the shipments. */
  function shipmentTable(cells: { code: string; carriers: number; top: number; total: number }[]): TableInput {
    return {
      name: "shipments",
      population: "person",
      dimensions: [{ name: "region" }],
      measures: [{ name: "shipments", kind: "count", sign: "nonNegative" }],
      cells: cells.map((c) => ({
        dims: { region: c.code },
        measures: { shipments: c.total },
        contributors: 40,
        businessUnits: { label: "carriers", contributors: c.carriers, topContribution: c.top, total: c.total },
      })),
    };
  }

  it("a cell of one carrier is confidential even with 40 recipients; three carriers, none above 85 %, publish", async () => {
    const r = await protectTable(shipmentTable([
      { code: "one", carriers: 1, top: 100, total: 100 },
      { code: "two", carriers: 2, top: 60, total: 100 },
      { code: "three", carriers: 3, top: 50, total: 100 },
    ]));
    expect(statusOf(r, "one").status).toBe("primary_frequency");
    expect(statusOf(r, "one").flag).toBe("c");
    expect(statusOf(r, "two").status).toBe("primary_frequency");
    expect(statusOf(r, "three").status).toBe("published");
  });

  it("a carrier above 85 % of the cell's shipments makes it confidential; exactly 85 % publishes", async () => {
    const r = await protectTable(shipmentTable([
      { code: "dominated", carriers: 3, top: 86, total: 100 },
      { code: "boundary", carriers: 3, top: 85, total: 100 },
    ]));
    expect(statusOf(r, "dominated").status).toBe("primary_dominance");
    expect(statusOf(r, "boundary").status).toBe("published");
  });
});

describe("dominance rule (1, 85 %)", () => {
  it("suppresses a cell where one contributor holds 86 % and publishes one at exactly 85 %", async () => {
    const r = await protectTable(flatTable("business", [
      { code: "dominated", value: 100, contributors: 5, top: 86 },
      { code: "boundary", value: 100, contributors: 5, top: 85 },
    ]));
    expect(statusOf(r, "dominated").status).toBe("primary_dominance");
    expect(statusOf(r, "boundary").status).toBe("published");
  });

  it("is exact at the boundary for decimal amounts (8.5 of 10 is not above 85 %)", () => {
    expect(dominanceRule({ value: 10, topContribution: 8.5 })).toBeNull();
    expect(dominanceRule({ value: 10, topContribution: 8.5000001 })?.status).toBe("primary_dominance");
    expect(dominanceRule({ value: 1, topShare: 0.85 })).toBeNull();
    expect(dominanceRule({ value: 1, topShare: 0.86 })?.status).toBe("primary_dominance");
  });

  it("works on absolute contributions when returns make contributions negative", () => {
    // +10 + 5 - 100: a net of -85 dominated by one unit's returns. The positive part (10 of 15)
    // would miss it; on absolute values the unit holds 100 / 115 = 87 %.
    expect(dominanceRule({ value: -85, topContribution: -100, absoluteTotal: 115 })?.status).toBe("primary_dominance");
    // +50 - 30 + 20: net 40, largest unit 50 of 100 absolute: not dominant, although 50 > net.
    expect(dominanceRule({ value: 40, topContribution: 50, absoluteTotal: 100 })).toBeNull();
  });

  it("refuses an amount cell without dominance inputs instead of publishing it unchecked", async () => {
    const table = flatTable("business", [{ code: "x", value: 100, contributors: 5 }]);
    const cells = table.cells.map((c) => ({ ...c, topContribution: undefined }));
    await expect(protectTable({ ...table, cells })).rejects.toThrow(/region=x.*neither topContribution nor topShare/);
  });
});

describe("published cells", () => {
  it("hide every measure of a suppressed row as null with the flag, never as zero", async () => {
    const r = await protectTable(flatTable("person", [
      { code: "few", value: 321, contributors: 4, orders: 6 },
      { code: "many", value: 9000, contributors: 40, orders: 55 },
    ]));
    const few = statusOf(r, "few");
    expect(few.measures).toEqual({ net_amount: null, orders: null });
    expect(few.flag).toBe("c");
    const many = statusOf(r, "many");
    expect(many.measures).toEqual({ net_amount: 9000, orders: 55 });
    expect(many.flag).toBeNull();
    // The published cell carries the flag alone: no reason, no status field a file would show.
    expect(Object.keys(many).sort()).toEqual(["dims", "flag", "measures", "status"]);
  });
});
