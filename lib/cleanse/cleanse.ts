import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openNative, queryRows, sqlIdent, sqlString } from "../engine/native";
import { engineSettings, largestEntityRows } from "../engine/settings";
import { replaceDirAtomically, writeJson } from "../io/atomicDir";
import { SourceProfile } from "../raw/profile";
import { SplitManifest } from "../split/split";
import { Assessment, assessEntity, ColumnQuality, decideEntity, dropEntity, EntityAccounting, measureQuality, writeEntity } from "./cleanseEntity";
import { entityPolicy, lackedRejectColumns, RowRule } from "./missingValuePolicy";
import type { CountryCode } from "libphonenumber-js";
import { InputError } from "../raw/inputCheck";
import { recordKindsOf, RecordKind } from "../raw/profile";
import { RulePool } from "./rulePool";
import { describeDateOrder, type DateOrderFinding } from "./rules/dateOrder";
import { ruleSet } from "./rules/index";
import { sourceNetTotal, type SourceTotals } from "./sourceTotal";
import { CLEAN_ENTITIES, EntityName, cleanEntity } from "./schema";
import * as fs from "node:fs";

export interface CleanManifest {
  source: SplitManifest["source"];
  entities: Record<EntityName, EntityAccounting & { file: string }>;
  /** The export's own net total over the kept sale lines, for the warehouse's and the release's reconciliation. */
  sourceTotals: SourceTotals;
  rejectsFile: string;
  qualityFile: string;
  /** Date columns written in another day-month order than the profile reads (rules/dateOrder.ts); absent when there is none. */
  dateOrder?: DateOrderFinding[];
}

/**
 * Per entity and column: `before` and `after` describe the same records (the kept ones, their
 * staged then their cleansed values); `staged` describes every staged row, collapsed and
 * rejected ones included.
 */
export type QualityReport = Record<EntityName, { before: ColumnQuality[]; after: ColumnQuality[]; staged: ColumnQuality[] }>;

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
  checkProfileAgainstPolicy(opts.profile);
  const ruleContext = { dateFormats: opts.profile.dateFormats, phoneCountry: opts.profile.country as CountryCode };
  const rules = ruleSet(ruleContext);
  const absent = new Set(opts.profile.lacks ?? []);
  return replaceDirAtomically(opts.outDir, async (work) => {
    const spill = path.join(work, ".spill");
    const settings = engineSettings("cleanse", largestEntityRows(split.outputs));
    const { instance, conn } = await openNative({ memoryLimit: opts.memoryLimit ?? settings.memoryLimit, threads: settings.threads, tempDirectory: spill });
    // The large value maps' rules on as many threads as DuckDB has; started by the first such map
    // (none on a small export or the bundled one: rulePool.ts POOL_MIN_VALUES).
    const pool = new RulePool(ruleContext, settings.threads);
    try {
      const entities = {} as CleanManifest["entities"];
      const quality = {} as QualityReport;
      const rectified = opts.rectifications
        ? await applyRectifications(conn, path.join(opts.splitDir, split.outputs.customers.file), spill, opts.rectifications)
        : undefined;
      if (rectified) log(`cleanse: ${rectified.corrections} rectifications applied to ${rectified.rows} staged customer rows`);
      const stagedFile = (e: EntityName) => (e === "customers" && rectified ? rectified.file : path.join(opts.splitDir, split.outputs[e].file));
      // Each entity's events go to a part of the rejects file, sorted; the parts are joined in entity order.
      const eventParts = new Map<EntityName, string>();
      const assessed = new Map<EntityName, Assessment>();
      const assess = async (e: EntityName, derived?: Record<string, string>) => {
        const assessment = await assessEntity(conn, { policy: entityPolicy(e), stagedFile: stagedFile(e), rules, pool, derived, absent, typedFile: path.join(spill, `${e}.typed.parquet`), dateFormats: opts.profile.dateFormats });
        for (const finding of assessment.dateOrder) log(`cleanse: date order: ${describeDateOrder(finding)}`);
        assessed.set(e, assessment);
      };
      const write = async (e: EntityName, lateRowRules: RowRule[] = [], extra?: { sql: string; using: string }) => {
        await decideEntity(conn, entityPolicy(e), lateRowRules);
        eventParts.set(e, path.join(spill, `${e}.events.csv`));
        const accounting = await writeEntity(conn, assessed.get(e)!, { kept: path.join(work, `${e}.parquet`), events: eventParts.get(e)! }, extra);
        quality[e] = await measureQuality(conn, assessed.get(e)!);
        // Only `<e>_kept` (a view of the written file) is read from here on: memory holds one
        // entity's working tables at a time.
        await dropEntity(conn, e, Object.keys(entityPolicy(e).columns).length);
        entities[e] = { ...accounting, file: `${e}.parquet` };
        log(`cleanse: ${e}: ${accounting.rowsIn} in, ${accounting.rowsKept} kept, ${accounting.rowsCollapsed} collapsed into them, ${accounting.rowsRejected} rejected`);
      };

      // Customers are assessed first: order lines need the map from staged to cleansed versions.
      // A version's id compares case-folded values: "PARIS" and "Paris" are one version, which
      // keeps the spelling seen on most records (the policy's preference); values are never re-cased.
      await assess("customers", {
        customer_version: `md5(concat_ws(chr(31), ${CUSTOMER_ATTRIBUTES.map((c) => `coalesce(lower(t.${sqlIdent(c)}::varchar), chr(0))`).join(", ")}))`,
      });
      await conn.run(`create table customer_version_map as
        select raw_customer_version, customer_version from customers_typed t
        where not exists (select 1 from customers_events ev where ev.record_key = t.record_key and ev.action = 'reject')`);
      await assess("order_lines", {
        customer_version: `(select m.customer_version from customer_version_map m where m.raw_customer_version = t.raw_customer_version)`,
      });
      await write("order_lines");
      // A version seen only on rejected lines has no date to start from: it describes no sale. A
      // kept version's validity comes from the dates of the lines that carry it (SCD2 input).
      await write(
        "customers",
        [
          {
            reason: "ORPHAN_VERSION",
            when: "coalesce(master_rows, 0) = 0 and customer_version not in (select customer_version from order_lines_kept where customer_version is not null)",
            action: "reject",
            explain: "this version of the customer appears only on rejected order lines (a customer master record is kept without any sale)",
          },
        ],
        {
          sql: "select customer_version, min(order_date) as first_order_date, max(order_date) as last_order_date from order_lines_kept group by all",
          using: "customer_version",
        },
      );
      for (const e of ["stock_snapshots", "products", "suppliers", "carriers", "warehouses"] as EntityName[]) {
        await assess(e);
        await write(e);
      }

      const rejectsFile = "rejects.csv";
      joinEventParts(
        path.join(work, rejectsFile),
        [...eventParts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, file]) => file),
      );

      const qualityFile = "quality.json";
      writeJson(path.join(work, qualityFile), orderByEntity(quality));
      const sourceTotals = await sourceNetTotal(conn, path.join(opts.splitDir, split.outputs.order_lines.file), path.join(work, "order_lines.parquet"));
      const dateOrder = CLEAN_ENTITIES.flatMap((x) => assessed.get(x.name)?.dateOrder ?? []);
      const manifest: CleanManifest = { source: split.source, entities: orderByEntity(entities), sourceTotals, rejectsFile, qualityFile, ...(dateOrder.length ? { dateOrder } : {}) };
      writeJson(path.join(work, "manifest.json"), manifest);
      fs.rmSync(spill, { recursive: true, force: true });
      return manifest;
    } finally {
      await pool.close();
      conn.closeSync();
      instance.closeSync();
    }
  });
}

