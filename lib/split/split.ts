import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBConnection } from "@duckdb/node-api";
import { openNative, queryRows, readSql, sqlIdent, sqlString } from "../engine/native";
import { engineSettings } from "../engine/settings";
import { replaceDirAtomically, writeJson } from "../io/atomicDir";
import { relativeToRoot } from "../io/paths";
import { checkHeader, inspectInput, InputError, InputFacts } from "../raw/inputCheck";
import { projectionFor, SourceProfile } from "../raw/profile";
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
  source: { file: string; profile: string; bytes: number; sha256: string; physicalLines: number };
  records: { read: number; sale: number; stock: number; rejected: number };
  rejectsByReason: Record<string, number>;
  outputs: Record<SplitEntity, { file: string; rows: number }>;
  rejectsFile: string;
  droppedColumns: string[];
  /** GDPR Art. 17: customers of the erasure ledger found in this export, replaced by the ERASED sentinel. */
  erasure?: { erasedCustomers: number; erasedRecords: number; scrubbedRejects: number };
}

export interface SplitOptions {
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

/**
 * The data splitter: reads the raw export once with DuckDB (parallel CSV scan, all text), gives every
 * record its physical source line, sets aside unreadable and excluded records with their reason, and
 * writes one Parquet file per entity plus a manifest. Memory stays bounded: DuckDB spills to disk
 * beyond `memoryLimit`, and no row ever enters the JavaScript heap.
 */
export async function splitExport(opts: SplitOptions): Promise<SplitManifest> {
  const log = opts.log ?? (() => {});
  checkHeader(opts.input, opts.profile);
  return replaceDirAtomically(opts.outDir, async (work) => {
    const { instance, conn } = await openNative({
      memoryLimit: opts.memoryLimit ?? engineSettings("split").memoryLimit,
      tempDirectory: path.join(work, ".spill"),
    });
    try {
      // The checksum/gzip/UTF-8 pass runs beside DuckDB's scan; either failing fails the split. When
      // the input check fails first, the scan is interrupted and awaited: closing an engine while a
      // query runs would crash the process.
      const inspection = inspectInput(opts.input, opts.profile).catch((err: unknown) => {
        conn.interrupt();
        throw err;
      });
      const rawFile = path.join(work, ".spill", "raw.parquet");
      const [inspected, loaded] = await Promise.allSettled([
        inspection,
        withProgress("split: reading", conn, () => loadSource(conn, opts.input, opts.profile, rawFile)),
      ]);
      if (inspected.status === "rejected") throw inspected.reason;
      if (loaded.status === "rejected") throw loaded.reason;
      const facts = inspected.value;
      log(`split: read ${opts.input}`);
      await numberLines(conn, rawFile);
      const erasure = opts.erasedCustomers ? await applyErasureLedger(conn, opts.erasedCustomers) : undefined;
      if (erasure) log(`split: ${erasure.erasedCustomers} erased customers (${erasure.erasedRecords} records) anonymised`);
      await conn.run(`create or replace view raw_sale as ${readSql(MODELS, "raw_sale.sql")}`);
      await conn.run(`create or replace view raw_stock as ${readSql(MODELS, "raw_stock.sql")}`);
      const manifest = await writeOutputs(conn, work, opts, facts, erasure);
      fs.rmSync(path.join(work, ".spill"), { recursive: true, force: true });
      return manifest;
    } catch (err) {
      throw translateEngineError(err, opts.input);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
}

/**
 * The one read of the export: DuckDB's CSV scan (all text, on every core), projected onto the raw
 * contract by the source profile, with each record's count of embedded newlines, its record type
 * and any exclusion reason, written to one Parquet file in the work directory. The COPY keeps the
 * file's record order (DuckDB preserves insertion order), so a record's ordinal among the kept
 * records is its Parquet row number plus one. Every later query reads that file, not the CSV.
 * (Numbering the records in this pass with a window function would run the whole scan on one
 * thread: measured at 10 M rows, 175 s against 90 s.)
 */
async function loadSource(conn: DuckDBConnection, file: string, profile: SourceProfile, rawFile: string): Promise<void> {
  const f = profile.format;
  const columns = f.header.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ");
  // A record spanning several lines (text with newlines inside quotes) shifts the lines of every
  // later record. Counting newlines in every column of every row costs; few rows have any, so test first.
  const anyNewline = f.header.map((c) => `contains(${sqlIdent(c)}, chr(10))`).join(" or ");
  const newlineCount = f.header.map((c) => `coalesce(length(${sqlIdent(c)}) - length(replace(${sqlIdent(c)}, chr(10), '')), 0)`).join(" + ");
  const projection = projectionFor(profile)
    .map(({ column, expression }) => `(${expression})::varchar as ${sqlIdent(column)}`)
    .join(",\n          ");
  const exclusions = profile.exclusions ?? [];
  const excluded = exclusions.length
    ? `case ${exclusions.map((e) => `when ${e.when} then ${sqlString(e.reason)}`).join(" ")} end`
    : "null::varchar";
  await conn.run(`
    copy (
      select *, upper(trim(record_type)) as record_type_clean, ${excluded} as exclusion_reason
      from (
        select newlines, ${projection}
        from (
          select *, case when ${anyNewline} then ${newlineCount} else 0 end as newlines
          from read_csv(${sqlString(file)},
              header = true, columns = {${columns}}, delim = ${sqlString(f.delimiter)},
              quote = ${sqlString(f.quote)}, escape = ${sqlString(f.quote)}, encoding = ${sqlString(f.encoding ?? "utf-8")},
              strict_mode = true, store_rejects = true, null_padding = false, max_line_size = 10000000)
        )
      )
    ) to ${sqlString(rawFile)} (format parquet, compression zstd)`);
}

/**
 * The scan of the staged export with each kept record's ordinal (`record_number`, 1-based) and the
 * newlines held by the kept records before it (`newlines_before`). Records with newlines are few:
 * their running total is a small table (`newline_records`), and a record's count is the total of
 * the last such record before it, found by an equality join on a block of record numbers plus a
 * range test (one or two candidate rows per record), not by a sort of the whole file.
 */
async function numberedScan(conn: DuckDBConnection, rawFile: string, records: number): Promise<string> {
  const parquet = `read_parquet(${sqlString(rawFile)}, file_row_number = true)`;
  await conn.run(`
    create table newline_records as
    select record_number, newlines, sum(newlines) over (order by record_number) as newlines_through
    from (select file_row_number + 1 as record_number, newlines from ${parquet} where newlines > 0)`);
  const [{ withNewlines }] = await queryRows<{ withNewlines: number }>(conn, "select count(*)::bigint as withNewlines from newline_records");
  if (withNewlines === 0) {
    return `(select file_row_number + 1 as record_number, 0::bigint as newlines_before, * exclude (file_row_number) from ${parquet})`;
  }
  // Blocks of 2^shift records, about one record with newlines per block: each record meets the
  // segments of its own block only.
  const shift = Math.min(20, Math.max(6, Math.floor(Math.log2(Math.max(1, records / withNewlines)))));
  await conn.run(`
    create table newline_segments as
    with segments as (
      -- records lo..hi (inclusive) follow the same newline records: newlines_before is constant.
      select 1::bigint as lo, min(record_number) as hi, 0::bigint as newlines_before from newline_records
      union all
      select record_number + 1, coalesce(lead(record_number) over (order by record_number), ${records}::bigint), newlines_through
      from newline_records
    )
    select unnest(range(lo >> ${shift}, (hi >> ${shift}) + 1)) as block, lo, hi, newlines_before
    from segments
    where lo <= hi`);
  return `(select r.file_row_number + 1 as record_number, g.newlines_before, r.* exclude (file_row_number)
    from ${parquet} r
    join newline_segments g on g.block = (r.file_row_number + 1) >> ${shift}
      and r.file_row_number + 1 between g.lo and g.hi)`;
}

/**
 * Gives each kept record the physical line where it starts. DuckDB numbers records, not lines, and
 * leaves rejected records out, so: (1) the record ordinal of kept record k (1-based) is k + 1 plus
 * the number of rejected records before it; (2) the physical line adds the newlines of every
 * earlier record, kept (counted in the scan) or rejected. Rejected records are few: the
 * correction is a join with their small table, and only when there are any.
 */
async function numberLines(conn: DuckDBConnection, rawFile: string): Promise<void> {
  await conn.run(`
    create table csv_rejects as
    select line as ordinal, any_value(csv_line order by byte_position) as csv_line,
           any_value(error_type order by byte_position) as error_type,
           any_value(column_name order by byte_position) as column_name,
           any_value(error_message order by byte_position) as error_message
    from reject_errors group by line;

    -- Per rejected record: the kept records before it, how many rejected records up to it and
    -- the newlines those rejected records hold.
    create table reject_shift as
    select *, ordinal - shift - 1 as kept_before
    from (
      select ordinal, csv_line, error_type, column_name, error_message,
             row_number() over (order by ordinal) as shift,
             sum(length(coalesce(csv_line, '')) - length(replace(coalesce(csv_line, ''), chr(10), ''))) over (order by ordinal) as reject_newlines_through,
             length(coalesce(csv_line, '')) - length(replace(coalesce(csv_line, ''), chr(10), '')) as reject_newlines
      from csv_rejects
    );`);
  const [{ rejects }] = await queryRows<{ rejects: number }>(conn, "select count(*)::bigint as rejects from reject_shift");
  await conn.run(`create table src_count as select count(*)::bigint as n from read_parquet(${sqlString(rawFile)})`);
  const [{ n: records }] = await queryRows<{ n: number }>(conn, "select n from src_count");
  const scan = await numberedScan(conn, rawFile, records);
  if (rejects === 0) {
    await conn.run(`create or replace view raw_lines as
      select (record_number + 1 + newlines_before)::bigint as source_line, * exclude (record_number, newlines_before, newlines) from ${scan}`);
  } else {
    await conn.run(`create or replace view raw_lines as
      select (s.record_number + 1 + coalesce(r.shift, 0) + s.newlines_before + coalesce(r.reject_newlines_through, 0))::bigint as source_line,
             s.* exclude (record_number, newlines_before, newlines)
      from ${scan} s asof left join reject_shift r on s.record_number > r.kept_before`);
  }
  // A rejected record's line: its ordinal plus the newlines of the kept and rejected records before it.
  await conn.run(`create table rejects_lines as
    select r.ordinal, r.csv_line, r.error_type, r.column_name, r.error_message,
           (r.ordinal + coalesce(k.newlines_through, 0) + r.reject_newlines_through - r.reject_newlines)::bigint as source_line
    from reject_shift r
    left join (
      select record_number, newlines_before + newlines as newlines_through from ${scan}
      where record_number in (select kept_before from reject_shift)
    ) k on k.record_number = r.kept_before`);
  await conn.run(`create or replace view raw_all as select * from raw_lines`);
  await conn.run(`create table raw_excluded as
    select source_line, exclusion_reason, record_type from raw_all
    where exclusion_reason is not null or record_type_clean is null or record_type_clean not in ('SALE', 'STOCK')`);
  await conn.run(`create or replace view raw as
    select * from raw_all
    where exclusion_reason is null and record_type_clean in ('SALE', 'STOCK')`);
}

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
    `select count(*)::bigint as scrubbed from rejects_lines r
     where exists (select 1 from erased_values e where contains(coalesce(r.csv_line, '') || coalesce(r.error_message, ''), e.v))`,
  );
  await conn.run(`update rejects_lines set csv_line = '[erased: GDPR Art. 17]', error_message = '[erased: GDPR Art. 17]'
    where exists (select 1 from erased_values e where contains(coalesce(csv_line, '') || coalesce(error_message, ''), e.v))`);
  // A line of theirs whose customer number is missing still carries their email: it goes too.
  const theirs = `customer_id in (select customer_id from erased_ids)
    or (customer_id is null and lower(trim(email)) in (
      select lower(trim(email)) from raw where customer_id in (select customer_id from erased_ids) and email is not null))`;
  await conn.run(`create temp table erased_lines as select source_line from raw where ${theirs}`);
  const [{ records }] = await queryRows<{ records: number }>(conn, "select count(*)::bigint as records from erased_lines");
  // From here on every reader of the export sees them anonymised: sentinel number, customer columns blank.
  await conn.run(`create or replace view raw as
    select r.* replace (
        case when e.source_line is null then r.customer_id else 'ERASED' end as customer_id,
        ${CUSTOMER_COLUMNS.map((c) => `case when e.source_line is null then r.${sqlIdent(c)} end as ${sqlIdent(c)}`).join(",\n        ")})
    from raw_all r
    left join erased_lines e on e.source_line = r.source_line
    where r.exclusion_reason is null and r.record_type_clean in ('SALE', 'STOCK')`);
  await conn.run("drop table erased_values; drop table erased_ids");
  return { erasedCustomers: erased.length, erasedRecords: records, scrubbedRejects: scrubbed };
}

async function writeOutputs(
  conn: DuckDBConnection,
  work: string,
  opts: SplitOptions,
  facts: InputFacts,
  erasure?: SplitManifest["erasure"],
): Promise<SplitManifest> {
  const outputs = {} as SplitManifest["outputs"];
  for (const entity of SPLIT_ENTITIES) {
    const file = `${entity}.parquet`;
    await conn.run(`copy (${readSql(MODELS, `${entity}.sql`)}) to ${sqlString(path.join(work, file))} (format parquet, compression zstd)`);
    const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(path.join(work, file))})`);
    outputs[entity] = { file, rows: n };
  }

  const rejectsFile = "rejects.csv";
  await conn.run(`
    copy (
        select source_line, 'raw' as entity, coalesce(column_name, '') as "column",
               left(coalesce(csv_line, ''), 500) as raw_value,
               'CSV_' || upper(replace(error_type, ' ', '_')) as reason_code,
               error_message as detail
        from rejects_lines
        union all
        select source_line, 'raw', 'record_type', coalesce(record_type, ''),
               coalesce(exclusion_reason, 'UNKNOWN_RECORD_TYPE'),
               case when exclusion_reason is null then 'record_type must be SALE or STOCK' else 'excluded by the source profile' end
        from raw_excluded
        order by source_line, reason_code
    ) to ${sqlString(path.join(work, rejectsFile))} (header, delimiter ',')`);

  const reasons = await queryRows<{ reason: string; n: number }>(
    conn,
    `select reason_code as reason, count(*)::bigint as n
     from read_csv(${sqlString(path.join(work, rejectsFile))}, header = true, all_varchar = true)
     group by all order by reason`,
  );
  const [counts] = await queryRows<{ sale: number; stock: number; kept: number; csv: number; excluded: number }>(
    conn,
    `select
        (select count(*) from raw where record_type_clean = 'SALE')::bigint as sale,
        (select count(*) from raw where record_type_clean = 'STOCK')::bigint as stock,
        (select n from src_count) as kept,
        (select count(*) from csv_rejects)::bigint as csv,
        (select count(*) from raw_excluded)::bigint as excluded`,
  );
  const rejected = counts.csv + counts.excluded;
  const read = counts.kept + counts.csv;
  if (read !== counts.sale + counts.stock + rejected) {
    throw new Error(`split accounting broken: ${read} records read but ${counts.sale} sale + ${counts.stock} stock + ${rejected} rejected`);
  }
  const manifest: SplitManifest = {
    source: {
      file: relativeToRoot(opts.input),
      profile: opts.profile.name,
      bytes: facts.bytes,
      sha256: facts.sha256,
      physicalLines: facts.physicalLines,
    },
    records: { read, sale: counts.sale, stock: counts.stock, rejected },
    rejectsByReason: Object.fromEntries(reasons.map((r) => [r.reason, r.n])),
    outputs,
    rejectsFile,
    droppedColumns: DROPPED_COLUMNS,
    ...(erasure ? { erasure } : {}),
  };
  writeJson(path.join(work, "manifest.json"), manifest);
  return manifest;
}

/** DuckDB's own errors, re-worded so they name the input and the fix. */
function translateEngineError(err: unknown, file: string): unknown {
  if (err instanceof InputError) return err;
  const message = (err as Error)?.message ?? String(err);
  if (/Invalid unicode|not utf-8/i.test(message)) {
    return new InputError(file, "is not valid UTF-8", "convert it with `iconv -f WINDOWS-1252 -t UTF-8`, or set format.encoding in the source profile");
  }
  if (/gzip|decompress|zlib/i.test(message)) {
    return new InputError(file, `the gzip archive is damaged (${message.split("\n")[0]})`, "copy the export again and check it with `gzip -t`");
  }
  return err;
}
