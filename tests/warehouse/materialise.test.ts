import { openNative } from "../../lib/engine/native";
import { materialiseModel, ROWS_PER_INSERT } from "../../lib/warehouse/build";
import { ALL_KEYS, enforcedKeys } from "../../lib/warehouse/keys";
import type { Model } from "../../lib/warehouse/modelDoc";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

// materialiseModel loads a table with the constraints it is asked to enforce. With foreign keys
// (what lib/bench/keys.ts measures), by slices of ROWS_PER_INSERT, one transaction each: more rows
// than one slice must all arrive, in the model's order, and a bad key in a later slice must still
// stop it. Without them (the build's facts), by one INSERT: the gates check the keys
// (tests/warehouse/keyGates.test.ts).
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
const constraints = async (table: string) =>
  (await rows(`select constraint_type from duckdb_constraints() where table_name = '${table}' and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY') order by 1`)).map((r) => r.constraint_type);

beforeAll(async () => {
  ({ instance, conn } = await openNative());
  await conn.run("create table dim_ref (ref_key integer primary key)");
  await conn.run("insert into dim_ref select cast(i as integer) from range(7) t(i)");
});
afterAll(() => instance.closeSync());

test("with foreign keys, more rows than one slice: every row is loaded, in the model's order, and no staging table stays", async () => {
  // Descending ids: the table's row order must be the model's, not the key's.
  const n = await materialiseModel(conn, model("sliced", `select cast(${ROWS - 1} - i as bigint) as id, cast(i % 7 as integer) as ref from range(${ROWS}) t(i) order by i`, true), ALL_KEYS);
  expect(n).toBe(ROWS);
  expect(await constraints("sliced")).toEqual(["FOREIGN KEY", "PRIMARY KEY"]);
  expect(await rows(`select count(*) as misplaced from sliced where id <> ${ROWS - 1} - rowid`)).toEqual([{ misplaced: "0" }]);
  expect(await rows("select count(*) as n from duckdb_tables() where table_name like '%__rows'")).toEqual([{ n: "0" }]);
});

test("an enforced key: a duplicate in a later slice stops the load, naming the model", async () => {
  // The last row repeats id 0, which the first slice loaded.
  const sql = `select cast(i as bigint) as id, 0 as ref from range(${ROWS - 1}) t(i) union all select 0, 0`;
  await expect(materialiseModel(conn, model("duplicated", `select id, cast(ref as integer) as ref from (${sql})`), ALL_KEYS)).rejects.toThrow(/duplicated\.sql: loading duplicated failed: .*(Constraint|duplicate key)/i);
  expect(await rows("select count(*) as n from duckdb_tables() where table_name like '%__rows'")).toEqual([{ n: "0" }]);
});

test("an enforced foreign key: a dangling reference in a later slice stops the load", async () => {
  const sql = `select cast(i as bigint) as id, cast(case when i = ${ROWS - 1} then 99 else i % 7 end as integer) as ref from range(${ROWS}) t(i)`;
  await expect(materialiseModel(conn, model("dangling", sql, true), ALL_KEYS)).rejects.toThrow(/dangling\.sql: loading dangling failed: .*foreign key/i);
});

test("the build's decision: a fact table is loaded without constraints, a dimension keeps its primary key", async () => {
  expect(enforcedKeys({ name: "fact_unkeyed" })).toEqual({ primaryKey: false, foreignKeys: false });
  expect(enforcedKeys({ name: "dim_keyed" })).toEqual({ primaryKey: true, foreignKeys: false });
  // A duplicate and a dangling reference are loaded (the gates, not the engine, refuse them) ...
  const sql = `select cast(case when i = ${ROWS - 1} then 0 else i end as bigint) as id, cast(case when i = 5 then 99 else i % 7 end as integer) as ref from range(${ROWS}) t(i)`;
  expect(await materialiseModel(conn, model("fact_unkeyed", sql, true))).toBe(ROWS);
  expect(await constraints("fact_unkeyed")).toEqual([]);
  // ... while a dimension's duplicate key still stops its load.
  await expect(materialiseModel(conn, model("dim_keyed", "select cast(i % 3 as bigint) as id, 0 as ref from range(5) t(i)"))).rejects.toThrow(/dim_keyed\.sql: loading dim_keyed failed: .*(Constraint|duplicate key)/i);
});
