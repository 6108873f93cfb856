import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { DuckDBConnection } from "@duckdb/node-api";
import { openNative, queryRows, readSql, sqlIdent, sqlString } from "../engine/native";
import { engineSettings } from "../engine/settings";
import { replaceDirAtomically, writeJson } from "../io/atomicDir";
import { relativeToRoot } from "../io/paths";
import { checkHeader, inspectInput, InputError, InputFacts, NODE_ENCODING } from "../raw/inputCheck";
import { isMultiFile, SourceProfile } from "../raw/profile";
import { PhysicalFile, resolveSourceFiles } from "../raw/sourceFiles";
import { ACCEPTED_RECORD_TYPES, createRecords } from "./records";
import { createTableViews, FILE_SHIFT, loadCsvFile, numberCsvFile, numberParquetFile, rawCopyOf, translateEngineError } from "./readSource";
import { withProgress } from "../io/progress";

/** The staged entities, in the order the splitter writes them (one `.sql` model each). */
export const SPLIT_ENTITIES = [
  "order_lines",
  "stock_snapshots",
  "customers",
  "products",
  "suppliers",
  "carriers",
  "warehouses",
] as const;
export type SplitEntity = (typeof SPLIT_ENTITIES)[number];

export interface SplitManifest {
  source: {
    file: string;
    profile: string;
    bytes: number;
    sha256: string;
    physicalLines: number;
    /** ISO 4217 code of the source's amounts (from the profile). */
    currency: string;
    /** ISO 3166-1 alpha-2 country of the business (from the profile). */
    country: string;
    /** A multi-file export: each physical file, in the order that numbers their records. */
    files?: { file: string; table: string; bytes: number; sha256: string; physicalLines: number }[];
  };
  /** Records read = sale + stock + master + rejected. `master`: customers, products... on their own (multi-file profiles). */
  records: { read: number; sale: number; stock: number; master: number; rejected: number };
  rejectsByReason: Record<string, number>;
  outputs: Record<SplitEntity, { file: string; rows: number }>;
  rejectsFile: string;
  droppedColumns: string[];
  /** GDPR Art. 17: customers of the erasure ledger found in this export, replaced by the ERASED sentinel. */
  erasure?: { erasedCustomers: number; erasedRecords: number; scrubbedRejects: number };
}

export interface SplitOptions {
  /** The export: one file, or the directory of a multi-file profile's files. */
  input: string;
  profile: SourceProfile;
  /** Live output directory, e.g. outputs/staging/split; replaced only when the split succeeded. */
  outDir: string;
  log?: (message: string) => void;
  /** Memory ceiling for DuckDB; beyond it, it spills to disk (bounded memory on 10M rows). */
  memoryLimit?: string;
  /**
   * GDPR Art. 17 (no resurrection): given the distinct raw customer numbers, returns those whose
   * customer is in the erasure ledger (lib/privacy/ledgers.ts `erasedCustomerMatcher`). Their
   * records are anonymised here, before anything is written.
   */
  erasedCustomers?: (rawCustomerIds: string[]) => Set<string>;
}

const MODELS = path.join(__dirname, "models");

/** Never staged: the payment card number (data minimisation, GDPR Art. 5(1)(c)). */
const DROPPED_COLUMNS = ["card_number"];

const MASTER_TYPES = ACCEPTED_RECORD_TYPES.filter((t) => t !== "SALE" && t !== "STOCK");

/**
 * The data splitter: reads every file of the export once with DuckDB (parallel CSV scan, all
 * text), gives every record its file and physical source line before any profile expression
 * runs, applies the profile (column expressions, or per-record-type queries joining several
 * files), sets aside unreadable and excluded records with their reason, and writes one Parquet
 * file per entity plus a manifest. Memory stays bounded: DuckDB spills to disk beyond
 * `memoryLimit`, and no row ever enters the JavaScript heap.
 */
