/**
 * dim_customer's surrogate keys (lib/warehouse/models/dim_customer.sql): numbered over
 * (pseudonym, version) across the rows in clear and the inferred members, and put beside each
 * row by position (customer_rows, their ciphertexts and the keys sorted back into row_id order),
 * not by a join that would hold every ciphertext. The protect step writes customer_rows in row_id
 * order; if it ever did not, the model stops rather than give a row another row's key.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { openNative } from "../../lib/engine/native";
import { MODELS_DIR } from "../../lib/warehouse/build";
import { loadModel } from "../../lib/warehouse/modelDoc";
import { createMacros } from "../../lib/warehouse/staging";

let instance: DuckDBInstance;
let conn: DuckDBConnection;
const dimCustomer = loadModel(MODELS_DIR, "dim_customer");

// Three rows in clear: C1 (pseudonym pz) in two versions, C2 (pa) in one; C3 (pm) has order lines
// but no attribute row: an inferred member. Ciphertexts stand in for the protect step's.
const ROWS = [
  { row_id: 1, customer_id: "C1", pseudonym: "pz", version: 1, from: "2020-01-01", to: "2021-06-01", current: false },
  { row_id: 2, customer_id: "C1", pseudonym: "pz", version: 2, from: "2021-06-01", to: "9999-12-31", current: true },
  { row_id: 3, customer_id: "C2", pseudonym: "pa", version: 1, from: "2020-03-01", to: "9999-12-31", current: true },
];

async function stage(order: number[]): Promise<void> {
  await conn.run(`create or replace temp table customer_pseudonyms as select * from (values ('C1', 'pz'), ('C2', 'pa'), ('C3', 'pm')) t(customer_id, customer_pseudonym)`);
  await conn.run(`create or replace temp table customer_rows (
    row_id bigint, customer_id varchar, customer_pseudonym varchar, version_number bigint, valid_from date, valid_to date, is_current boolean,
    customer_type varchar, segment varchar, gender varchar, birth_date date, country varchar, departement_code varchar, departement_name varchar,
    region_code varchar, region_name varchar, source_line bigint)`);
  // Inserted in `order`: a temp table keeps its insertion order, which a positional read follows.
  for (const i of order) {
    const r = ROWS[i];
    await conn.run(`insert into customer_rows values (${r.row_id}, '${r.customer_id}', '${r.pseudonym}', ${r.version}, date '${r.from}', date '${r.to}', ${r.current},
      'person', 'retail', 'F', date '1980-05-05', 'FR', '75', 'Paris', '11', 'Île-de-France', ${10 + r.row_id})`);
  }
  await conn.run(`create or replace temp table customer_row_ciphertexts as select row_id, 'enc-' || row_id as personal_enc from range(1, 4) t(row_id) order by row_id`);
}

beforeAll(async () => {
  ({ instance, conn } = await openNative());
  await createMacros(conn);
});
afterAll(() => instance.closeSync());

test("keys follow (pseudonym, version) across rows and inferred members; each row keeps its own ciphertext", async () => {
  await stage([0, 1, 2]);
  const rows = (await conn.runAndReadAll(`select customer_key, customer_pseudonym, version_number, personal_enc, source_line, is_inferred from (${dimCustomer.sql}) order by customer_key`)).getRowObjectsJson();
  expect(rows).toEqual([
    { customer_key: -2, customer_pseudonym: "erased", version_number: 0, personal_enc: null, source_line: null, is_inferred: false },
    { customer_key: -1, customer_pseudonym: "unknown", version_number: 0, personal_enc: null, source_line: null, is_inferred: false },
    { customer_key: 1, customer_pseudonym: "pa", version_number: 1, personal_enc: "enc-3", source_line: "13", is_inferred: false },
    { customer_key: 2, customer_pseudonym: "pm", version_number: 1, personal_enc: null, source_line: null, is_inferred: true },
    { customer_key: 3, customer_pseudonym: "pz", version_number: 1, personal_enc: "enc-1", source_line: "11", is_inferred: false },
    { customer_key: 4, customer_pseudonym: "pz", version_number: 2, personal_enc: "enc-2", source_line: "12", is_inferred: false },
  ]);
});

test("customer_rows out of row_id order: the model stops instead of giving a row another row's key", async () => {
  await stage([1, 0, 2]);
  await expect(conn.runAndReadAll(`select count(*) from (${dimCustomer.sql})`)).rejects.toThrow(/out of line with customer_rows at row_id 2/);
});
