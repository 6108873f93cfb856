import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openNative, queryRows, sqlIdent, sqlString } from "../engine/native";
import { engineSettings } from "../engine/settings";
import { replaceDirAtomically, writeJson } from "../io/atomicDir";
import { SourceProfile } from "../raw/profile";
import { SplitManifest } from "../split/split";
import { assessEntity, ColumnQuality, decideEntity, EntityAccounting, measureQuality } from "./cleanseEntity";
import { entityPolicy } from "./missingValuePolicy";
import { ruleSet } from "./rules/index";
import { CLEAN_ENTITIES, EntityName, cleanEntity } from "./schema";
import * as fs from "node:fs";

export interface CleanManifest {
  source: SplitManifest["source"];
  entities: Record<EntityName, EntityAccounting & { file: string }>;
  rejectsFile: string;
  qualityFile: string;
}

export type QualityReport = Record<EntityName, { before: ColumnQuality[]; after: ColumnQuality[] }>;

/** Customer attributes that make a version: two staged versions equal on these are one customer version. */
const CUSTOMER_ATTRIBUTES = [
  "customer_id", "customer_type", "company_name", "first_name", "last_name", "email", "phone", "birth_date",
  "gender", "street", "postal_code", "city", "country", "segment",
];

/**
 * The cleansing stage: every staged entity through its policy, customers first (order lines need
 * the map from staged to cleansed customer versions), then writes one Parquet per entity, the
 * rejects file and the before/after quality profile, and swaps them in only when all succeeded.
 */
/**
 * GDPR Art. 16: a data subject's correction of one customer column, for every staged row of that
 * customer (lib/privacy/ledgers.ts `rectificationSource`). It replaces the raw value before
 * validation, so the corrected value is cleansed like any other and reaches the warehouse and
 * the marts at every load, whatever the old raw export says.
 */
export interface CustomerRectification {
  rawCustomerId: string;
  column: string;
  value: string;
}

