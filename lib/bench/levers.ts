/**
 * What was tried on each stage's time (issue 24), and what a missed target would take next, as
 * data the benchmark report renders beside the run's own figures (lib/bench/report.ts). Each
 * attempt names its commit, where its before/after measurement is recorded; the report prints no
 * other figure than the run's. Keep it in step with the code: an attempt later undone says so.
 */
import type { BenchRun } from "./results";

export interface StageLevers {
  stage: string;
  /** What was changed for speed or memory, each with its commit. */
  tried: { commit: string; what: string }[];
  /** Where the remaining time is, from the profiles taken so far. */
  where: string;
  /** What would cut it next. */
  next: string;
}

export const STAGE_LEVERS: readonly StageLevers[] = [
  {
    stage: "split",
    tried: [
      { commit: "f36cb7f", what: "the customers model groups on the 14 customer columns and computes the version id once per version, not once per sale line" },
      { commit: "7f18067", what: "records numbered by a join on the few records holding newlines, not by a window over the whole scan (which ran it on one thread)" },
      { commit: "4f60bfb", what: "each CSV file read into a table of the split's engine rather than written to a zstd Parquet file of the work directory (undone in a023d15: at 10 M rows the read took 41 s instead of 71 s, but the table spilled uncompressed and every entity's pass read it back, so the stage took as long, 129.4 s against 129.1 s, with 15 % more CPU; faster only where the table fits in memory, at 1 M rows)" },
    ],
    where:
      "the read is one DuckDB scan of the gzip file beside an input check in Node (checksum, gzip, UTF-8, physical lines) that decompresses the file a second time on the other core; then every entity is written sorted by record key.",
    next:
      "check the input inside the scan's own decompression (or only where DuckDB cannot), and write entities in scan order once DuckDB's order preservation through the views is proven byte for byte (dropping order_lines' sort alone changed the file's bytes). The read's Parquet copy costs about as much as the scan itself (at 10 M rows the statement took 71 s, 41 s into an uncompressed table, which then spilled): a cheaper copy must stay as cheap to read back, for every entity reads it. Not levers (the stage at 1 M rows on one export, two runs each): the raw copy's Parquet codec (zstd 10.9 and 10.1 s, snappy 10.6 and 10.3, lz4_raw 10.6 and 10.2, uncompressed 10.6 and 10.8); a DuckDB database file in its place (the copy alone 6.75 s against 5.53 s as Parquet, read back as fast). Measured in parts, decompressing the export once (the input check writing out the CSV it checks, DuckDB scanning that file on both cores) would save about a second at 1 M rows: the scan and copy took 5.3-6.0 s from the gzip file and 3.4-4.1 s from the plain one, the check 2.0 s of one core. Not a lever either: a first scan without `store_rejects` (the scan that stores rejected records again only when that one fails). Alone, at 1 M rows, its copy took 4.29-4.71 s against 6.55-6.78 s (three runs each), but in the stage, beside the input check that holds the other core, the read took 6.60-7.27 s against 7.24-7.35 s and the stage 10.50-11.24 s against 11.26-11.57 s (three runs each, alternated), and at 10 M rows 72.2 s against 73.6 s (the stage 130.7 s against 131.1 s, one run each): the scan is bound by the CPU the two passes share, not by the rejects.",
  },
  {
    stage: "cleanse",
    tried: [
      { commit: "9587423", what: "rank only the rows whose dedupe key is shared (undone in 09e4ce8: it missed duplicates the full ranking finds)" },
      { commit: "a9ecd8c", what: "the rejects' events materialised in narrow steps (at 10 M rows the one-query version ran out of memory on customers)" },
      { commit: "e5f5d9f", what: "each entity's typed rows written once to Parquet in the stage's spill directory and read through a view, instead of an in-memory table that spilled and was read back from disk by every later pass" },
      { commit: "a0b190e", what: "the quality profile counts present values from the missing-value events instead of testing every staged value again" },
      { commit: "442953c", what: "the raw-row hash computed only for the rows of a duplicate pair; kept rows found by one anti-join" },
      { commit: "d09f7cf", what: "the phone rule parses once the spellings of one number that differ only by separators" },
      { commit: "8ec6f15", what: "a value map in three or four statements instead of eight (each statement a round trip of a millisecond or two whatever the data: a fixed cost of every run, some fifty maps)" },
      { commit: "6912b74", what: "the rules of a map of 250,000 distinct values or more run on worker threads, one slice of each batch per core, put back in order (the same map, row for row); smaller maps stay on the main thread, where the workers' start-up would not be earned back" },
    ],
    where:
      "the step named after order_lines includes the customers' assessment that runs before it: the phone rule (libphonenumber, on each distinct phone and country), then the SQL passes of each entity (typed copy, events, duplicates, writes of kept rows and rejects).",
    next: "a cheaper phone validation than one libphonenumber parse per distinct value (the largest single cost left in the stage, now shared by the cores while DuckDB waits), and fewer whole passes over the sale lines. Not a lever: the order lines' lookup of each line's customer version is a correlated subquery, and rewritten as a join it took as long (851-925 ms against 834-892 ms on one 1 M-row staging, measured alone): DuckDB decorrelates it into the same join.",
  },
  {
    stage: "warehouse",
    tried: [
      { commit: "7b56336", what: "fact tables' keys and relationships checked by the build's gates instead of enforced constraints (what the constraints would cost is measured on every run, above)" },
      { commit: "caf5663", what: "field encryption: the IV sub-key kept as bytes, the MAC input written into one buffer" },
      { commit: "45b685a", what: "protect step: each customer's values de-duplicated without a map, plaintexts sent to the worker threads as one transferred buffer" },
      { commit: "889a573", what: "pseudonyms written straight into DuckDB (no map of every customer in the JavaScript heap)" },
      { commit: "d990111", what: "dim_customer joins rows and ciphertexts by position (the hash join on row_id spilled under the memory limit)" },
      { commit: "08ecc98", what: "dim_customer's surrogate keys numbered over (pseudonym, version) alone, not by a window over rows carrying nine ciphertexts" },
      { commit: "9f6b61d", what: "the pseudonyms' temporary table without key constraints (their in-memory indexes ran the 10 M build out of memory beside the sort of the customer rows); a repeated pseudonym is found by a query" },
      { commit: "446c264", what: "one encryption per customer row: its personal fields as one JSON record, dim_customer.personal_enc, where each field had its own ciphertext (one HMAC and one AES-GCM per row instead of per field)" },
      { commit: "cefe352", what: "the key ring's wrapped keys as flat strings rather than ropes of their parts (half the heap per customer; memory, not time)" },
      { commit: "a44a353", what: "the customer rows in clear: window passes on the narrow columns (keys, dates, tracked attributes), the personal values joined once at the end" },
      { commit: "d87641a", what: "the whole stage under a 1 GB memory limit instead of 2 GB (measured, not taken: the peak 1 GiB lower, the stage a fifth slower; lib/engine/settings.ts)" },
      { commit: "56aae15", what: "the geography reference parses communes.json once, into a table of the seven columns it reads (a fixed cost of every build)" },
      { commit: "5e803be", what: "the encryption loop under a 1 GB memory limit of its own, and a full collection of Node's heap whenever 256 MiB of garbage have piled up in it (memory: the stage's peak moved from the encryption to fact_sales)" },
      { commit: "887b07e", what: "the key ring's wrapped keys as 64 bytes in slots outside Node's heap, new data keys drawn from the CSPRNG 32 KiB at a time (a quarter less time per new key, a sixth of the heap)" },
      { commit: "ff79fa2", what: "dim_customer's surrogate keys put beside their rows by position (numbered on narrow rows, sorted back into row_id order), not by a hash join that made DuckDB materialise the rows with their ciphertexts and read them back twice" },
      { commit: "e418393", what: "the customer rows' geography join is one equality (the postal code, null outside France), which DuckDB hashes: with the country test beside it, the LEFT JOIN ran as a nested loop over every customer row and every postal code (tests/warehouse/joinPlans.test.ts now fails on any such join in split, cleanse, warehouse or marts)" },
      { commit: "ee7c670", what: "fact_sales joins each line's freight share and customer version back on one BIGINT key (the file's number, then the line), not on the file's name and line: the name, stored apart from its row, made the two 10 M-row hash tables spill to temporary files, which the warehouse encrypts" },
      { commit: "f74b249", what: "the lake written one year at a time: each COPY sorts a year of rows on the lake's single thread instead of the whole table, which spilled to the encrypted temporary files (26.9 s against 17.0 s for the lake at 10 M rows)" },
      { commit: "b9ac374", what: "dim_customer's unknown and erased members stored after the customers: as a leading row group of 2 rows, a checkpoint merged them into the next ones and rewrote the whole table (2.2 s at 1 M rows, paid by the next statement that committed, 26 ms after; at 10 M rows, 24 row groups, DuckDB did not merge them and nothing changed: 270.1 s against 270.8 s for the stage)" },
      { commit: "d1747c8", what: "a customer row's personal record is the JSON array of its nine values, not an object naming them: the names were about half of each record, in clear through the protect step's sorts and temporary tables and, encrypted, in dim_customer (the stage alone at 10 M rows 214.1 s against 244.4 s, the protect step ending at 103.4 s against 121.8 s, dim_customer 43.6 s against 57.3 s; at 1 M rows 14.9-15.2 s against 16.3-16.6 s)" },
      { commit: "e893270", what: "the key ring's file written straight from its slots' bytes, not through a flat copy of every wrapped key's string and JSON.stringify (the stage's commit step at 1 M rows 0.61-0.74 s against 1.03-1.08 s)" },
    ],
    where:
      "the protect step is, per customer, a pseudonym (HMAC), a new data key wrapped under the master key (HMAC and AES-GCM, on the main thread) and the key's IV sub-key (two HMACs, in a worker), then per customer row one HMAC and one AES-256-GCM operation on its personal record (worker threads, one per core). Before the encryption, the SQL that lays out the customer rows in clear with their record (staging/customer_rows.sql) took 98 s of the step at 10 M rows in a profile of cefe352, when its window passes sorted the customers' whole versions, personal columns included; on the narrow columns (a44a353) the step took 24 s less, and with its geography join hashed (e418393) the statement takes about 17 s, 37 s of its DuckDB operator time having been that join. The encryption itself is about 100 s, the data keys' wrapping on the main thread (HMAC and AES-GCM, about 21 us a customer) beside the records' encryption in the workers. After the step, dim_customer under its own memory limit, fact_sales, the lake and the commit. The stage's memory peaked at the end of the encryption until 5e803be and 887b07e (4.29 GiB at 10 M rows: the engine's temporary tables of rows and ciphertexts under the stage's 2 GB limit, beside the key ring and its garbage, 1,258 MiB of Node's heap); it now peaks in fact_sales and the lake under that 2 GB, the key ring holding 282 MiB of heap and 152 MiB outside it. DuckDB's profiles of the models at 10 M rows (on ff79fa2's parent and on ff79fa2): most of dim_customer's time and of fact_sales' is now their INSERT into the encrypted core (about 1 GB of ciphertexts for dim_customer, 28 s of its 57 s; 53 s of fact_sales' 66 s), then reading the spilled temporary tables of rows and ciphertexts side by side (18 s), and fact_sales' window passes of the freight allocation (28 s of operator time across both cores). Much of that INSERT time was spilling: the warehouse encrypts its temporary files (DuckDB's mbedTLS path, the only one offline), and on the state captured before fact_sales at 10 M rows the statement took 66 s with encrypted spills, 35 s with plain ones and 21 s once it no longer spilled (ee7c670). dim_customer under the build's 2 GB instead of its own 1 GB: the stage 240.0 s against 250.7 s, its peak 2.86 GiB against 2.70 (not taken, beside the 3 GiB target).",
    next:
      "the statements that still spill to encrypted temporary files at 10 M rows, each measured alone on the state captured before it: customer_rows (its rows with their personal record sorted by row_id: 29.0 s, 14.9 s with plain spills) and dim_customer (it reads the temporary tables of rows and ciphertexts under its 1 GB limit: 50.4 s, 33.4 s with plain spills, 43.7 s under 2 GB). Narrower rows in the sort, and the ciphertexts written straight into the rows' table during the encryption (sparing dim_customer's pass over both temporary tables), would cut both: the first is d1747c8 (those figures were measured before it), the second is left. In the protect step, making and wrapping each new data key in the worker threads rather than on the main thread was tried and left out: the protect step took 7.4 to 7.8 s against 6.6 to 7.7 s at 1 M rows (three runs each, alternated) and 131.1 s against 129.5 s at 10 M rows, since both cores are already busy during the encryption; its cost is CPU time, wherever it runs (without any wrapping at all the step took 5.7 s against 7.5 s at 1 M rows). Not a lever either (10 M rows, the stage alone on one staging with new keys, one run each): the two tables in an encrypted database file of the build's spill directory instead of temporary tables, stored compressed rather than spilled: the stage 233.3 s against 241.2 s, within the spread of single runs, the protect step 132.4 s against 112.0 (appending the ciphertexts to a stored table costs more), dim_customer 39.0 s against 56.8; customer_rows alone in that file, 233.3 s (its statement 39.6 s, slower than into the temporary table).",
  },
  {
    stage: "marts",
    tried: [
      { commit: "61fd81c", what: "personal-data scan: one pass per table (distinct cells unpivoted, one hash join against the known values)" },
      { commit: "e5a3e2a", what: "sales_daily counts distinct customers on an integer per pseudonym instead of the 35-character pseudonym" },
      { commit: "240991e", what: "sales_daily reads fact_sales through a NOT MATERIALIZED CTE: DuckDB materialised the lines it reads twice into a buffer that spilled (the statement 32.8 s against 26.0 s at 10 M rows)" },
      { commit: "be8e4cc", what: "sales_daily sums each row straight from its lines and knows its orders and customers from the first and last ones; only the rows of more than one (193,983 of 9,368,605 at 10 M rows) are counted from their lines again, where every line was summed per order first and the customers counted by a separate pass joined back (the statement 24.4 s against 33.5 s at 10 M rows, the stage 74.3 s against 89.7 s on the same core; the same change on customer_monthly gained nothing measurable and was left out)" },
      { commit: "5ac6dc3", what: "the personal-data scan groups each searched column alone, in its own type, and probes every table's distinct values against the known values by one join, where each of the 16 tables unpivoted its columns to text rows and hashed the known values again (the step 5.1-8.0 s against 10.5-11.1 s at 10 M rows, three runs each on the same core)" },
    ],
    where: "sales_daily, customer_monthly and customer_sales each aggregate the fact table to their own grain; the personal-data scan reads every searched column once. In DuckDB's profile of sales_daily at 10 M rows after be8e4cc, writing its 9.4 M rows into the marts file (the INSERT) is about half of the statement, the aggregate of the lines most of the rest.",
    next: "the writes: sales_daily and customer_monthly each write some 8-9 M rows of about twenty columns, their profile's text repeated on every row (the INSERT about 12 and 10 s of operator time at 10 M rows); fewer or narrower columns would change the marts' schema, which the notebooks and the Open Data queries read.",
  },
  {
    stage: "opendata",
    tried: [
      { commit: "fe7709e", what: "the design ladder caches each extraction by the parameters its SQL reads, not per rung" },
      { commit: "52058ae", what: "the release's personal-data gate keeps the known values in the engine and hands the automaton only those whose longest word occurs in the files" },
      { commit: "9d0006c", what: "a rung no safe pattern can bring within the targets (a lower bound of every safe pattern's loss) is left out before it is protected" },
      { commit: "6a535ac", what: "the optimal method reuses a repair when its master returns a pattern already repaired; only the kept repair is audited again in full" },
      { commit: "5c47fc2", what: "the pruning's trials solve the figures around the republished cell first and stop at the first exposed one, instead of proving the whole group by batch solves" },
      { commit: "e847c5a", what: "a pruning trial that publishes back a complement some protected figure needs fails on that pinned figure before any LP is built; cell keys built without sorting the dimensions again for every key" },
      { commit: "d8127f9", what: "the stage under a 1.5 GB memory limit instead of 2 GB (memory: its peak was DuckDB's, in the extraction of the rungs; about the same time)" },
      { commit: "f7eaf9f", what: "the personal-data gate counts a known value's UTF-16 length (a regular expression) only for values shorter than 3 characters, not for every value" },
      { commit: "b42e5a8", what: "the sales-by-area and deliveries extractions group customers by the two 64-bit numbers their pseudonym's hex digits write, and periods by a number, instead of by text (same cells; at 10 M rows the deliveries' rungs took about half the time, 23.2 and 20.1 s against 11.5 and 12.2 s, sales by area about a tenth less; sales by channel and customers by profile gained nothing measurable and were left as they were)" },
      { commit: "b70a9e1", what: "the customers-by-profile extraction groups together the customers whose rows all fall in one leaf (area, profile, gender: 98 % of them), which contribute that leaf to every cell above it, and only the others by pseudonym; sales by channel groups periods by number (same cells; at 10 M rows the customers query's 5 rungs took 56.5 s against 92.8 s, sales by channel's 3 rungs 31.5 s against 35.1 s; the same grouping on sales by area, where 28 % of customers have one leaf, was slower and left out)" },
      { commit: "bd23900", what: "the design ladder's first test of a rung (what primary suppression alone hides) builds the release's cells only, not its relations (the stage about 0.4 s shorter on the default data, 5.4 s against 5.8 s, four runs each; a fixed cost of every run)" },
      { commit: "3ad5d6a", what: "the design ladder tests a rung's tables against the target one at a time, those already extracted first, and rules the rung out at the first over it without extracting the others: at 1 M rows the sales ladder's month, quarter and year rungs are ruled out by the customers table, which has no time grain, so sales by area and by channel are not extracted for them (the stage alone on the same marts 9.1 and 9.9 s against 13.3 and 13.4 s, the same release; no measurable change on a 10,000-row export; none at 5 M rows either, 59.7 and 61.5 s against 62.3 and 63.3 s, where the same three rungs pass primary suppression table by table and are ruled out by the loss bound of the whole group, after every table is extracted; the release's design measurements list only the tables tested for a rung ruled out by primary suppression)" },
    ],
    where:
      "the stage's cost follows the cells of the rungs it protects (heuristic rounds of LP solves, the optimal method's repairs and audits), plus the extraction of each rung from the marts.",
    next:
      "fewer LP solves on the largest rungs (one per exposed figure per heuristic round today). Rolling the coarser time grains up from the finest one would spare extractions of sums only: a distinct-customer count does not add up (a customer of two months is one customer of the year). The per-customer cubes cost what they emit, not their keys' width (a customer x cell row per customer and cell it has lines under): b70a9e1 took the customers of a single leaf out of the profile table's cube, but in the sales tables most customers span several months or categories (72 % of them at 1 M rows), and each sales rung extracts sales by area and by channel again from the marts (about 15 and 11 s a rung at 10 M rows). The coarser time grains could be cut from the month rung's per-customer rows if those were kept (a customer's year is the union of its months), at the cost of holding them. Not a lever: summing sales by area's rows first to each customer's leaf (period, area, category) and building the cube on those gives the same cells but took longer at 1 M rows (month rung 1.64-1.69 s against 1.12-1.35 s, year rung 1.51-1.73 s against 0.98-1.05 s, the statement alone, two runs each): DuckDB's grouping sets already read customer_monthly once. At 5 M rows the sales ladder's month, quarter and year rungs (12 s each, most of it extracting sales by area and by channel) are ruled out by the loss bound of customers_by_area_profile: on the 2 M-row marts the bound of that table computed alone equals its bound in the group at each of those rungs (27.6 % of its cells), so computed on the tables already extracted it would rule them out before the sales extractions, as 3ad5d6a does with primary suppression. It is not a proof yet: a figure's a-priori interval (twice the largest cell of its concept among the tables modelled together, knowledge.ts) and the audit's tolerance (from the largest number of an LP) depend on which tables are modelled, so a bound of some tables alone bounds their loss in the group only where those agree. Not a lever: one extraction of the month, quarter and year rungs together (the lines crossed with the three grains, one grouping-sets query) gives the same cells as three but took as long on the 2 M-row marts (10.3 s against 10.4 s): the extraction's cost is its per-customer aggregate, not its scan of the marts. Any change to the LP solves (the first solve of each group with presolve or the dual simplex took a third to a half less time on a 10,000-row export) changes which vertex, hence which cuts and which pattern, the protection reaches, so the published release: it has to come with a new release, not as a speed-up. Not levers, on the release's protection: harvesting each exact solve's optimum as one more feasible point (the same release; on a 10,000-row export 307 batch and 175 exact solves of the large groups against 323 and 215; on the 2 M-row marts the protection ended at 21.2 and 21.4 s against 21.8 and 21.5 s); exact solves alone, without the batch proofs (on a 10,000-row export 1,229 solves of the large groups, 1.15 s, against 0.98 s with the batches): a batch solve costs about 2.5 ms there and an exact one 0.3 ms, and the batches still prove more per millisecond.",
  },
];

/**
 * The protect step's own figures, read from its progress message: `N customers pseudonymised,
 * M personal records encrypted` (one encryption per customer row), or in runs of the code before
 * that, `N customers pseudonymised, M fields encrypted` (one per personal field).
 */
export function protectFigures(run: BenchRun): { customers: number; encryptions: number; unit: "record" | "field"; seconds: number } | undefined {
  const warehouse = run.stages.find((s) => s.stage === "warehouse");
  for (const step of warehouse?.steps ?? []) {
    const m = /^(\d+) customers pseudonymised, (\d+) (personal records|fields) encrypted$/.exec(step.label);
    if (m) return { customers: Number(m[1]), encryptions: Number(m[2]), unit: m[3] === "fields" ? "field" : "record", seconds: step.seconds };
  }
  return undefined;
}
