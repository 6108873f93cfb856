/**
 * The retention job (GDPR Art. 5(1)(e); CNIL référentiel "gestion des activités commerciales":
 * customer data is kept 3 years after the last contact, lib/policy.ts; the export records a
 * customer's contacts as their orders). A customer whose last order is older
 * than that is anonymised exactly like an erasure: the ledger records them (reason
 * "retention"), their data key is shredded, and from the next load their sales stay on the
 * erased member without any personal field or pseudonym: the sales figures stay true, and
 * nothing in them relates to the person any more.
 */
import { POLICY } from "../policy";
import { audit, withCore, type RightsContext } from "./context";
import { parseIsoDate } from "./deadlines";
import { erasePseudonyms } from "./erase";

export interface RetentionResult {
  asOf: string;
  cutoff: string;
  customersChecked: number;
  anonymised: number;
  keysShredded: number;
  auditSeq: number;
}

/** The last day an order may date from for its customer to be kept at `asOf` (ISO dates). */
export function retentionCutoff(asOf: string, years: number = POLICY.retention.customerDataYearsAfterLastContact): string {
  // `31/12/2029` made an Invalid Date, and toISOString a RangeError with its stack.
  parseIsoDate(asOf, "the retention's --as-of date");
  const d = new Date(`${asOf}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

/** Anonymises every customer inactive since before the cutoff. `asOf` is explicit: a job that reads the clock is not reproducible. */
export async function runRetention(ctx: RightsContext, asOf: string, opts: { years?: number; dryRun?: boolean } = {}): Promise<RetentionResult> {
  const cutoff = retentionCutoff(asOf, opts.years);
  const activity = await withCore(ctx, (q) => q<{ customer_pseudonym: string; last_order_date: string }>("last_activity.sql"));
  const expired = activity.filter((a) => a.last_order_date < cutoff).map((a) => a.customer_pseudonym);
  const shredded = opts.dryRun ? 0 : erasePseudonyms(ctx, expired, "retention");
  const rec = audit(ctx, opts.dryRun ? "retention-dry-run" : "retention", "batch", { asOf, cutoff, customersChecked: activity.length, anonymised: expired.length, keysShredded: shredded });
  return { asOf, cutoff, customersChecked: activity.length, anonymised: expired.length, keysShredded: shredded, auditSeq: rec.seq };
}
