import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { openNative } from "../../lib/engine/native";
import { loadWarehouseModels, materialiseModel, ROWS_PER_INSERT } from "../../lib/warehouse/build";
import { planModelGates, runPlannedGates, type GateResult } from "../../lib/warehouse/gates";
import { foreignKeys, type Model } from "../../lib/warehouse/modelDoc";

// DuckDB no longer enforces fact_sales' primary key and nine foreign keys (lib/warehouse/keys.ts):
// the build's gates must catch every duplicate key and every dangling reference the constraints
// caught, wherever the row sits. The rows below span the slices the constrained load inserted one
// by one (ROWS_PER_INSERT rows each): a bad row in the first slice, across two slices and in the
// last one must all fail the gates of the real fact_sales doc.
const ROWS = ROWS_PER_INSERT + 1000;
const LAST = ROWS - 1;
const SECOND_SLICE = ROWS_PER_INSERT;

const factSales = loadWarehouseModels().find((m) => m.name === "fact_sales")!;
const fks = foreignKeys(factSales.doc);

/** One valid line per row i: order i // 2, line i % 2 + 1; every reference to an existing member. */
function syntheticRows(model: Model): string {
  const value = (name: string): string => {
    if (name === "order_id") return "'O' || (i // 2)";
    if (name === "line_number") return "i % 2 + 1";
    if (name === "source_line") return "i";
    // A one-file export: the split stage names each line's file by the export's file name.
    if (name === "source_file") return "'export.csv.gz'";
    if (name.endsWith("_date_key")) return "20240101";
    if (fks.some((fk) => fk.column === name)) return "1";
    if (name === "shipping_mode") return "'standard'";
    if (name === "quantity") return "1";
    if (name === "discount_rate") return "0";
    if (name === "is_return") return "false";
    if (name === "quality_flags") return "''";
    return "null";
  };
  return `select ${model.doc.columns.map((c) => `cast(${value(c.name)} as ${c.type}) as "${c.name}"`).join(", ")} from range(${ROWS}) t(i)`;
}

let instance: DuckDBInstance;
let conn: DuckDBConnection;
const gates = planModelGates(factSales);
const runGates = async (filter: (gate: string) => boolean): Promise<GateResult[]> => runPlannedGates(conn, gates.filter((g) => filter(g.gate)));
const failing = (results: GateResult[]) => results.filter((r) => r.status === "fail").map((r) => ({ gate: r.gate, failures: r.failures }));

/** Runs `change` and the gates in a transaction rolled back afterwards: the table stays valid. */
async function withChange<T>(change: string, check: () => Promise<T>): Promise<T> {
  await conn.run("begin transaction");
  try {
    await conn.run(change);
    return await check();
  } finally {
    await conn.run("rollback");
  }
}

beforeAll(async () => {
  ({ instance, conn } = await openNative());
  // The members the references resolve to: date 20240101, key 1 and the unknown member -1.
  for (const table of new Set(fks.map((fk) => `${fk.table}.${fk.key}`))) {
    const [name, key] = table.split(".");
    await conn.run(`create table ${name} (${key} integer primary key)`);
    await conn.run(`insert into ${name} values (-1), (1), (20240101)`);
  }
  // The build's loader, with the build's decision: no constraint on the fact.
  expect(await materialiseModel(conn, { ...factSales, sql: syntheticRows(factSales) })).toBe(ROWS);
}, 120_000);
afterAll(() => instance.closeSync());

test("the valid table passes every gate of the fact_sales doc, which gates its primary key and all nine relationships", async () => {
  expect(gates.map((g) => g.gate)).toContain("fact_sales.primary_key");
  expect(fks.map((fk) => `fact_sales.${fk.column}.relationships`).every((id) => gates.some((g) => g.gate === id))).toBe(true);
  expect(fks).toHaveLength(9);
  expect(failing(await runGates(() => true))).toEqual([]);
}, 60_000);

describe("a duplicate primary key (order_id, line_number) fails the primary_key gate", () => {
  test.each([
    ["within the first slice", 0, 2],
    ["across slices (first row, last row)", 0, LAST],
    ["within the last slice", SECOND_SLICE, LAST],
  ])("%s", async (_where, original, copy) => {
    const results = await withChange(
      `update fact_sales set order_id = (select order_id from fact_sales where rowid = ${original}), line_number = (select line_number from fact_sales where rowid = ${original}) where rowid = ${copy}`,
      () => runGates((g) => g === "fact_sales.primary_key" || g === "fact_sales.unique_combination.source_file+source_line"),
    );
    expect(failing(results)).toEqual([{ gate: "fact_sales.primary_key", failures: 2 }]);
    expect(results.find((r) => r.gate === "fact_sales.primary_key")!.detail).toBe("0 row(s) with a null key column; 1 key(s) held by more than one row (2 rows)");
  });

  test("a null key column in the last slice fails it too", async () => {
    const results = await withChange(`update fact_sales set line_number = null where rowid = ${LAST}`, () => runGates((g) => g === "fact_sales.primary_key"));
    expect(failing(results)).toEqual([{ gate: "fact_sales.primary_key", failures: 1 }]);
  });
});

describe("a dangling reference fails the relationships gate of its column, and only it", () => {
  // Each foreign key in turn, at a row of the first slice, the first row of the second and the last.
  const positions = [0, SECOND_SLICE, LAST];
  test.each(fks.map((fk, i) => [fk.column, fk.table, positions[i % positions.length]] as const))("%s → %s, at row %d", async (column, _table, row) => {
    const results = await withChange(`update fact_sales set "${column}" = 999 where rowid = ${row}`, () => runGates((g) => g.endsWith(".relationships")));
    expect(failing(results)).toEqual([{ gate: `fact_sales.${column}.relationships`, failures: 1 }]);
  });
});
