/**
 * Right of access (GDPR Art. 15) and portability (Art. 20): everything the warehouse holds about
 * a customer, decrypted, with their orders, plus the purposes, recipients, retention and source
 * of the processing, as JSON and CSV ("structured, commonly used and machine-readable").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "csv-stringify/sync";
import { neutraliseFormula } from "../opendata/publish/csv";
import { readRectifications } from "../privacy/ledgers";
import { processingSummary } from "../privacy/processing";
import { decryptPersonalRecord, emptyPersonalRecord, PERSONAL_COLUMN } from "../warehouse/protector";
import { requestReceipt } from "./deadlines";
import { audit, identifierPseudonym, keyRing, sqlString, withCore, type RightsContext } from "./context";
import { resolveSubject, type IdentifierKind } from "./resolve";

export interface CustomerVersion {
  version: number;
  validFrom: string;
  validTo: string;
  isCurrent: boolean;
  personalData: Record<string, string | null>;
  derivedAttributes: Record<string, string>;
}

export type OrderLine = {
  order_id: string;
  line_number: number;
  order_date: string | null;
  ship_date: string | null;
  delivery_date: string | null;
  sales_channel: string | null;
  product_id: string | null;
  product_name: string | null;
  category: string | null;
  shipping_mode: string;
  quantity: number;
  unit_price: string;
  discount_rate: string;
  net_amount: string;
  freight_allocated: string | null;
  is_return: boolean;
};

export interface AccessAnswer {
  status: "answered" | "erased" | "unknown";
  /** A sentence for the requester. */
  message: string;
  identifierKind: IdentifierKind;
  customerId?: string;
  customers: { versions: CustomerVersion[]; orders: OrderLine[]; pendingRectifications: string[] }[];
  processing: ReturnType<typeof processingSummary>;
  auditSeq: number;
}

export async function accessRequest(ctx: RightsContext, identifier: string): Promise<AccessAnswer> {
  const receipt = requestReceipt(ctx);
  const r = await resolveSubject(ctx, identifier);
  const processing = processingSummary();
  if (r.status !== "found") {
    const subject = r.status === "erased" ? r.pseudonyms[0] : "unknown-subject";
    const rec = audit(ctx, "access", subject, {
      outcome: r.status,
      identifierKind: r.kind,
      ...receipt,
      ...(r.status === "unknown" ? { identifierPseudonym: identifierPseudonym(ctx, r.kind, identifier) } : {}),
    });
    const message =
      r.status === "erased"
        ? `This person's data was erased on ${r.erasures[0].at.slice(0, 10)} from our warehouse and analyses; only the order records accounting law requires are kept, for that purpose (GDPR Art. 17(3)(b)).`
        : `We hold no personal data matching this ${r.kind === "email" ? "email address" : "customer number"}.`;
    return { status: r.status, message, identifierKind: r.kind, customers: [], processing, auditSeq: rec.seq };
  }
  const ring = keyRing(ctx);
  const customers: AccessAnswer["customers"] = [];
  for (const pseudonym of r.pseudonyms) {
    const key = ring.get(pseudonym);
    const { rows, orders } = await withCore(ctx, async (q) => ({
      rows: await q<Record<string, string | number | boolean | null>>("subject_versions.sql", { pseudonym: sqlString(pseudonym) }),
      orders: await q<OrderLine>("subject_orders.sql", { pseudonym: sqlString(pseudonym) }),
    }));
    const versions = rows.map((row) => {
      // A shredded key (no key): every field null, as for a row that holds none.
      const personalData: Record<string, string | null> = key ? decryptPersonalRecord(key, pseudonym, row[PERSONAL_COLUMN] as string | null) : emptyPersonalRecord();
      const derivedAttributes: Record<string, string> = {};
      for (const a of ["customer_type", "segment", "gender", "age_band", "country", "departement_code", "departement_name", "region_code", "region_name"]) {
        derivedAttributes[a] = String(row[a]);
      }
      return { version: Number(row.version_number), validFrom: String(row.valid_from), validTo: String(row.valid_to), isCurrent: Boolean(row.is_current), personalData, derivedAttributes };
    });
    key?.fill(0);
    const pendingRectifications = readRectifications(ctx.privacyDir)
      .filter((e) => e.customer_pseudonym === pseudonym)
      .map((e) => e.column);
    customers.push({ versions, orders, pendingRectifications: [...new Set(pendingRectifications)].sort() });
  }
  const lines = customers.reduce((n, c) => n + c.orders.length, 0);
  const rec = audit(ctx, "access", r.pseudonyms.join(","), { outcome: "answered", identifierKind: r.kind, customers: r.pseudonyms.length, orderLines: lines, ...receipt });
  return {
    status: "answered",
    message: `Here is all the personal data we hold about you (${customers.length} customer record(s), ${lines} order line(s)), with the purposes, recipients and retention of its processing, your other rights and how to complain.`,
    identifierKind: r.kind,
    customerId: r.customerId,
    customers,
    processing,
    auditSeq: rec.seq,
  };
}

/** The export's numeric columns (amounts come from the warehouse as decimal text): written as they are. */
const NUMERIC_COLUMNS = new Set(["customer", "version", "line_number", "quantity", "unit_price", "discount_rate", "net_amount", "freight_allocated"]);

/**
 * The CSV of the export, neutralised against spreadsheet formula injection exactly as the
 * release's CSV is (lib/opendata/publish/csv.ts, OWASP "CSV Injection"): a person's street that
 * reads `=HYPERLINK(...)` is their data, and must open in their spreadsheet as text, not run.
 * Every text cell goes through the release's neutraliseFormula (a phone `+33...` included, as
 * text); the numeric columns, a return's negative amount included, stay numbers.
 */
export function accessCsv(rows: Record<string, unknown>[]): string {
  return stringify(rows, {
    header: true,
    cast: { string: (value, context) => (typeof context.column === "string" && NUMERIC_COLUMNS.has(context.column) ? value : neutraliseFormula(value)) },
  });
}

/**
 * Writes the answer as `access.json`, `personal-data.csv` and `orders.csv` into `dir`, owner-only:
 * the files hold the person's data in clear and go to them, never into outputs/. The JSON keeps
 * every value exactly; the CSV files are neutralised for spreadsheets (accessCsv).
 */
export function writeAccessExport(answer: AccessAnswer, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: [string, string][] = [["access.json", JSON.stringify(answer, null, 2) + "\n"]];
  const personal = answer.customers.flatMap((c, i) =>
    c.versions.map((v) => ({ customer: i + 1, version: v.version, valid_from: v.validFrom, valid_to: v.validTo, is_current: v.isCurrent, ...v.personalData, ...v.derivedAttributes })),
  );
  const orders = answer.customers.flatMap((c, i) => c.orders.map((o) => ({ customer: i + 1, ...o })));
  files.push(["personal-data.csv", accessCsv(personal)]);
  files.push(["orders.csv", accessCsv(orders)]);
  for (const [name, body] of files) {
    fs.writeFileSync(path.join(dir, name), body, { mode: 0o600 });
    fs.chmodSync(path.join(dir, name), 0o600);
  }
  return files.map(([name]) => path.join(dir, name));
}
