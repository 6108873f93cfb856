import * as path from "node:path";
import { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlIdent, sqlString } from "../engine/native";
import { RAW_HEADER } from "../raw/contract";
import { InputError } from "../raw/inputCheck";
import { columnsFilledBy, defaultExpression, isMultiFile, projectionFor, RECORD_KINDS, SourceProfile } from "../raw/profile";

/**
 * In a multi-file export one line can yield records of two types (a product master row gives a
 * PRODUCT and a STOCK record): the record query's index goes into the key, below the file's.
 */
const RECORD_SHIFT = 36;

/** The record types the splitter accepts (a wide file's `record_type` column must hold one). */
export const ACCEPTED_RECORD_TYPES = RECORD_KINDS;

/**
 * The profile's expressions, applied to records that already carry their file, line and key:
 * `records` (source_file, source_line, record_key, the contract's columns, record_type_clean,
 * exclusion_reason). A profile that is only a renaming of columns stays a view (the default
 * export: no extra pass over 10 M rows); any other is computed once into a Parquet file of the
 * work directory, so that a window function runs once, not once per entity.
 */
export async function createRecords(conn: DuckDBConnection, profile: SourceProfile, spill: string): Promise<void> {
  const parts = isMultiFile(profile) ? await multiFileParts(conn, profile) : [oneFilePart(profile)];
  const exclusions = profile.exclusions ?? [];
  const excluded = exclusions.length ? `case ${exclusions.map((e) => `when ${e.when} then ${sqlString(e.reason)}`).join(" ")} end` : "null::varchar";
  const select = `select *, upper(trim(record_type)) as record_type_clean, ${excluded} as exclusion_reason
    from (${parts.join("\nunion all by name\n")})`;
  const plain = !isMultiFile(profile) && Object.keys(profile.columns ?? {}).length === 0 && Object.keys(profile.defaults ?? {}).length === 0;
  if (plain) {
    await conn.run(`create or replace view records as ${select}`);
    return;
  }
  const file = path.join(spill, "records.parquet");
  try {
    await conn.run(`copy (${select} order by record_key) to ${sqlString(file)} (format parquet, compression zstd)`);
  } catch (err) {
    throw new InputError(profile.file ?? profile.name, `the source profile's SQL failed (${(err as Error).message.split("\n")[0]})`, "correct the expression or query it names");
  }
  await conn.run(`create or replace view records as select * from read_parquet(${sqlString(file)})`);
  if (isMultiFile(profile)) await checkOneRowPerRecord(conn, profile);
}

function oneFilePart(profile: SourceProfile): string {
  const projection = projectionFor(profile).map(({ column, expression }) => `(${expression})::varchar as ${sqlIdent(column)}`);
  return `select source_file, source_line, record_key, ${projection.join(", ")} from export`;
}

/**
 * Each record query, checked and completed: it must yield source_file and source_line (of the
 * table whose rows are its records), and every contract column its record type fills, unless the
 * profile lists it under `lacks`. Columns of other record types are NULL.
 */
async function multiFileParts(conn: DuckDBConnection, profile: SourceProfile): Promise<string[]> {
  const lacks = new Set(profile.lacks ?? []);
  const parts: string[] = [];
  for (const [j, record] of profile.records!.entries()) {
    const where = `/records/${j}/sql`;
    let described: { column_name: string }[];
    try {
      described = await queryRows<{ column_name: string }>(conn, `select column_name from (describe (${record.sql}))`);
    } catch (err) {
      throw new InputError(profile.file ?? profile.name, `source profile, property ${where}: the ${record.type} query fails (${(err as Error).message.split("\n")[0]})`, "correct the query; the tables are those named under \"files\"");
    }
    const yielded = new Set(described.map((d) => d.column_name));
    for (const needed of ["source_file", "source_line"]) {
      if (!yielded.has(needed)) {
        throw new InputError(profile.file ?? profile.name, `source profile, property ${where}: the ${record.type} query does not select ${needed}`, `select ${needed} of the table whose rows are the records (e.g. l.${needed})`);
      }
    }
    const missing = columnsFilledBy(record.type).filter((c) => !yielded.has(c) && !lacks.has(c) && c !== "card_number");
    if (missing.length) {
      throw new InputError(profile.file ?? profile.name, `source profile, property ${where}: the ${record.type} query yields no ${missing.map((c) => `"${c}"`).join(", ")}`, `select them, or list them under "lacks" if the source does not have them`);
    }
    const columns = RAW_HEADER.map((c) => {
      if (c === "record_type") return `${sqlString(record.type)} as record_type`;
      if (yielded.has(c)) return `q.${sqlIdent(c)}::varchar as ${sqlIdent(c)}`;
      return `${lacks.has(c) && columnsFilledBy(record.type).includes(c) ? defaultExpression(profile, c) : "NULL"}::varchar as ${sqlIdent(c)}`;
    });
    parts.push(`select q.source_file::varchar as source_file, q.source_line::bigint as source_line, f.record_key_base + ${BigInt(j) << BigInt(RECORD_SHIFT)}::bigint + q.source_line::bigint as record_key, ${columns.join(", ")}
      from (${record.sql}) q join source_files f on f.source_file = q.source_file`);
  }
  return parts;
}

/** A join that repeats a record (two prices for one line) would stage it twice: stop and say which query. */
async function checkOneRowPerRecord(conn: DuckDBConnection, profile: SourceProfile): Promise<void> {
  const repeated = await queryRows<{ record_type: string; source_file: string; source_line: number; n: number }>(
    conn,
    `select record_type, source_file, source_line, count(*)::bigint as n from records group by all having count(*) > 1 order by source_file, source_line limit 1`,
  );
  if (repeated.length) {
    const r = repeated[0];
    const j = profile.records!.findIndex((x) => x.type === r.record_type);
    throw new InputError(
      profile.file ?? profile.name,
      `source profile, property /records/${j}/sql: the ${r.record_type} query yields ${r.n} rows for one record (${r.source_file}, line ${r.source_line})`,
      "a join matched several rows: join on a key that is unique in the joined table",
    );
  }
}
