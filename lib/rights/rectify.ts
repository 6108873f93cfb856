/**
 * Right to rectification (GDPR Art. 16). The correction is recorded in the rectification ledger,
 * encrypted under the customer's own data key, and applied by the cleanse stage at every load
 * (lib/cleanse/cleanse.ts), so it reaches the core and the marts at the next run and is never
 * undone by the old raw export. Answering "done" requires that run (lib/cli/rights.ts reruns
 * the pipeline right after recording); Art. 19 notification of recipients is the marts, rebuilt
 * by the same run.
 */
import type { CountryCode } from "libphonenumber-js";
import { entityPolicy } from "../cleanse/missingValuePolicy";
import { ruleSet } from "../cleanse/rules/index";
import { fieldLengthLimit } from "../policy";
import { RECTIFIABLE_COLUMNS, recordRectification, type RectifiableColumn } from "../privacy/ledgers";
import { loadProfile } from "../raw/profile";
import { requestReceipt } from "./deadlines";
import { audit, identifierPseudonym, keyRing, nowOf, type RightsContext } from "./context";
import { resolveSubject } from "./resolve";

export interface RectificationAnswer {
  status: "recorded" | "erased" | "unknown" | "ambiguous" | "invalid";
  message: string;
  column: string;
  auditSeq: number;
}

export async function rectifyRequest(ctx: RightsContext, identifier: string, column: string, value: string): Promise<RectificationAnswer> {
  const receipt = requestReceipt(ctx);
  if (!(RECTIFIABLE_COLUMNS as readonly string[]).includes(column)) {
    const rec = audit(ctx, "rectification", "unknown-subject", { outcome: "invalid", column, ...receipt });
    return { status: "invalid", column, auditSeq: rec.seq, message: `"${column}" cannot be rectified; rectifiable fields are ${RECTIFIABLE_COLUMNS.join(", ")}.` };
  }
  const problem = valueProblem(ctx, column as RectifiableColumn, value);
  if (problem) {
    // Checked before anything is recorded, by the rule that cleanses the column: an invalid value
    // would be nulled at the next load, the data subject's correction lost. Not echoed (personal).
    const rec = audit(ctx, "rectification", "unknown-subject", { outcome: "invalid", column, ...receipt });
    return { status: "invalid", column, auditSeq: rec.seq, message: `The new ${column} is not valid: ${problem}. Nothing was recorded.` };
  }
  const r = await resolveSubject(ctx, identifier);
  if (r.status !== "found" || r.pseudonyms.length !== 1) {
    const status = r.status === "found" ? "ambiguous" : r.status;
    const subject = r.status === "erased" ? r.pseudonyms[0] : "unknown-subject";
    const rec = audit(ctx, "rectification", subject, {
      outcome: status,
      column,
      identifierKind: r.kind,
      ...receipt,
      ...(r.status === "unknown" ? { identifierPseudonym: identifierPseudonym(ctx, r.kind, identifier) } : {}),
    });
    const message =
      status === "erased"
        ? "This person's data was erased; there is nothing left to rectify."
        : status === "ambiguous"
          ? "Several customer records match this email; please give the customer number."
          : `We hold no personal data matching this ${r.kind === "email" ? "email address" : "customer number"}.`;
    return { status, message, column, auditSeq: rec.seq };
  }
  const pseudonym = r.pseudonyms[0];
  const entry = recordRectification(ctx.privacyDir, ctx.keyStore, keyRing(ctx), pseudonym, column as RectifiableColumn, value, nowOf(ctx));
  const rec = audit(ctx, "rectification", pseudonym, { outcome: "recorded", column, ledgerSeq: entry.seq, ...receipt });
  return { status: "recorded", column, auditSeq: rec.seq, message: `Your ${column} has been corrected; the correction applies from the next load of the warehouse and the marts.` };
}

/** Why a rectified value would not survive its column's cleansing rule; null when it would. */
export function valueProblem(ctx: Pick<RightsContext, "profile">, column: RectifiableColumn, value: string): string | null {
  if (value.trim() === "") return "it is empty (a rectification replaces a value with the correct one)";
  const policy = entityPolicy("customers").columns[column];
  if (value.length > fieldLengthLimit(policy.rule)) return `${value.length} characters, more than the ${fieldLengthLimit(policy.rule)} the column holds`;
  const profile = ctx.profile ?? loadProfile("default");
  const rules = ruleSet({ dateFormats: [...profile.dateFormats], phoneCountry: profile.country as CountryCode });
  // A phone number is read in the profile's country unless it has its own prefix (+44 ...).
  const cleaned = rules[policy.rule](value, null);
  if (cleaned.issue === null && cleaned.value !== null) return null;
  const hint = policy.rule === "phone" ? "; a number of another country than the source's takes its prefix (+44 ...)" : policy.rule === "birth_date" ? `; write it as ${profile.dateFormats[0]}, the source profile's first date format` : "";
  return `the rule that cleanses the column refuses it (${cleaned.issue ?? "INVALID"})${hint}`;
}
