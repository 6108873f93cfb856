/**
 * Right to rectification (GDPR Art. 16). The correction is recorded in the rectification ledger,
 * encrypted under the customer's own data key, and applied by the cleanse stage at every load
 * (lib/cleanse/cleanse.ts), so it reaches the core and the marts at the next run and is never
 * undone by the old raw export. Answering "done" requires that run (lib/cli/rights.ts reruns
 * the pipeline right after recording); Art. 19 notification of recipients is the marts, rebuilt
 * by the same run.
 */
import { RECTIFIABLE_COLUMNS, recordRectification, type RectifiableColumn } from "../privacy/ledgers";
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
