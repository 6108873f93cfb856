import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlIdent, sqlString } from "../engine/native";
import { InputError, lineEndings } from "../raw/inputCheck";
import type { PhysicalFile } from "../raw/sourceFiles";

/**
 * A record's key: its file's index in the export's file list, then its physical line. One
 * BIGINT, so that joins and sorts on it stay cheap at 10 M rows; for a one-file export it is the
 * line itself. Lines stay below 2^40 (a trillion), files below 2^23.
 */
export const FILE_SHIFT = 40;

/**
 * The one read of a CSV file: DuckDB's CSV scan (all text, on every core), with each record's
 * count of embedded newlines, written as is to a Parquet file of the work directory. No profile
 * expression runs here: the records are numbered first (numberFile), so that an expression that
 * reorders rows (a window function) cannot move a record away from its line. The COPY keeps the
 * file's record order (DuckDB preserves insertion order), so a record's ordinal among the kept
 * records is its Parquet row number plus one. (Numbering in this pass with a window function
 * would run the whole scan on one thread: measured at 10 M rows, 175 s against 90 s.)
 */
export async function loadCsvFile(conn: DuckDBConnection, file: PhysicalFile, rawFile: string): Promise<void> {
  const columns = file.header.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ");
  // A record spanning several lines (text with newlines inside quotes) shifts the lines of every
  // later record. Counting newlines in every column of every row costs; few rows have any, so test first.
  const anyNewline = file.header.map((c) => `contains(${sqlIdent(c)}, chr(10))`).join(" or ");
  const newlineCount = file.header.map((c) => `coalesce(length(${sqlIdent(c)}) - length(replace(${sqlIdent(c)}, chr(10), '')), 0)`).join(" + ");
  await conn.run(`
    copy (
      select case when ${anyNewline} then ${newlineCount} else 0 end as newlines, *
      from read_csv(${sqlString(file.absolute)},
          header = true, columns = {${columns}}, delim = ${sqlString(file.delimiter)},
          quote = ${sqlString(file.quote)}, escape = ${sqlString(file.quote)}, encoding = ${sqlString(file.encoding)},
          strict_mode = true, store_rejects = true, null_padding = false, max_line_size = 20000000)
    ) to ${sqlString(rawFile)} (format parquet, compression zstd)`);
}

/**
 * The scan of a staged file with each kept record's ordinal (`record_number`, 1-based) and the
 * newlines held by the kept records before it (`newlines_before`). Records with newlines are few:
 * their running total is a small table, and a record's count is the total of the last such
 * record before it, found by an equality join on a block of record numbers plus a range test
 * (one or two candidate rows per record), not by a sort of the whole file.
 */
async function numberedScan(conn: DuckDBConnection, rawFile: string, records: number, t: string): Promise<string> {
  const parquet = `read_parquet(${sqlString(rawFile)}, file_row_number = true)`;
  await conn.run(`
    create table ${t}_newline_records as
    select record_number, newlines, sum(newlines) over (order by record_number) as newlines_through
    from (select file_row_number + 1 as record_number, newlines from ${parquet} where newlines > 0)`);
  const [{ withNewlines }] = await queryRows<{ withNewlines: number }>(conn, `select count(*)::bigint as withNewlines from ${t}_newline_records`);
  if (withNewlines === 0) {
    return `(select file_row_number + 1 as record_number, 0::bigint as newlines_before, * exclude (file_row_number) from ${parquet})`;
  }
  // Blocks of 2^shift records, about one record with newlines per block: each record meets the
  // segments of its own block only.
  const shift = Math.min(20, Math.max(6, Math.floor(Math.log2(Math.max(1, records / withNewlines)))));
  await conn.run(`
    create table ${t}_newline_segments as
    with segments as (
      -- records lo..hi (inclusive) follow the same newline records: newlines_before is constant.
      select 1::bigint as lo, min(record_number) as hi, 0::bigint as newlines_before from ${t}_newline_records
      union all
      select record_number + 1, coalesce(lead(record_number) over (order by record_number), ${records}::bigint), newlines_through
      from ${t}_newline_records
    )
    select unnest(range(lo >> ${shift}, (hi >> ${shift}) + 1)) as block, lo, hi, newlines_before
    from segments
    where lo <= hi`);
  return `(select r.file_row_number + 1 as record_number, g.newlines_before, r.* exclude (file_row_number)
    from ${parquet} r
    join ${t}_newline_segments g on g.block = (r.file_row_number + 1) >> ${shift}
      and r.file_row_number + 1 between g.lo and g.hi)`;
}

