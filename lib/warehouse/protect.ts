/**
 * The one step of the build that runs in Node rather than in DuckDB: pseudonymise the customer
 * numbers and encrypt the customers' personal fields (DuckDB has neither hmac nor AES). The
 * results go into two TEMP tables of the build connection, read by dim_customer.sql and
 * fact_sales.sql and gone when the connection closes:
 *   customer_pseudonyms(customer_id, customer_pseudonym)
 *   customer_ciphertexts(customer_id, column_name, plaintext, ciphertext)
 */
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { query, renderSql, run } from "./db";
import type { Protector } from "./protector";

const STAGING_DIR = path.join(__dirname, "staging");

/** Customers whose personal values are read and encrypted per query. */
const CUSTOMERS_PER_BATCH = 50_000;

export interface ProtectionSummary {
  customers: number;
  encryptedFields: number;
}

export async function protectCustomers(connection: DuckDBConnection, protector: Protector): Promise<ProtectionSummary> {
  await run(connection, "create or replace temp table customer_pseudonyms (customer_id varchar primary key, customer_pseudonym varchar not null unique)");
  await run(
    connection,
    "create or replace temp table customer_ciphertexts (customer_id varchar not null, column_name varchar not null, plaintext varchar not null, ciphertext varchar)",
  );

  const ids = await query<{ customer_id: string }>(connection, renderSql(path.join(STAGING_DIR, "customer_ids.sql")));
  const pseudonymOf = new Map<string, string>();
  const owner = new Map<string, string>();
  const pseudonyms = await connection.createAppender("customer_pseudonyms", "main", "temp");
  for (const { customer_id } of ids) {
    const pseudonym = protector.pseudonymise(customer_id);
    if (protector.isErased?.(pseudonym)) {
      // GDPR Art. 17: the split stage must have replaced this customer by ERASED. Publishing a
      // warehouse that holds them again would undo an erasure: stop instead.
      throw new Error(
        `an erased customer (${pseudonym}) reached the warehouse: the split stage did not apply the erasure ledger (outputs/privacy/erasure-ledger.jsonl); rerun from split with the ledger`,
      );
    }
    const previous = owner.get(pseudonym);
    if (previous !== undefined) throw new Error(`pseudonym collision: two customer numbers map to one pseudonym (${pseudonym})`);
    owner.set(pseudonym, customer_id);
    pseudonymOf.set(customer_id, pseudonym);
    pseudonyms.appendVarchar(customer_id);
    pseudonyms.appendVarchar(pseudonym);
    pseudonyms.endRow();
  }
  pseudonyms.closeSync();

  // Customers are encrypted a batch at a time (a range of customer numbers per query), so that
  // the JavaScript heap holds one batch of plaintexts, never every customer's (10 M rows: about
  // 5 million personal values). Same order as one query: ranges ascend, each ordered inside.
  const valuesSql = renderSql(path.join(STAGING_DIR, "customer_personal_values.sql"));
  const ciphertexts = await connection.createAppender("customer_ciphertexts", "main", "temp");
  let encryptedFields = 0;
  for (let first = 0; first < ids.length; first += CUSTOMERS_PER_BATCH) {
    const last = Math.min(first + CUSTOMERS_PER_BATCH, ids.length) - 1;
    const values = await query<{ customer_id: string; column_name: string; plaintext: string }>(
      connection,
      `select * from (${valuesSql}) where customer_id between $first and $last order by customer_id, column_name, plaintext`,
      { first: ids[first].customer_id, last: ids[last].customer_id },
    );
    for (const v of values) {
      const pseudonym = pseudonymOf.get(v.customer_id)!;
      const ciphertext = protector.encrypt(pseudonym, v.column_name, v.plaintext);
      ciphertexts.appendVarchar(v.customer_id);
      ciphertexts.appendVarchar(v.column_name);
      ciphertexts.appendVarchar(v.plaintext);
      if (ciphertext === null) ciphertexts.appendNull();
      else ciphertexts.appendVarchar(ciphertext);
      ciphertexts.endRow();
    }
    encryptedFields += values.length;
  }
  ciphertexts.closeSync();
  return { customers: ids.length, encryptedFields };
}
