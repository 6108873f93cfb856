/**
 * The one step of the build that runs in Node rather than in DuckDB: pseudonymise the customer
 * numbers and encrypt the customers' personal fields (DuckDB has neither hmac nor AES). The
 * results go into TEMP tables of the build connection, read by dim_customer.sql and
 * fact_sales.sql and gone when the connection closes (the build drops the two that hold
 * plaintexts or ciphertexts as soon as dim_customer is built):
 *   customer_pseudonyms(customer_id, customer_pseudonym)
 *   customer_rows(row_id, customer_seq, customer_id, version_number, ..., personal_plain, customer_pseudonym):
 *     the rows of dim_customer in clear (staging/customer_rows.sql), each row's personal fields
 *     as one JSON array of their values, in the order of ENCRYPTED_FIELDS (lib/warehouse/protector.ts)
 *   customer_row_ciphertexts(row_id, personal_enc): the ciphertext of each row's record, one row
 *     per row of customer_rows
 * Only the values the dimension shows are encrypted (a superseded email of an old version is
 * not), one record per row: one HMAC and one AES-GCM operation for the nine fields, where one per
 * field cost 19.5 µs of wall time each at 10 M rows (Node's crypto costs about the same per call
 * whatever the length). A customer's rows that show the same record share one encryption.
 */
import * as path from "node:path";
import { getHeapStatistics } from "node:v8";
import type { DuckDBConnection } from "@duckdb/node-api";
import { collectGarbage } from "../engine/heap";
import { engineSettings } from "../engine/settings";
import { query, renderSql, run, withMemoryLimit } from "./db";
import { PERSONAL_COLUMN, PERSONAL_RECORD, type FieldToProtect, type Protector } from "./protector";

const STAGING_DIR = path.join(__dirname, "staging");

/**
 * Customers whose rows are read and encrypted per batch: the JavaScript heap holds a few batches
 * of plaintexts, never every customer's (10 M rows: about 2.5 million customers).
 */
const CUSTOMERS_PER_BATCH = 10_000;
/** Batches being encrypted while the next one is read (one per worker thread is enough). */
const BATCHES_IN_FLIGHT = 3;
/**
 * Garbage the encryption may leave in Node's heap before a full collection. The batches live
 * across awaits, so V8 promotes them to its old generation and collects it only when that has
 * grown by some multiple of what survives (the key ring): at 10 M rows (code of 21ab2de) the heap
 * reached 1,258 MiB used for 544 MiB alive, on top of DuckDB's memory.
 */
const HEAP_GARBAGE_BYTES = 256 * 2 ** 20;

export interface ProtectionSummary {
  customers: number;
  /** Personal records encrypted: one per customer row that shows any personal value (a customer's rows that show the same record count once). */
  encryptedRecords: number;
}

export async function protectCustomers(connection: DuckDBConnection, protector: Protector, buildMemoryLimit: string): Promise<ProtectionSummary> {
  // No key constraints: their indexes must fit in memory, and beside the sorts below they ran the
  // build out of memory at 10 M rows (2.5 million customers). Customer numbers are distinct
  // (customer_ids.sql); a repeated pseudonym is looked for by a query once the table is filled.
  await run(connection, "create or replace temp table customer_pseudonyms (customer_id varchar not null, customer_pseudonym varchar not null)");

  // No customer number left (a source without customers, or a retention run that erased them
  // all): no column comes back at all, and the warehouse has only its unknown and erased members.
  // The result itself is not kept: its chunks would stay in memory for the whole step.
  let ids = ((await connection.runAndReadAll(renderSql(path.join(STAGING_DIR, "customer_ids.sql")))).getColumnsJS()[0] ?? []) as string[];
  const customerCount = ids.length;
  // The pseudonyms go straight into DuckDB: no map of every customer stays in the JavaScript heap
  // (at 5 M rows, 1.2 million customers: hundreds of MiB, and garbage collections that scanned
  // them again and again).
  const pseudonyms = await connection.createAppender("customer_pseudonyms", "main", "temp");
  for (const customerId of ids) {
    const pseudonym = protector.pseudonymise(customerId);
    if (protector.isErased?.(pseudonym)) {
      // GDPR Art. 17: the split stage must have replaced this customer by ERASED. Publishing a
      // warehouse that holds them again would undo an erasure: stop instead.
      pseudonyms.closeSync();
      throw new Error(
        `an erased customer (${pseudonym}) reached the warehouse: the split stage did not apply the erasure ledger (outputs/privacy/erasure-ledger.jsonl); rerun from split with the ledger`,
      );
    }
    pseudonyms.appendVarchar(customerId);
    pseudonyms.appendVarchar(pseudonym);
    pseudonyms.endRow();
  }
  pseudonyms.closeSync();
  const collisions = await query<{ customer_pseudonym: string }>(
    connection,
    "select customer_pseudonym from customer_pseudonyms group by customer_pseudonym having count(*) > 1 order by customer_pseudonym limit 1",
  );
  if (collisions.length > 0) throw new Error(`pseudonym collision: two customer numbers map to one pseudonym (${collisions[0].customer_pseudonym})`);
  ids = [];

  // The rows of dim_customer in clear, read by ranges of customers (customer_seq): each batch's
  // distinct values are encrypted once, and the ciphertexts come back one row per row_id. Stored
  // in row_id order (customer_seq follows it), so that a batch's range reads its own row groups
  // (zone maps) rather than scanning the whole table once per batch, a cost that grew as the
  // square of the customers.
  await run(connection, `create or replace temp table customer_rows as select r.*, p.customer_pseudonym from (${renderSql(path.join(STAGING_DIR, "customer_rows.sql"))}) r join customer_pseudonyms p using (customer_id) order by r.row_id`);
  await run(connection, `create or replace temp table customer_row_ciphertexts (row_id bigint not null, ${PERSONAL_COLUMN} varchar)`);
  const [{ customers, rows }] = await query<{ customers: number; rows: number }>(
    connection,
    "select cast(coalesce(max(customer_seq), 0) as integer) as customers, cast(count(*) as integer) as rows from customer_rows",
  );
  // The encryption runs under a lower memory limit of its own (MEMORY_LIMITS.protect): the two
  // tables it reads and fills spill to disk rather than sit in memory beside the key ring and the
  // batches in Node's heap. The SQL above keeps the build's limit (under the lower one its sorts
  // spilled: 28 s more at 10 M rows); the build's comes back once the encryption is over.
  const { appended, encrypted } = await withMemoryLimit(connection, engineSettings("protect").memoryLimit, buildMemoryLimit, () => encryptCustomerRows(connection, protector, customers));
  if (appended !== rows) throw new Error(`protect: ${appended} rows of ciphertexts for ${rows} customer rows`);
  // dim_customer.sql reads the two tables side by side (POSITIONAL JOIN): the n-th ciphertext row
  // must be the n-th customer row. Both are written in row_id order; checked here, in one stream,
  // rather than trusted. A hash join on row_id instead held every ciphertext (about 1 GB at 5 M
  // rows) in its table and spilled under dim_customer's memory limit.
  const [{ misplaced }] = await query<{ misplaced: number }>(
    connection,
    "select cast(count(*) as integer) as misplaced from customer_rows r positional join customer_row_ciphertexts f where r.row_id is distinct from f.row_id",
  );
  if (misplaced !== 0) throw new Error(`protect: ${misplaced} rows of customer_row_ciphertexts are not beside their customer row (row_id order broken)`);
  return { customers: customerCount, encryptedRecords: encrypted };
}

