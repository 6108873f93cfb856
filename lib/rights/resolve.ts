/**
 * Who is asking: a request names a customer by email or by customer number. The warehouse holds
 * neither in clear, so a number is pseudonymised with the key, and an email is found by
 * decrypting each customer's current email with their own data key (Art. 12(6): the controller
 * must be able to identify the requester; Art. 11: no extra data is kept only to do so).
 */
import { customerPseudonym } from "../privacy/pseudonym";
import { ERASED_CUSTOMER_ID, normaliseCustomerId, readErasures, type ErasureEntry } from "../privacy/ledgers";
import { decryptPersonalRecord } from "../warehouse/protector";
import { keyRing, sqlString, withCore, type RightsContext } from "./context";

export type IdentifierKind = "email" | "customer_id";

export type Resolution =
  | { status: "found"; kind: IdentifierKind; pseudonyms: string[]; customerId?: string }
  | { status: "erased"; kind: IdentifierKind; pseudonyms: string[]; erasures: ErasureEntry[] }
  | { status: "unknown"; kind: IdentifierKind; reason: string };

export function identifierKind(identifier: string): IdentifierKind {
  return identifier.includes("@") ? "email" : "customer_id";
}

export async function resolveSubject(ctx: RightsContext, identifier: string): Promise<Resolution> {
  const kind = identifierKind(identifier);
  if (typeof identifier !== "string" || identifier.trim() === "") return { status: "unknown", kind, reason: "no identifier given" };
  if (kind === "customer_id") {
    const id = normaliseCustomerId(identifier);
    if (id === null || id === ERASED_CUSTOMER_ID) return { status: "unknown", kind, reason: "not a valid customer number" };
    const pseudonym = customerPseudonym(ctx.keyStore, id);
    const erasures = readErasures(ctx.privacyDir).filter((e) => e.customer_pseudonym === pseudonym);
    if (erasures.length > 0) return { status: "erased", kind, pseudonyms: [pseudonym], erasures };
    const rows = await withCore(ctx, (q) => q<{ n: number }>("subject_versions.sql", { pseudonym: sqlString(pseudonym) }));
    if (rows.length === 0) return { status: "unknown", kind, reason: "no customer with this number in the warehouse" };
    return { status: "found", kind, pseudonyms: [pseudonym], customerId: id };
  }
  const wanted = identifier.trim().toLowerCase();
  const ring = keyRing(ctx);
  const candidates = await withCore(ctx, (q) => q<{ customer_pseudonym: string; personal_enc: string }>("current_emails.sql"));
  const matches: string[] = [];
  for (const c of candidates) {
    const key = ring.get(c.customer_pseudonym);
    if (!key) continue; // shredded: unreadable by design
    const { email } = decryptPersonalRecord(key, c.customer_pseudonym, c.personal_enc);
    key.fill(0);
    if (email !== null && email.trim().toLowerCase() === wanted) matches.push(c.customer_pseudonym);
  }
  if (matches.length === 0) {
    // An erased person's email is unreadable everywhere by design: the answer is "not found".
    return { status: "unknown", kind, reason: "no current customer with this email" };
  }
  return { status: "found", kind, pseudonyms: matches.sort() };
}
