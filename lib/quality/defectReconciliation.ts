/**
 * Injected against caught: the generator's ledger of the defects it wrote into the export
 * (`<export>.defects.json`), set against an independent count of the same defects in the export
 * itself, and against what the cleansing stage reports (its manifest). Each measure is taken in
 * the generator's unit first (a field, a row), so that the two counts meet; where cleansing counts
 * in another unit (one flag per kept customer version, one duplicate per order line), every step
 * from one unit to the other is measured and named, so no difference is left unexplained.
 *
 * The export is read again here with DuckDB (in file order, so "first" means first in the file) and
 * the cleansing stage's own rules (lib/cleanse/rules/) judge the values, applied once per
 * distinct value as the cleanser does; which columns reject a row when missing, and the order
 * line's deduplication key, are read from the cleansing policy (lib/cleanse/missingValuePolicy.ts).
 * Only the bundled export has a ledger: another export has nothing to reconcile against.
 */
import { FOREIGN_MOBILES } from "../raw/customers";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { buildValueMap } from "../cleanse/applyRules";
import type { CleanManifest } from "../cleanse/cleanse";
import { entityPolicy } from "../cleanse/missingValuePolicy";
import { ruleSet } from "../cleanse/rules/index";
import { openNative, queryRows, renderSql, sqlIdent, sqlString } from "../engine/native";
import { RAW_COLUMNS } from "../raw/contract";
import { DEFECT_COUNT_UNITS, type DefectKind } from "../raw/defects";
import type { SourceProfile } from "../raw/profile";
import type { SplitManifest } from "../split/split";

export const DEFECTS_SQL_DIR = path.join(__dirname, "defects");

/** The generator's summary file beside the export (`export.csv.gz` -> `export.defects.json`). */
export function defectsFileOf(exportFile: string): string {
  return exportFile.replace(/\.csv(\.gz)?$/, ".defects.json");
}