/**
 * Encrypts the personal records of customer_rows, CUSTOMERS_PER_BATCH customers at a time, into
 * customer_row_ciphertexts (one row per customer row, in row_id order). Returns the rows written
 * and the records encrypted.
 */
async function encryptCustomerRows(connection: DuckDBConnection, protector: Protector, customers: number): Promise<{ appended: number; encrypted: number }> {
  const appender = await connection.createAppender("customer_row_ciphertexts", "main", "temp");
  const inFlight: { rowIds: bigint[]; slots: Int32Array; ciphertexts: Promise<(string | null)[]> }[] = [];
  let encrypted = 0;
  let appended = 0;
  let heapAlive = getHeapStatistics().used_heap_size;
  const append = async () => {
    if (getHeapStatistics().used_heap_size > heapAlive + HEAP_GARBAGE_BYTES) {
      collectGarbage();
      heapAlive = getHeapStatistics().used_heap_size;
    }
    const { rowIds, slots, ciphertexts } = inFlight.shift()!;
    const values = await ciphertexts;
    rowIds.forEach((rowId, r) => {
      appender.appendBigInt(rowId);
      const ciphertext = slots[r] < 0 ? null : values[slots[r]];
      if (ciphertext === null) appender.appendNull();
      else appender.appendVarchar(ciphertext);
      appender.endRow();
    });
    appended += rowIds.length;
  };
  try {
    for (let first = 1; first <= customers; first += CUSTOMERS_PER_BATCH) {
      const batch = await connection.runAndReadAll(
        `select row_id, customer_pseudonym, personal_plain from customer_rows
         where customer_seq >= ${first} and customer_seq < ${first + CUSTOMERS_PER_BATCH} order by row_id`,
      );
      if (batch.currentRowCount === 0) continue;
      const [rowIds, customerPseudonyms, records] = batch.getColumnsJS() as [bigint[], string[], (string | null)[]];
      // slots[row]: the index of the row's ciphertext in the batch, -1 for a row without personal
      // values. A customer's rows are consecutive (row_id follows customer_id), and a ciphertext
      // is shared only within a customer (the AAD names the customer): each record is compared
      // with the few records its customer showed so far, not looked up in a map of every record.
      const slots = new Int32Array(rowIds.length).fill(-1);
      const values: FieldToProtect[] = [];
      let pseudonym: string | undefined;
      let firstRow = 0;
      for (let r = 0; r < rowIds.length; r++) {
        if (customerPseudonyms[r] !== pseudonym) {
          pseudonym = customerPseudonyms[r];
          firstRow = r;
        }
        const record = records[r];
        if (record === null) continue;
        let slot = -1;
        for (let earlier = firstRow; earlier < r; earlier++) {
          if (records[earlier] === record) {
            slot = slots[earlier];
            break;
          }
        }
        if (slot < 0) {
          slot = values.length;
          values.push({ customerPseudonym: pseudonym, column: PERSONAL_RECORD, plaintext: record });
        }
        slots[r] = slot;
      }
      encrypted += values.length;
      const ciphertexts = protector.encryptBatch
        ? protector.encryptBatch(values)
        : Promise.resolve(values.map((f) => protector.encrypt(f.customerPseudonym, f.column, f.plaintext)));
      inFlight.push({ rowIds, slots, ciphertexts });
      if (inFlight.length >= BATCHES_IN_FLIGHT) await append();
    }
    while (inFlight.length) await append();
  } finally {
    // A failed batch must not leave the others' promises unobserved.
    await Promise.allSettled(inFlight.map((b) => b.ciphertexts));
    appender.closeSync();
    await protector.close?.();
  }
  return { appended, encrypted };
}