export async function cleanseStaging(opts: {
  splitDir: string;
  outDir: string;
  profile: SourceProfile;
  log?: (m: string) => void;
  memoryLimit?: string;
  rectifications?: (rawCustomerIds: string[]) => CustomerRectification[];
}): Promise<CleanManifest> {
  const log = opts.log ?? (() => {});
  const split = JSON.parse(fs.readFileSync(path.join(opts.splitDir, "manifest.json"), "utf8")) as SplitManifest;
  const rules = ruleSet({ dateFormats: opts.profile.dateFormats });
  const absent = new Set(opts.profile.lacks ?? []);
  return replaceDirAtomically(opts.outDir, async (work) => {
    const { instance, conn } = await openNative({ memoryLimit: opts.memoryLimit ?? engineSettings().memoryLimit, tempDirectory: path.join(work, ".spill") });
    try {
      const entities = {} as CleanManifest["entities"];
      const quality = {} as QualityReport;
      const rectified = opts.rectifications
        ? await applyRectifications(conn, path.join(opts.splitDir, split.outputs.customers.file), path.join(work, ".spill"), opts.rectifications)
        : undefined;
      if (rectified) log(`cleanse: ${rectified.corrections} rectifications applied to ${rectified.rows} staged customer rows`);
      const stagedFile = (e: EntityName) => (e === "customers" && rectified ? rectified.file : path.join(opts.splitDir, split.outputs[e].file));
      const finish = async (e: EntityName, accounting: EntityAccounting) => {
        quality[e] = await measureQuality(conn, entityPolicy(e));
        // Only `<e>_kept` and `<e>_events` are read from here on; the wide working tables go, so that
        // memory holds one entity's intermediates at a time (bounded memory on 10 M rows).
        await conn.run(`drop table ${e}_typed; drop table ${e}_assessed; drop table ${e}_decided`);
        entities[e] = { ...accounting, file: `${e}.parquet` };
        log(`cleanse: ${e}: ${accounting.rowsIn} in, ${accounting.rowsKept} kept, ${accounting.rowsRejected} rejected`);
      };
      const assess = (e: EntityName, derived?: Record<string, string>) =>
        assessEntity(conn, { policy: entityPolicy(e), stagedFile: stagedFile(e), rules, derived, absent });

      // Customers are assessed first: order lines need the map from staged to cleansed versions.
      await assess("customers", {
        customer_version: `md5(concat_ws(chr(31), ${CUSTOMER_ATTRIBUTES.map((c) => `coalesce(t.${sqlIdent(c)}::varchar, chr(0))`).join(", ")}))`,
      });
      await conn.run(`create table customer_version_map as
        select raw_customer_version, customer_version from customers_assessed
        where not coalesce(list_bool_or(list_transform(events, x -> x.action = 'reject')), false)`);
      await assess("order_lines", {
        customer_version: `(select m.customer_version from customer_version_map m where m.raw_customer_version = t.raw_customer_version)`,
      });
      await finish("order_lines", await decideEntity(conn, entityPolicy("order_lines")));
      // A version seen only on rejected lines has no date to start from: it describes no sale.
      await finish(
        "customers",
        await decideEntity(conn, entityPolicy("customers"), [
          {
            reason: "ORPHAN_VERSION",
            when: "customer_version not in (select customer_version from order_lines_kept where customer_version is not null)",
            action: "reject",
            explain: "this version of the customer appears only on rejected order lines",
          },
        ]),
      );
      for (const e of ["stock_snapshots", "products", "suppliers", "carriers", "warehouses"] as EntityName[]) {
        await assess(e);
        await finish(e, await decideEntity(conn, entityPolicy(e)));
      }

      // A customer version's validity comes from the dates of the lines that carry it (SCD2 input).
      await conn.run(`create or replace table customers_kept as
        select c.* exclude (first_order_date, last_order_date), d.first_order_date, d.last_order_date
        from (select *, null::date as first_order_date, null::date as last_order_date from customers_kept) c
        left join (select customer_version, min(order_date) as first_order_date, max(order_date) as last_order_date
                   from order_lines_kept group by all) d using (customer_version)`);

      for (const entity of CLEAN_ENTITIES) {
        const columns = entity.columns.map((c) => `${sqlIdent(c.name)}::${c.type} as ${sqlIdent(c.name)}`).join(", ");
        await conn.run(`copy (select ${columns} from ${entity.name}_kept order by source_line)
          to ${sqlString(path.join(work, `${entity.name}.parquet`))} (format parquet, compression zstd)`);
      }
      const rejectsFile = "rejects.csv";
      await conn.run(`copy (
          ${CLEAN_ENTITIES.map((e) => `select * from ${e.name}_events`).join(" union all ")}
          order by entity, source_line, action, "column", reason_code
        ) to ${sqlString(path.join(work, rejectsFile))} (header, delimiter ',')`);

      const qualityFile = "quality.json";
      writeJson(path.join(work, qualityFile), orderByEntity(quality));
      const manifest: CleanManifest = { source: split.source, entities: orderByEntity(entities), rejectsFile, qualityFile };
      writeJson(path.join(work, "manifest.json"), manifest);
      fs.rmSync(path.join(work, ".spill"), { recursive: true, force: true });
      return manifest;
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
}

/**
 * Writes a copy of the staged customers with the ledger's corrections in place of the raw
 * values, into the spill directory (removed when the stage ends: the decrypted corrections never
 * reach an output file other than the cleansed customers they correct).
 */
async function applyRectifications(
  conn: DuckDBConnection,
  stagedCustomers: string,
  spillDir: string,
  source: (rawCustomerIds: string[]) => CustomerRectification[],
): Promise<{ file: string; corrections: number; rows: number } | undefined> {
  const ids = (await queryRows<{ id: string }>(conn, `select distinct customer_id as id from read_parquet(${sqlString(stagedCustomers)}) where customer_id is not null`)).map((r) => r.id);
  const corrections = source(ids);
  if (corrections.length === 0) return undefined;
  const columns = [...new Set(corrections.map((c) => c.column))].sort();
  await conn.run("create or replace temp table rectification (raw_customer_id varchar, \"column\" varchar, value varchar)");
  const appender = await conn.createAppender("rectification", "main", "temp");
  for (const c of corrections) {
    appender.appendVarchar(c.rawCustomerId);
    appender.appendVarchar(c.column);
    appender.appendVarchar(c.value);
    appender.endRow();
  }
  appender.closeSync();
  const replaced = columns
    .map((c) => `coalesce((select last(r.value) from rectification r where r.raw_customer_id = s.customer_id and r."column" = ${sqlString(c)}), s.${sqlIdent(c)}) as ${sqlIdent(c)}`)
    .join(", ");
  fs.mkdirSync(spillDir, { recursive: true });
  const file = path.join(spillDir, "customers.rectified.parquet");
  await conn.run(`copy (select s.* replace (${replaced}) from read_parquet(${sqlString(stagedCustomers)}) s order by s.source_line)
    to ${sqlString(file)} (format parquet, compression zstd)`);
  const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(stagedCustomers)}) where customer_id in (select raw_customer_id from rectification)`);
  await conn.run("drop table rectification");
  return { file, corrections: corrections.length, rows: n };
}

function orderByEntity<T>(record: Record<EntityName, T>): Record<EntityName, T> {
  return Object.fromEntries(CLEAN_ENTITIES.map((e) => [e.name, record[e.name]])) as Record<EntityName, T>;
}

export { cleanEntity };
