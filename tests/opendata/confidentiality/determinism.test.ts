import { protectTable, TableInput } from "../../../lib/opendata/confidentiality";
import { prng, randomGrid } from "./tables";

const pattern = (cells: { dims: Record<string, string>; status: string }[]) =>
  cells.map((c) => `${c.dims.row}/${c.dims.col}:${c.status}`).sort();

describe("determinism", () => {
  it("gives the same suppression pattern for the same input, whatever the row order", async () => {
    const table = randomGrid(12, 15, 5, 0.08);
    const first = await protectTable(table);
    const again = await protectTable(table);
    expect(pattern(again.cells)).toEqual(pattern(first.cells));

    const rand = prng(99);
    const shuffled: TableInput = { ...table, cells: [...table.cells].map((c) => [rand(), c] as const).sort((a, b) => a[0] - b[0]).map(([, c]) => c) };
    const reordered = await protectTable(shuffled);
    expect(pattern(reordered.cells)).toEqual(pattern(first.cells));
    expect(first.secondaryCount).toBeGreaterThan(0);
  });
});

describe("scale", () => {
  it("protects and audits a 40 x 50 table with margins in a few seconds", async () => {
    await protectTable(randomGrid(3, 3, 1)); // load the wasm solver outside the timing
    const table = randomGrid(40, 50, 7);
    expect(table.cells).toHaveLength(41 * 51);
    const started = performance.now();
    const result = await protectTable(table);
    const seconds = (performance.now() - started) / 1000;
    expect(result.audit.passed).toBe(true);
    expect(result.primaryCount).toBeGreaterThan(50);
    // Every primary and secondary cell keeps its 10 % interval, checked by 2 LPs per cell per round.
    expect(result.audit.solves).toBe(2 * (result.primaryCount + result.secondaryCount));
    console.log(
      `40x50 + margins: ${result.primaryCount} primary, ${result.secondaryCount} secondary, ${result.rounds} audit rounds, ` +
        `${result.audit.solves} LP solves in the last audit (${result.audit.millis.toFixed(0)} ms), ${seconds.toFixed(2)} s in total`,
    );
    expect(seconds).toBeLessThan(10);
  });
});