export async function splitExport(opts: SplitOptions): Promise<SplitManifest> {
  const log = opts.log ?? (() => {});
  const files = resolveSourceFiles(opts.profile, opts.input);
  for (const f of files) checkHeader(f.absolute, { profileName: opts.profile.name, ...f }, f.kind === "parquet");
  if (!isMultiFile(opts.profile)) checkHasRecords(files[0]);
  return replaceDirAtomically(opts.outDir, async (work) => {
    const spill = path.join(work, ".spill");
    // Opened on every core: the export's records are counted only once it has been read.
    const opened = engineSettings("split");
    const { instance, conn } = await openNative({
      memoryLimit: opts.memoryLimit ?? opened.memoryLimit,
      threads: opened.threads,
      tempDirectory: spill,
    });
    let current = opts.input;
    try {
      const facts: InputFacts[] = [];
      let records = 0;
      for (const [index, file] of files.entries()) {
        current = file.absolute;
        if (file.kind === "parquet") {
          facts.push(await inspectInput(file.absolute, file, true));
          records += await numberParquetFile(conn, index, file);
          continue;
        }
        // The checksum/gzip/UTF-8 pass runs beside DuckDB's scan; either failing fails the split. When
        // the input check fails first, the scan is interrupted and awaited: closing an engine while a
        // query runs would crash the process.
        const inspection = inspectInput(file.absolute, file).catch((err: unknown) => {
          conn.interrupt();
          throw err;
        });
        const rawFile = rawCopyOf(spill, index);
        const [inspected, loaded] = await Promise.allSettled([
          inspection,
          withProgress(`split: reading ${file.name}`, conn, () => loadCsvFile(conn, file, rawFile)),
        ]);
        if (inspected.status === "rejected") throw inspected.reason;
        if (loaded.status === "rejected") throw loaded.reason;
        facts.push(inspected.value);
        records += await numberCsvFile(conn, index, file, rawFile);
        log(`split: read ${file.absolute}`);
      }
      // Its records counted, a small export's engine goes on with one thread (engineSettings).
      const threads = engineSettings("split", records).threads;
      if (threads !== opened.threads) await conn.run(`set threads = ${threads}`);
      current = opts.profile.file ?? opts.input;
      await conn.run(`create table source_files as select * from (values ${files.map((f, i) => `(${sqlString(f.name)}, ${BigInt(i) << BigInt(FILE_SHIFT)}::bigint)`).join(", ")}) v(source_file, record_key_base)`);
      await createTableViews(conn, files);
      await createRecords(conn, opts.profile, spill);
      current = opts.input;
      await classifyRecords(conn);
      const erasure = opts.erasedCustomers ? await applyErasureLedger(conn, opts.erasedCustomers) : undefined;
      if (erasure) log(`split: ${erasure.erasedCustomers} erased customers (${erasure.erasedRecords} records) anonymised`);
      await conn.run(`create or replace view raw_sale as ${readSql(MODELS, "raw_sale.sql")}`);
      await conn.run(`create or replace view raw_stock as ${readSql(MODELS, "raw_stock.sql")}`);
      const manifest = await writeOutputs(conn, work, opts, files, facts, erasure);
      if (manifest.records.read === 0) {
        throw new InputError(opts.input, "holds no record (a header and nothing else)", "export the data again; an empty export has nothing to load");
      }
      fs.rmSync(spill, { recursive: true, force: true });
      return manifest;
    } catch (err) {
      throw await translateEngineError(err, current, files.find((f) => f.absolute === current));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
}

/** A one-file export that is only a header stops here, before anything is written. */
function checkHasRecords(file: PhysicalFile): void {
  if (file.kind === "parquet") return;
  const size = fs.statSync(file.absolute).size;
  if (size > 1 << 16) return;
  let text = fs.readFileSync(file.absolute);
  if (file.absolute.endsWith(".gz")) {
    try {
      text = zlib.gunzipSync(text);
    } catch {
      return; // a damaged archive: the full check names it
    }
  }
  const body = text.toString(NODE_ENCODING[file.encoding]).replace(/^\uFEFF/, "").split(/\r?\n/).slice(1).join("").trim();
  if (body === "") throw new InputError(file.absolute, "holds a header and no record", "export the data again; an empty export has nothing to load");
}

/**
 * Sorts the records: rejected by the reader (with their lines), excluded by the profile or of an
 * unknown type (`raw_excluded`), and the rest (`raw`), which every entity model reads.
 */
async function classifyRecords(conn: DuckDBConnection): Promise<void> {
  const accepted = ACCEPTED_RECORD_TYPES.map(sqlString).join(", ");
  await conn.run(`create or replace view raw_all as select * from records`);
  // The id of a customer attribute version: the customer columns exactly as typed.
  await conn.run(`create or replace macro customer_version_of(${CUSTOMER_VERSION_COLUMNS.join(", ")}) as
    md5(concat_ws(chr(31), ${CUSTOMER_VERSION_COLUMNS.map((c) => `coalesce(${c}, chr(0))`).join(", ")}))`);
  await conn.run(`create table raw_excluded as
    select source_file, source_line, record_key, exclusion_reason, record_type from raw_all
    where exclusion_reason is not null or record_type_clean is null or record_type_clean not in (${accepted})`);
  await conn.run(`create or replace view raw as
    select * from raw_all
    where exclusion_reason is null and record_type_clean in (${accepted})`);
}

const CUSTOMER_VERSION_COLUMNS = [
  "customer_id", "customer_type", "company_name", "first_name", "last_name", "email", "phone", "birth_date",
  "gender", "street", "postal_code", "city", "country", "segment",
];

/** The customer columns of the raw contract: all blanked for an erased customer. */
const CUSTOMER_COLUMNS = [
  "customer_type", "company_name", "first_name", "last_name", "email", "phone", "birth_date", "gender",
  "street", "postal_code", "city", "country", "segment", "card_number",
];

/**
 * The erasure ledger, applied at the earliest point that reads the raw export (GDPR Art. 17 and
 * 5(1)(e)): the records of an erased customer keep their sales (accounting obligation, Art.
 * 17(3)(b)) but their customer number becomes the sentinel ERASED and every customer column is
 * blanked, so no staged file, reject or later output holds their values again. Rejected raw text
 * that contains any of their values is scrubbed too. Pseudonyms are computed in Node (no hmac in
 * DuckDB) for the distinct customer numbers only.
 */
async function applyErasureLedger(conn: DuckDBConnection, match: (ids: string[]) => Set<string>) {
  const ids = (await queryRows<{ id: string }>(conn, "select distinct customer_id as id from raw where customer_id is not null")).map((r) => r.id);
  const erased = [...match(ids)].sort();
  if (erased.length === 0) return { erasedCustomers: 0, erasedRecords: 0, scrubbedRejects: 0 };
  await conn.run(`create temp table erased_ids as select unnest([${erased.map(sqlString).join(", ")}]::varchar[]) as customer_id`);
  // Their values, to find them in rejected raw lines that DuckDB could not even parse.
  await conn.run(`create temp table erased_values as
    select distinct v from (
      select unnest([customer_id, email, phone, first_name || ' ' || last_name, street, card_number]) as v
      from raw where customer_id in (select customer_id from erased_ids)
    ) where v is not null and length(trim(v)) >= 4`);
  const [{ scrubbed }] = await queryRows<{ scrubbed: number }>(
    conn,
    `select count(*)::bigint as scrubbed from csv_rejects_all r
     where exists (select 1 from erased_values e where contains(coalesce(r.csv_line, '') || coalesce(r.error_message, ''), e.v))`,
  );
  // The rejected lines are read from every file's table: their scrubbed copy replaces the view.
  const hit = "exists (select 1 from erased_values e where contains(coalesce(csv_line, '') || coalesce(error_message, ''), e.v))";
  await conn.run(`create or replace table csv_rejects_scrubbed as
    select * replace (
      case when ${hit} then '[erased: GDPR Art. 17]' else csv_line end as csv_line,
      case when ${hit} then '[erased: GDPR Art. 17]' else error_message end as error_message)
    from csv_rejects_all`);
  await conn.run("create or replace view csv_rejects_all as select * from csv_rejects_scrubbed");
  // A line of theirs whose customer number is missing still carries their email: it goes too.
  const theirs = `customer_id in (select customer_id from erased_ids)
    or (customer_id is null and lower(trim(email)) in (
      select lower(trim(email)) from raw where customer_id in (select customer_id from erased_ids) and email is not null))`;
  await conn.run(`create temp table erased_lines as select record_key from raw where ${theirs}`);
  const [{ records }] = await queryRows<{ records: number }>(conn, "select count(*)::bigint as records from erased_lines");
  // From here on every reader of the export sees them anonymised: sentinel number, customer columns blank.
  await conn.run(`create or replace view raw as
    select r.* replace (
        case when e.record_key is null then r.customer_id else 'ERASED' end as customer_id,
        ${CUSTOMER_COLUMNS.map((c) => `case when e.record_key is null then r.${sqlIdent(c)} end as ${sqlIdent(c)}`).join(",\n        ")})
    from raw_all r
    left join erased_lines e on e.record_key = r.record_key
    where r.exclusion_reason is null and r.record_type_clean in (${ACCEPTED_RECORD_TYPES.map(sqlString).join(", ")})`);
  await conn.run("drop table erased_values; drop table erased_ids");
  return { erasedCustomers: erased.length, erasedRecords: records, scrubbedRejects: scrubbed };
}

async function writeOutputs(
  conn: DuckDBConnection,
  work: string,
  opts: SplitOptions,
  files: PhysicalFile[],
  facts: InputFacts[],
  erasure?: SplitManifest["erasure"],
): Promise<SplitManifest> {
  const outputs = {} as SplitManifest["outputs"];
  for (const entity of SPLIT_ENTITIES) {
    const file = `${entity}.parquet`;
    await conn.run(`copy (${readSql(MODELS, `${entity}.sql`)}) to ${sqlString(path.join(work, file))} (format parquet, compression zstd)`);
    const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(path.join(work, file))})`);
    outputs[entity] = { file, rows: n };
  }

  // source_file comes last: the columns before it keep the order readers of one-file exports know.
  const rejectsFile = "rejects.csv";
  const accepted = ACCEPTED_RECORD_TYPES.join(", ");
  await conn.run(`
    copy (
      select * exclude (record_key) from (
        select f.record_key_base + r.source_line as record_key, r.source_line, 'raw' as entity, coalesce(r.column_name, '') as "column",
               left(coalesce(r.csv_line, ''), 500) as raw_value,
               'CSV_' || upper(replace(r.error_type, ' ', '_')) as reason_code,
               r.error_message as detail, r.source_file
        from csv_rejects_all r join source_files f using (source_file)
        union all
        select record_key, source_line, 'raw', 'record_type', coalesce(record_type, ''),
               coalesce(exclusion_reason, 'UNKNOWN_RECORD_TYPE'),
               case when exclusion_reason is null then ${sqlString(`record_type must be one of ${accepted}`)} else 'excluded by the source profile' end,
               source_file
        from raw_excluded
        order by record_key, reason_code
      )
    ) to ${sqlString(path.join(work, rejectsFile))} (header, delimiter ',')`);

  const reasons = await queryRows<{ reason: string; n: number }>(
    conn,
    `select reason_code as reason, count(*)::bigint as n
     from read_csv(${sqlString(path.join(work, rejectsFile))}, header = true, all_varchar = true)
     group by all order by reason`,
  );
  const masters = MASTER_TYPES.map(sqlString).join(", ");
  const [counts] = await queryRows<{ sale: number; stock: number; master: number; kept: number; csv: number; excluded: number }>(
    conn,
    `select
        (select count(*) from raw where record_type_clean = 'SALE')::bigint as sale,
        (select count(*) from raw where record_type_clean = 'STOCK')::bigint as stock,
        (select count(*) from raw where record_type_clean in (${masters}))::bigint as master,
        (select count(*) from records)::bigint as kept,
        (select count(*) from csv_rejects_all)::bigint as csv,
        (select count(*) from raw_excluded)::bigint as excluded`,
  );
  const rejected = counts.csv + counts.excluded;
  const read = counts.kept + counts.csv;
  if (read !== counts.sale + counts.stock + counts.master + rejected) {
    throw new Error(`split accounting broken: ${read} records read but ${counts.sale} sale + ${counts.stock} stock + ${counts.master} master + ${rejected} rejected`);
  }
  const multi = isMultiFile(opts.profile);
  const manifest: SplitManifest = {
    source: {
      file: relativeToRoot(opts.input),
      profile: opts.profile.name,
      bytes: facts.reduce((n, f) => n + f.bytes, 0),
      sha256: multi
        ? crypto.createHash("sha256").update(files.map((f, i) => `${facts[i].sha256}  ${f.name}\n`).join("")).digest("hex")
        : facts[0].sha256,
      physicalLines: facts.reduce((n, f) => n + f.physicalLines, 0),
      currency: opts.profile.currency,
      country: opts.profile.country,
      ...(multi
        ? { files: files.map((f, i) => ({ file: f.name, table: f.table, bytes: facts[i].bytes, sha256: facts[i].sha256, physicalLines: facts[i].physicalLines })) }
        : {}),
    },
    records: { read, sale: counts.sale, stock: counts.stock, master: counts.master, rejected },
    rejectsByReason: Object.fromEntries(reasons.map((r) => [r.reason, r.n])),
    outputs,
    rejectsFile,
    droppedColumns: DROPPED_COLUMNS,
    ...(erasure ? { erasure } : {}),
  };
  writeJson(path.join(work, "manifest.json"), manifest);
  return manifest;
}