/**
 * Gives each kept record of CSV file number `index` its physical line, as the view `file_<index>`
 * (source_file, source_line, record_key, then the file's columns as read), and its rejected
 * records with their lines as the table `file_<index>_rejects`. DuckDB numbers records, not
 * lines, and leaves rejected records out, so: (1) the record ordinal of kept record k (1-based)
 * is k + 1 plus the number of rejected records before it; (2) the physical line adds the newlines
 * of every earlier record, kept (counted in the scan) or rejected. Rejected records are few: the
 * correction is a join with their small table, and only when there are any.
 */
export async function numberCsvFile(conn: DuckDBConnection, index: number, file: PhysicalFile, rawFile: string): Promise<number> {
  const t = `file_${index}`;
  const key = (line: string) => `(${BigInt(index) << BigInt(FILE_SHIFT)}::bigint + ${line})`;
  await conn.run(`
    -- In a CRLF file DuckDB's csv_line of a rejected record starts with the LF of the line
    -- before (not for the first record): that LF is not the record's, and counted as one of its
    -- newlines it would shift every later record's line by one.
    create table ${t}_csv_rejects as
    select line as ordinal, any_value(case when starts_with(csv_line, chr(10)) then csv_line[2:] else csv_line end order by byte_position) as csv_line,
           any_value(error_type order by byte_position) as error_type,
           any_value(column_name order by byte_position) as column_name,
           any_value(error_message order by byte_position) as error_message
    from reject_errors
    where scan_id = (select max(scan_id) from reject_scans)
    group by line;

    -- Per rejected record: the kept records before it, how many rejected records up to it and
    -- the newlines those rejected records hold.
    create table ${t}_reject_shift as
    select *, ordinal - shift - 1 as kept_before
    from (
      select ordinal, csv_line, error_type, column_name, error_message,
             row_number() over (order by ordinal) as shift,
             sum(length(coalesce(csv_line, '')) - length(replace(coalesce(csv_line, ''), chr(10), ''))) over (order by ordinal) as reject_newlines_through,
             length(coalesce(csv_line, '')) - length(replace(coalesce(csv_line, ''), chr(10), '')) as reject_newlines
      from ${t}_csv_rejects
    );`);
  const [{ rejects }] = await queryRows<{ rejects: number }>(conn, `select count(*)::bigint as rejects from ${t}_reject_shift`);
  const [{ n: records }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(rawFile)})`);
  const scan = await numberedScan(conn, rawFile, records, t);
  const name = sqlString(file.name);
  if (rejects === 0) {
    await conn.run(`create or replace view ${t} as
      select ${name} as source_file, (record_number + 1 + newlines_before)::bigint as source_line,
             ${key("record_number + 1 + newlines_before")} as record_key, * exclude (record_number, newlines_before, newlines)
      from ${scan}`);
  } else {
    const line = "s.record_number + 1 + coalesce(r.shift, 0) + s.newlines_before + coalesce(r.reject_newlines_through, 0)";
    await conn.run(`create or replace view ${t} as
      select ${name} as source_file, (${line})::bigint as source_line, ${key(line)} as record_key,
             s.* exclude (record_number, newlines_before, newlines)
      from ${scan} s asof left join ${t}_reject_shift r on s.record_number > r.kept_before`);
  }
  // A rejected record's line: its ordinal plus the newlines of the kept and rejected records before it.
  await conn.run(`create table ${t}_rejects as
    select ${name} as source_file, r.ordinal, r.csv_line, r.error_type, r.column_name, r.error_message,
           (r.ordinal + coalesce(k.newlines_through, 0) + r.reject_newlines_through - r.reject_newlines)::bigint as source_line
    from ${t}_reject_shift r
    left join (
      select record_number, newlines_before + newlines as newlines_through from ${scan}
      where record_number in (select kept_before from ${t}_reject_shift)
    ) k on k.record_number = r.kept_before`);
  return records + rejects;
}

/** A Parquet file has no lines: a record's "line" is its row number (1-based); every value is read as text. */
export async function numberParquetFile(conn: DuckDBConnection, index: number, file: PhysicalFile): Promise<number> {
  const t = `file_${index}`;
  const described = await queryRows<{ column_name: string }>(conn, `select column_name from (describe select * from read_parquet(${sqlString(file.absolute)}))`);
  const columns = described.map((d) => `${sqlIdent(d.column_name)}::varchar as ${sqlIdent(d.column_name)}`).join(", ");
  await conn.run(`create or replace view ${t} as
    select ${sqlString(file.name)} as source_file, (file_row_number + 1)::bigint as source_line,
           (${BigInt(index) << BigInt(FILE_SHIFT)}::bigint + file_row_number + 1) as record_key, ${columns}
    from read_parquet(${sqlString(file.absolute)}, file_row_number = true)`);
  await conn.run(`create table ${t}_rejects (source_file varchar, ordinal bigint, csv_line varchar, error_type varchar, column_name varchar, error_message varchar, source_line bigint)`);
  const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(file.absolute)})`);
  return n;
}