export interface DefectReconciliation {
  defect: string;
  /** What the generator counts one of. */
  unit: string;
  injected: number;
  /** The same defect counted in the export now, in the generator's unit; null when the export alone cannot tell it. */
  foundInExport: number | null;
  /** Of which on the later copies of a duplicated line (a copy carries its original's defects; the ledger counts them once). */
  onCopies: number | null;
  /**
   * foundInExport - onCopies - injected: 0 when the two counts meet. The generator empties fields
   * last (missing values), so a defect whose field it then emptied is no longer in the file: the
   * difference is then negative, of the order of injected x the missing-value rate.
   */
  difference: number | null;
  /** The cleansing stage's reason(s) for it, as its manifest names them. */
  caughtAs: string;
  /** What the manifest counts under that reason, in its own unit (null: cleansing keeps no count). */
  caught: number | null;
  /** Why `caught` differs from the export's count, each step with its measured count. */
  explanation: string;
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** Columns that cleansing requires on an order line: a row missing one is rejected for it. */
function requiredOrderLineColumns(): string[] {
  const policy = entityPolicy("order_lines");
  return Object.entries(policy.columns)
    .filter(([, rule]) => rule.missing === "reject")
    .map(([column, rule]) => rule.from ?? column);
}

const CUSTOMER_COLUMNS = RAW_COLUMNS.filter((c) => c.group === "customer" && !c.neverLoaded).map((c) => c.name);
// The columns lib/split/models/order_lines.sql stages (customer columns are reduced to their version id there).
const LINE_COLUMNS = ["order_id", "line_number", "order_date", "ship_date", "delivery_date", "sales_channel", "customer_id", "customer_version", "product_id", "supplier_id", "carrier_id", "shipping_mode", "warehouse_id", "quantity", "unit_price", "unit_cost", "discount", "freight_cost"];
const DATE_COLUMNS = ["order_date", "ship_date", "delivery_date", "birth_date", "snapshot_date"];
const EMAIL_COLUMNS = ["email", "supplier_contact_email"];

const hashOf = (columns: readonly string[], alias = "") => columns.map((c) => `coalesce(${alias}${sqlIdent(c)}, chr(0))`).join(", ");

async function loadExport(conn: DuckDBConnection, input: string): Promise<void> {
  const missing = requiredOrderLineColumns().map((c) => `coalesce(trim(${sqlIdent(c)}), '') = ''`).join(" or ");
  const dedupeKey = entityPolicy("order_lines").dedupeKey.map(sqlIdent).join(", ");
  // Read in parallel; the table keeps the file's order (DuckDB preserves insertion order).
  await conn.run(`create or replace table export_records as select * from read_csv(${sqlString(input)}, header = true, all_varchar = true)`);
  const exportRows = renderSql(path.join(DEFECTS_SQL_DIR, "export_rows.sql"), { records: "export_records", customer_columns: hashOf(CUSTOMER_COLUMNS) });
  await conn.run(`create or replace table export_rows as ${exportRows}`);
  const saleRows = renderSql(path.join(DEFECTS_SQL_DIR, "sale_rows.sql"), {
    all_columns: hashOf(RAW_COLUMNS.map((c) => c.name)),
    line_columns: hashOf(LINE_COLUMNS),
    missing_required: missing,
    dedupe_key: dedupeKey,
  });
  await conn.run(`create or replace table sale_rows as ${saleRows}`);
}

interface RowFlags {
  rows_found: number;
  on_copies: number;
  on_rejected: number;
  on_removed_copies: number;
  on_kept: number;
}

async function rowFlags(conn: DuckDBConnection, condition: string): Promise<RowFlags> {
  const [row] = await queryRows<RowFlags>(conn, renderSql(path.join(DEFECTS_SQL_DIR, "row_flags.sql"), { condition }));
  return row;
}

async function valueDefects(conn: DuckDBConnection, column: string, map: string): Promise<{ rows_found: number; on_copies: number; spellings: number }> {
  const [row] = await queryRows<{ rows_found: number; on_copies: number; spellings: number }>(
    conn,
    renderSql(path.join(DEFECTS_SQL_DIR, "value_defects.sql"), { column: sqlIdent(column), map }),
  );
  return row;
}

/** Sum of the manifest's counts for `reason` (rejected or flagged) over the given entities. */
function manifestCount(manifest: CleanManifest, reason: string, entities?: readonly string[]): number {
  let n = 0;
  for (const [entity, accounting] of Object.entries(manifest.entities)) {
    if (entities && !entities.includes(entity)) continue;
    n += accounting.rejectedByReason[reason] ?? 0;
    n += accounting.flaggedByReason[reason] ?? 0;
    // Duplicates are collapsed into the row they copy, not rejected (lib/cleanse/dedupe).
    n += accounting.collapsedByReason?.[reason] ?? 0;
  }
  return n;
}

function row(defect: DefectKind, injected: number, found: number | null, onCopies: number | null, caughtAs: string, caught: number | null, explanation: string): DefectReconciliation {
  return {
    defect,
    unit: DEFECT_COUNT_UNITS[defect],
    injected,
    foundInExport: found,
    onCopies,
    difference: found === null || onCopies === null ? null : found - onCopies - injected,
    caughtAs,
    caught,
    explanation,
  };
}

/**
 * Reconciles every defect kind of the ledger. `splitManifest` gives the physical lines the
 * splitter read; `cleanManifest` what cleansing counted.
 */
export async function reconcileDefects(opts: {
  input: string;
  profile: SourceProfile;
  injected: Partial<Record<DefectKind, number>>;
  /** The generator's rate of missing values (its summary's `defectRates.missingValue`), to size what it hid. */
  missingValueRate?: number;
  splitManifest: SplitManifest;
  cleanManifest: CleanManifest;
}): Promise<DefectReconciliation[]> {
  const { instance, conn } = await openNative();
  const clean = opts.cleanManifest;
  const rules = ruleSet({ dateFormats: opts.profile.dateFormats });
  try {
    await loadExport(conn, opts.input);
    const out: DefectReconciliation[] = [];
    for (const [kind, injected] of Object.entries(opts.injected) as [DefectKind, number][]) {
      switch (kind) {
        case "exactDuplicate":
        case "nearDuplicate": {
          const [d] = await queryRows<Record<string, number>>(conn, renderSql(path.join(DEFECTS_SQL_DIR, "duplicates.sql")));
          if (kind === "exactDuplicate") {
            const caught = manifestCount(clean, "DUPLICATE_EXACT", ["order_lines"]);
            out.push(row(kind, injected, d.exact_copies, 0, "DUPLICATE_EXACT (order lines)", caught,
              `${fmt(d.exact_copies_caught_exact)} byte-for-byte copies + ${fmt(d.near_copies_caught_exact)} near copies whose changes fell only on product, supplier, carrier or warehouse text (the staged order line is identical) = ${fmt(d.exact_copies_caught_exact + d.near_copies_caught_exact)}; ${fmt(d.exact_copies_rejected)} copies of a line missing a required value are rejected with it under that reason`));
          } else {
            const caught = manifestCount(clean, "DUPLICATE_NEAR", ["order_lines"]);
            out.push(row(kind, injected, d.near_copies, 0, "DUPLICATE_NEAR (order lines)", caught,
              `${fmt(d.near_copies)} near copies - ${fmt(d.near_copies_caught_exact)} counted as exact (changes outside the staged order line) - ${fmt(d.near_copies_rejected)} rejected for a missing required value = ${fmt(d.near_copies_caught_near)}`));
          }
          break;
        }
        case "returnLine":
        case "zeroPrice": {
          const condition = kind === "returnLine" ? "try_cast(trim(quantity) as integer) < 0" : "try_cast(trim(unit_price) as decimal(18, 2)) = 0";
          const reason = kind === "returnLine" ? "RETURN" : "ZERO_PRICE";
          const f = await rowFlags(conn, condition);
          out.push(row(kind, injected, f.rows_found, f.on_copies, `${reason} (flag on kept order lines)`, manifestCount(clean, reason, ["order_lines"]),
            `${fmt(f.rows_found)} rows - ${fmt(f.on_removed_copies)} on duplicate copies removed - ${fmt(f.on_rejected)} on lines rejected for a missing required value = ${fmt(f.on_kept)} flagged`));
          break;
        }
        case "dateFormat": {
          const nonIso = DATE_COLUMNS.map((c) => `(coalesce(trim(${sqlIdent(c)}), '') <> '' and not regexp_full_match(${sqlIdent(c)}, '[0-9]{4}-[0-9]{2}-[0-9]{2}'))::integer`).join(" + ");
          const [all] = await queryRows<{ n: number }>(conn, `select coalesce(sum(${nonIso}), 0)::integer as n from export_rows`);
          const [copies] = await queryRows<{ n: number }>(conn, `select coalesce(sum(${nonIso}), 0)::integer as n from sale_rows where copy_rank > 1`);
          const invalid = manifestCount(clean, "INVALID_DATE") + manifestCount(clean, "INVALID_BIRTH_DATE");
          out.push(row(kind, injected, all.n, copies.n, "INVALID_DATE (a date no listed format parses)", invalid,
            `every other format is parsed by the formats the source profile lists and stored as a date: nothing to reject`));
          break;
        }
        case "malformedEmail":
        case "malformedPhone": {
          const columns = kind === "malformedEmail" ? EMAIL_COLUMNS : ["phone"];
          const rule = kind === "malformedEmail" ? rules.email : rules.phone;
          let found = 0, copies = 0, spellings = 0, customerRows = 0;
          for (const column of columns) {
            const map = `map_${column}`;
            await buildValueMap(conn, { staged: "export_rows", column, mapTable: map, rule });
            const v = await valueDefects(conn, column, map);
            found += v.rows_found;
            copies += v.on_copies;
            if (column === columns[0]) {
              spellings = v.spellings;
              customerRows = v.rows_found;
            }
          }
          const reason = kind === "malformedEmail" ? "INVALID_EMAIL" : "INVALID_PHONE";
          const caught = manifestCount(clean, reason, ["customers"]);
          out.push(row(kind, injected, found, copies, `${reason} (flag on kept customer versions)`, caught,
            `cleansing counts one flag per kept customer version, not per row: the ${fmt(customerRows)} rows with a malformed customer ${kind === "malformedEmail" ? "email" : "phone"} carry ${fmt(spellings)} distinct customer spellings${found > customerRows ? ` (the other ${fmt(found - customerRows)} are supplier contacts' emails)` : ""}; a version keeps its most frequent spelling, so ${fmt(Math.max(0, spellings - caught))} malformed spellings are collapsed into the customer's usual one (DUPLICATE_NEAR) or rejected with their version`));
          break;
        }
        case "phoneFormat": {
          await buildValueMap(conn, { staged: "sale_rows", column: "phone", mapTable: "map_phone_format", rule: rules.phone });
          // The generator's own spellings: a French number in five groups of two digits; a customer
          // abroad's mobile in its country's international format, "+32 470 12 34 56"
          // (FOREIGN_MOBILES in lib/raw/customers.ts). Any other spelling is a format defect.
          const codes = Object.values(FOREIGN_MOBILES).map((m) => m.code).join("|");
          const condition = `phone in (select raw from map_phone_format where issue is null) and not regexp_full_match(phone, '[0-9]{2}( [0-9]{2}){4}') and not regexp_full_match(phone, '\\+(${codes})( [0-9]+)+')`;
          const f = await rowFlags(conn, condition);
          out.push(row(kind, injected, f.rows_found, f.on_copies, "(normalised to E.164; no count)", null, "valid numbers in another format are rewritten, not flagged"));
          break;
        }
        case "embeddedNewline": {
          const [n] = await queryRows<{ rows: number; copies: number }>(
            conn,
            `select count(*)::integer as rows, count(*) filter (where copy_rank > 1)::integer as copies from sale_rows where contains(coalesce(street, ''), chr(10))`,
          );
          const [records] = await queryRows<{ n: number }>(conn, "select count(*)::integer as n from export_rows");
          const [breaks] = await queryRows<{ n: number }>(
            conn,
            `select coalesce(sum(${RAW_COLUMNS.map((c) => `(length(coalesce(${sqlIdent(c.name)}, '')) - length(replace(coalesce(${sqlIdent(c.name)}, ''), chr(10), '')))`).join(" + ")}), 0)::integer as n from export_rows`,
          );
          const physical = opts.splitManifest.source.physicalLines;
          out.push(row(kind, injected, n.rows, n.copies, "(read as one record each; no count)", null,
            `the splitter read ${fmt(physical)} physical lines = 1 header + ${fmt(records.n)} records + ${fmt(breaks.n)} line breaks inside quoted fields${physical === 1 + records.n + breaks.n ? "" : ` (off by ${fmt(physical - 1 - records.n - breaks.n)})`}`));
          break;
        }
        default:
          out.push(row(kind, injected, null, null, "(not counted separately)", null, NOT_MEASURED[kind] ?? "not measured"));
      }
    }
    return out.map((r) => withHiddenByMissing(r, opts.missingValueRate));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Names the difference between the ledger and the file: defects whose field the generator emptied afterwards. */
function withHiddenByMissing(r: DefectReconciliation, rate: number | undefined): DefectReconciliation {
  if (r.difference === null || r.difference === 0) return r;
  const expected = rate === undefined ? "" : ` (about ${fmt(Math.round(r.injected * rate))} expected at its rate of ${rate})`;
  const note =
    r.difference < 0
      ? `${fmt(-r.difference)} fewer in the file than in the ledger: the generator writes missing values last, so a defect whose field it then emptied is gone${expected}`
      : `${fmt(r.difference)} more in the file than in the ledger: not explained by this reconciliation`;
  return { ...r, explanation: `${note}. ${r.explanation}` };
}

/** Why the export alone cannot count a kind again (the clean value it replaced is not in the file). */
const NOT_MEASURED: Partial<Record<DefectKind, string>> = {
  missingValue: "an empty field looks the same whether the generator emptied it or it never had a value (a person has no company name, an undelivered order no delivery date); cleansing counts MISSING_<column> per entity, in notebook 02",
  strayWhitespace: "the text rules trim and collapse spaces; the export cannot tell an injected space from one typed in the source",
  randomCasing: "the text rules fold case; the original casing is not in the file",
  countryVariant: "every spelling is mapped to its ISO code; a variant is a valid spelling, indistinguishable from the usual one once mapped",
  countryJunk: "some junk values are real spellings of another country (Deutschland, Belgique), so only the wrong ones the rule rejects are counted: UNKNOWN_COUNTRY in notebook 02",
  unknownCarrier: "kept; the warehouse adds each unknown carrier id as an inferred member (notebook 03)",
  unknownProduct: "kept; the warehouse adds each unknown product id as an inferred member (notebook 03)",
  embeddedComma: "CSV quoting: the splitter reads every such row as one record (records read = rows written)",
  embeddedQuote: "CSV quoting: the splitter reads every such row as one record (records read = rows written)",
  apostropheName: "kept as typed (D'Artagnan); the name rules keep apostrophes",
};
