/**
 * Right to erasure (GDPR Art. 17), in the order that keeps it safe if interrupted:
 *   1. the erasure ledger records the pseudonym (from now on every load anonymises the person at
 *      the split stage: even a crash after this step cannot bring them back);
 *   2. the customer's data key is crypto-shredded: every copy of their encrypted fields that only
 *      the live key ring opens (current core, old lake partitions) is unreadable from now on, and
 *      so are their pending rectifications; a key-ring backup taken before still opens them until
 *      it expires and its master key is rotated (POLICY.retention.keyBackupDays, keyring.ts);
 *   3. the audit log records who erased, when and why.
 * Their sales stay on the erased member, with no personal field or pseudonym. The
 * next pipeline run removes the ciphertexts and the pseudonym from core and marts altogether
 * (lib/cli/rights.ts runs it at once); `verifyErasure` then proves nothing is left.
 */
import { POLICY } from "../policy";
import { recordErasures, type ErasureReason } from "../privacy/ledgers";
import { requestReceipt } from "./deadlines";
import { audit, identifierPseudonym, keyRing, nowOf, type RightsContext } from "./context";
import { resolveSubject } from "./resolve";

export interface ErasureAnswer {
  status: "erased" | "already-erased" | "unknown";
  message: string;
  /** Pseudonyms erased: internal, for the verification step; never shown to the requester. */
  pseudonyms: string[];
  keysShredded: number;
  auditSeq: number;
}

/** Erases every customer record the pseudonyms name (used by requests and by the retention job). */
export function erasePseudonyms(ctx: RightsContext, pseudonyms: string[], reason: ErasureReason): number {
  // The ledger first (it keeps an erased customer out of every later load), then the keys, as
  // before customer by customer; now in one write each: one shred per customer rewrote the whole
  // key ring every time, and one ledger entry read the whole ledger again (a retention run
  // erasing the bundled export's 24,326 customers took more than nine minutes).
  recordErasures(ctx.privacyDir, ctx.keyStore, pseudonyms, reason, nowOf(ctx));
  return keyRing(ctx).shredAll(pseudonyms);
}

export async function eraseRequest(ctx: RightsContext, identifier: string): Promise<ErasureAnswer> {
  const receipt = requestReceipt(ctx);
  const r = await resolveSubject(ctx, identifier);
  if (r.status === "erased") {
    const rec = audit(ctx, "erasure", r.pseudonyms[0], { outcome: "already-erased", identifierKind: r.kind, ...receipt });
    return { status: "already-erased", pseudonyms: r.pseudonyms, keysShredded: 0, auditSeq: rec.seq, message: `This person was already erased on ${r.erasures[0].at.slice(0, 10)}.` };
  }
  if (r.status === "unknown") {
    const rec = audit(ctx, "erasure", "unknown-subject", { outcome: "unknown", identifierKind: r.kind, identifierPseudonym: identifierPseudonym(ctx, r.kind, identifier), ...receipt });
    return { status: "unknown", pseudonyms: [], keysShredded: 0, auditSeq: rec.seq, message: `We hold no personal data matching this ${r.kind === "email" ? "email address" : "customer number"}.` };
  }
  const shredded = erasePseudonyms(ctx, r.pseudonyms, "erasure-request");
  const rec = audit(ctx, "erasure", r.pseudonyms.join(","), { outcome: "erased", identifierKind: r.kind, customers: r.pseudonyms.length, keysShredded: shredded, ...receipt });
  return {
    status: "erased",
    pseudonyms: r.pseudonyms,
    keysShredded: shredded,
    auditSeq: rec.seq,
    message: `Your personal data has been erased from our warehouse and analyses. Older encrypted backups hold it for at most ${POLICY.retention.keyBackupDays} more days, after which no key to read it remains. The order records accounting law requires us to keep (${POLICY.retention.accountingRecordsYears} years, Code de commerce art. L123-22) are kept for that purpose only (GDPR Art. 17(3)(b)).`,
  };
}
