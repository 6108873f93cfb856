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
import type { FieldToProtect, Protector } from "./protector";

const STAGING_DIR = path.join(__dirname, "staging");

/**
 * Personal values read and encrypted per batch: the JavaScript heap holds a few batches of
 * plaintexts, never every customer's (10 M rows: about 4 million personal values).
 */
const FIELDS_PER_BATCH = 50_000;
/** Batches being encrypted while the next one is read (one per worker thread is enough). */
const BATCHES_IN_FLIGHT = 3;

export interface ProtectionSummary {
  customers: number;
  encryptedFields: number;
}

export async function protectCustomers(connection: DuckDBConnection, protector: Protector): Promise<ProtectionSummary> {
  await run(connection, "create or replace temp table customer_pseudonyms (customer_id varchar primary key, customer_pseudonym varchar not null unique)");

  const reader = await connection.runAndReadAll(renderSql(path.join(STAGING_DIR, "customer_ids.sql")));
  const ids = reader.getColumnsJS()[0] as string[];
  const pseudonymOf = new Map<string, string>();
  const owner = new Map<string, string>();
  const pseudonyms = await connection.createAppender("customer_pseudonyms", "main", "temp");
  for (const customerId of ids) {
    const pseudonym = protector.pseudonymise(customerId);
    if (protector.isErased?.(pseudonym)) {
      // GDPR Art. 17: the split stage must have replaced this customer by ERASED. Publishing a
      // warehouse that holds them again would undo an erasure: stop instead.
      throw new Error(
        `an erased customer (${pseudonym}) reached the warehouse: the split stage did not apply the erasure ledger (outputs/privacy/erasure-ledger.jsonl); rerun from split with the ledger`,
      );
    }
    const previous = owner.get(pseudonym);
    if (previous !== undefined) throw new Error(`pseudonym collision: two customer numbers map to one pseudonym (${pseudonym})`);
    owner.set(pseudonym, customerId);
    pseudonymOf.set(customerId, pseudonym);
    pseudonyms.appendVarchar(customerId);
    pseudonyms.appendVarchar(pseudonym);
    pseudonyms.endRow();
  }
  pseudonyms.closeSync();

  // Every distinct personal value, numbered in a fixed order (customer, column, value): read by
  // ranges of that number, encrypted, and only the ciphertexts come back, joined on the number.
  await run(
    connection,
    `create or replace temp table customer_personal_values as
     select row_number() over (order by customer_id, column_name, plaintext) as value_number, *
     from (${renderSql(path.join(STAGING_DIR, "customer_personal_values.sql"))})`,
  );
  await run(connection, "create or replace temp table customer_value_ciphertexts (value_number bigint, ciphertext varchar)");
  const [{ n }] = await query<{ n: number }>(connection, "select cast(count(*) as integer) as n from customer_personal_values");
  const appender = await connection.createAppender("customer_value_ciphertexts", "main", "temp");
  const inFlight: { first: number; ciphertexts: Promise<(string | null)[]> }[] = [];
  const append = async () => {
    const { first, ciphertexts } = inFlight.shift()!;
    (await ciphertexts).forEach((c, i) => {
      appender.appendBigInt(BigInt(first + i));
      if (c === null) appender.appendNull();
      else appender.appendVarchar(c);
      appender.endRow();
    });
  };
  try {
    for (let first = 1; first <= n; first += FIELDS_PER_BATCH) {
      const batch = await connection.runAndReadAll(
        `select customer_id, column_name, plaintext from customer_personal_values
         where value_number >= ${first} and value_number < ${first + FIELDS_PER_BATCH} order by value_number`,
      );
      const [customerIds, columns, plaintexts] = batch.getColumnsJS() as [string[], string[], string[]];
      const fields: FieldToProtect[] = customerIds.map((id, i) => ({ customerPseudonym: pseudonymOf.get(id)!, column: columns[i], plaintext: plaintexts[i] }));
      const ciphertexts = protector.encryptBatch
        ? protector.encryptBatch(fields)
        : Promise.resolve(fields.map((f) => protector.encrypt(f.customerPseudonym, f.column, f.plaintext)));
      inFlight.push({ first, ciphertexts });
      if (inFlight.length >= BATCHES_IN_FLIGHT) await append();
    }
    while (inFlight.length) await append();
  } finally {
    // A failed batch must not leave the others' promises unobserved.
    await Promise.allSettled(inFlight.map((b) => b.ciphertexts));
    appender.closeSync();
    await protector.close?.();
  }
  await run(
    connection,
    `create or replace temp table customer_ciphertexts as
     select v.customer_id, v.column_name, v.plaintext, c.ciphertext
     from customer_personal_values v join customer_value_ciphertexts c using (value_number);
     drop table customer_value_ciphertexts;
     drop table customer_personal_values`,
  );
  return { customers: ids.length, encryptedFields: n };
}