/** The rejects file: its header, then each entity's sorted events, in entity order (one global sort order). */
function joinEventParts(target: string, parts: string[]): void {
  const out = fs.openSync(target, "w");
  try {
    fs.writeSync(out, "entity,source_line,action,column,raw_value,reason_code,detail,source_file\n");
    const buffer = Buffer.alloc(1 << 22);
    for (const part of parts) {
      const input = fs.openSync(part, "r");
      try {
        for (let n = fs.readSync(input, buffer); n > 0; n = fs.readSync(input, buffer)) fs.writeSync(out, buffer, 0, n);
      } finally {
        fs.closeSync(input);
      }
    }
  } finally {
    fs.closeSync(out);
  }
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
  await conn.run(`copy (select s.* replace (${replaced}) from read_parquet(${sqlString(stagedCustomers)}) s order by s.record_key)
    to ${sqlString(file)} (format parquet, compression zstd)`);
  const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*)::bigint as n from read_parquet(${sqlString(stagedCustomers)}) where customer_id in (select raw_customer_id from rectification)`);
  await conn.run("drop table rectification");
  return { file, corrections: corrections.length, rows: n };
}

function orderByEntity<T>(record: Record<EntityName, T>): Record<EntityName, T> {
  return Object.fromEntries(CLEAN_ENTITIES.map((e) => [e.name, record[e.name]])) as Record<EntityName, T>;
}

export { cleanEntity };

/** The entities each record type feeds. */
const FEEDS: Record<RecordKind, EntityName[]> = {
  SALE: ["order_lines", "customers", "products", "suppliers", "carriers", "warehouses"],
  STOCK: ["stock_snapshots", "products", "suppliers", "warehouses"],
  CUSTOMER: ["customers"],
  PRODUCT: ["products", "suppliers"],
  SUPPLIER: ["suppliers"],
  CARRIER: ["carriers"],
  WAREHOUSE: ["warehouses"],
};

/** The entities a source can have rows of, from the record types it yields. */
export function fedEntities(profile: SourceProfile): Set<EntityName> {
  return new Set(recordKindsOf(profile).flatMap((k) => FEEDS[k]));
}

/**
 * Stops a profile that lacks a column the cleansing policy rejects rows without (issue 23),
 * naming the column, the policy and the two ways out. Run before the split writes anything.
 */
export function checkProfileAgainstPolicy(profile: SourceProfile): void {
  const lacked = lackedRejectColumns(profile, fedEntities(profile));
  if (lacked.length === 0) return;
  const first = lacked[0];
  const all = lacked.map((l) => `${l.entity}.${l.column}`).join(", ");
  throw new InputError(
    profile.file ?? profile.name,
    `source profile "${profile.name}" lacks "${first.from}", but the cleansing policy rejects every ${first.entity} row without it (${all}: missing → reject, lib/cleanse/missingValuePolicy.ts)`,
    `map "${first.from}" under "columns" (or in the record query), or state what its absence means under "defaults", e.g. "defaults": {"${first.from}": "<the one value every record has>"}`,
  );
}