/** The tables a profile's queries read: one view per table, the union of its files' numbered views. */
export async function createTableViews(conn: DuckDBConnection, files: PhysicalFile[]): Promise<void> {
  const tables = [...new Set(files.map((f) => f.table))];
  for (const table of tables) {
    const parts = files.flatMap((f, i) => (f.table === table ? [`select * from file_${i}`] : []));
    await conn.run(`create or replace view ${sqlIdent(table)} as ${parts.join(" union all by name ")}`);
  }
  await conn.run(`create or replace view csv_rejects_all as ${files.map((_, i) => `select * from file_${i}_rejects`).join(" union all ")}`);
}

/** Where the work directory keeps the Parquet copy of a CSV file. */
export function rawCopyOf(spill: string, index: number): string {
  return path.join(spill, `raw_${index}.parquet`);
}

/** DuckDB's own errors, re-worded so they name the input and the fix. */
export async function translateEngineError(err: unknown, file: string, format?: Pick<PhysicalFile, "quote" | "encoding">): Promise<unknown> {
  if (err instanceof InputError) return err;
  const message = (err as Error)?.message ?? String(err);
  // DuckDB appends "Possible fixes" that name every option (max_line_size among them): only the
  // error itself says what went wrong.
  const error = message.split("Possible fixes")[0];
  const first = message.split("\n")[0];
  if (/not utf-16 encoded/i.test(error)) {
    return new InputError(file, "is not UTF-16 little-endian, the encoding its profile names", "convert it, e.g. `iconv -f UTF-16BE -t UTF-8 in.csv > out.csv`, and set format.encoding to the file's encoding in the source profile");
  }
  if (/Invalid unicode|not utf-8/i.test(error)) {
    return new InputError(file, "is not valid UTF-8", "convert it with `iconv -f WINDOWS-1252 -t UTF-8`, or set format.encoding in the source profile");
  }
  if (/gzip|decompress|zlib/i.test(error)) {
    return new InputError(file, `the gzip archive is damaged (${first})`, "copy the export again and check it with `gzip -t`");
  }
  if (/maximum line size/i.test(error)) {
    return new InputError(file, `a line is longer than the reader's limit (${first})`, "check the file for an unclosed quote, or split the export");
  }
  // The strict CSV reader stops (it does not reject the record) when it cannot find one dialect
  // for the file, above all when records end now in CRLF, now in LF.
  if (/Error when sniffing file|state machine reached an invalid state/i.test(error) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    const endings = await lineEndings(file, format?.quote, format?.encoding).catch(() => undefined);
    if (endings?.firstOther !== undefined) {
      return new InputError(
        file,
        `its records end in a mix of CRLF (Windows) and LF (Unix) line breaks (${endings.crlf} CRLF, ${endings.lf} LF; the first ${endings.firstEnding === "CRLF" ? "LF" : "CRLF"} ends this line)`,
        "give every line the same ending, e.g. `sed -i 's/\\r$//' <file>` or `dos2unix <file>`, then run again",
        endings.firstOther,
      );
    }
    return new InputError(file, `the CSV reader cannot parse it (${first.replace(/\s+$/, "")})`, "check that it is the export in the documented layout (data/README.md): comma-separated, quoted fields closed, one header line");
  }
  return err;
}
