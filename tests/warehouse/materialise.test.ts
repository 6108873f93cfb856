import { openNative } from "../../lib/engine/native";
import { materialiseModel, ROWS_PER_INSERT } from "../../lib/warehouse/build";
import type { Model } from "../../lib/warehouse/modelDoc";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

// materialiseModel loads a model's rows by slices of ROWS_PER_INSERT, one transaction each (the
// key indexes of 10 M rows at once do not fit the warehouse's memory limit): more rows than one
// slice must all arrive, in the model's order, and a bad key in a later slice must still stop it.
const ROWS = ROWS_PER_INSERT + 1234;

function model(name: string, sql: string, foreignKey = false): Model {
  return {
    name,
    schema: "main",
    sqlFile: `${name}.sql`,
    docFile: `${name}.doc.json`,
    sql,
    doc: {
      table: name,
      description: "test model",
      grain: "one row per id",
      primaryKey: ["id"],
      columns: [
        { name: "id", type: "BIGINT", description: "key" },
        { name: "ref", type: "INTEGER", description: "reference", tests: foreignKey ? [{ relationships: { to: "dim_ref.ref_key" } }] : [] },
      ],
    },
  };
}

let instance: DuckDBInstance;
let conn: DuckDBConnection;
const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson();

beforeAll(async () => {
  ({ instance, conn } = await openNative());
  await conn.run("create table dim_ref (ref_key integer primary key)");
  await conn.run("insert into dim_ref select cast(i as integer) from range(7) t(i)");
});
afterAll(() => instance.closeSync());

test("more rows than one slice: every row is loaded, in the model's order, and no staging table stays", async () => {
  // Descending ids: the table's row order must be the model's, not the key's.
  const n = await materialiseModel(conn, model("sliced", `select cast(${ROWS - 1} - i as bigint) as id, cast(i % 7 as integer) as ref from range(${ROWS}) t(i) order by i`, true));
  expect(n).toBe(ROWS);
  expect(await rows(`select count(*) as misplaced from sliced where id <> ${ROWS - 1} - rowid`)).toEqual([{ misplaced: "0" }]);
  expect(await rows("select count(*) as n from duckdb_tables() where table_name like '%__rows'")).toEqual([{ n: "0" }]);
});

test("a duplicate key in a later slice stops the load, naming the model", async () => {
  // The last row repeats id 0, which the first slice loaded.
  const sql = `select cast(i as bigint) as id, 0 as ref from range(${ROWS - 1}) t(i) union all select 0, 0`;
  await expect(materialiseModel(conn, model("duplicated", `select id, cast(ref as integer) as ref from (${sql})`))).rejects.toThrow(/duplicated\.sql: loading duplicated failed: .*(Constraint|duplicate key)/i);
  expect(await rows("select count(*) as n from duckdb_tables() where table_name like '%__rows'")).toEqual([{ n: "0" }]);
});

test("a dangling foreign key in a later slice stops the load", async () => {
  const sql = `select cast(i as bigint) as id, cast(case when i = ${ROWS - 1} then 99 else i % 7 end as integer) as ref from range(${ROWS}) t(i)`;
  await expect(materialiseModel(conn, model("dangling", sql, true))).rejects.toThrow(/dangling\.sql: loading dangling failed: .*foreign key/i);
});
