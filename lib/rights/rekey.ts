/**
 * Key rotation procedures (EDPB Guidelines 01/2025: change the pseudonymisation secret
 * periodically and after any suspected disclosure; Art. 32(1)(b)).
 *
 * Pseudonym key, `rotatePseudonymKey`:
 *   1. rotate: version N+1 becomes current (N is kept);
 *   2. map every customer number of the raw export from its v N pseudonym to its v N+1 one;
 *   3. rewrite the erasure ledger and the rectification ledger (re-encrypting each correction,
 *      whose AAD names the pseudonym) through the map, then the key ring (data keys unchanged);
 *   4. rerun the pipeline: core and marts get the new pseudonyms;
 *   5. once no copy keyed by v N is needed (backups expired), delete pseudonym.v N.key: from
 *      then on a leaked old extract can no longer be linked to anyone.
 * Until step 3 is done the loads stop with a clear message (ledgers under an old version).
 *
 * Master key, `rotateMasterKey`: rotate, re-wrap every data key (fields are unchanged), rerun
 * (the next core is encrypted under a key derived from the new master); destroy the old master
 * version once the key backups that hold it have expired.
 */
import { decryptField, encryptField } from "../privacy/envelope";
import { rekeyPseudonyms } from "../privacy/pseudonym";
import { rectificationAad, rewriteLedgers } from "../privacy/ledgers";
import { audit, keyRing, type RightsContext } from "./context";

export interface PseudonymRotation {
  fromVersion: number;
  toVersion: number;
  customersMapped: number;
  erasureEntries: number;
  rectificationEntries: number;
  auditSeq: number;
}

export function rotatePseudonymKey(ctx: RightsContext, rawCustomerIds: string[]): PseudonymRotation {
  const fromVersion = ctx.keyStore.currentVersion("pseudonym");
  const toVersion = ctx.keyStore.rotate("pseudonym");
  const mapping = rekeyPseudonyms(ctx.keyStore, rawCustomerIds, fromVersion, toVersion);
  const ring = keyRing(ctx);
  const ledgers = rewriteLedgers(ctx.privacyDir, ctx.keyStore, mapping, toVersion, (oldP, newP, column, valueEnc) => {
    const key = ring.get(oldP);
    if (!key) return valueEnc; // shredded: stays unreadable
    const value = decryptField(key, valueEnc, rectificationAad(oldP, column));
    const out = encryptField(key, value, rectificationAad(newP, column))!;
    key.fill(0);
    return out;
  });
  // Ring entries of customers no longer in the export keep their data key under a re-keyed name
  // only if the map knows them; others would be orphaned, so the map must cover the ring.
  const known = new Map(ring.pseudonyms().filter((p) => mapping.has(p)).map((p) => [p, mapping.get(p)!]));
  const orphans = ring.pseudonyms().filter((p) => !mapping.has(p));
  ring.shredAll(orphans); // customers absent from the export: nothing to re-key to
  ring.renamePseudonyms(known);
  const rec = audit(ctx, "key-rotation", "keystore", { kind: "pseudonym", fromVersion, toVersion, customersMapped: mapping.size, erasureEntries: ledgers.erasures, rectificationEntries: ledgers.rectifications, orphanKeysRemoved: orphans.length });
  return { fromVersion, toVersion, customersMapped: mapping.size, erasureEntries: ledgers.erasures, rectificationEntries: ledgers.rectifications, auditSeq: rec.seq };
}

export function rotateMasterKey(ctx: RightsContext): { fromVersion: number; toVersion: number; rewrapped: number; auditSeq: number } {
  const fromVersion = ctx.keyStore.currentVersion("master");
  const toVersion = ctx.keyStore.rotate("master");
  const rewrapped = keyRing(ctx).rewrapAll();
  const rec = audit(ctx, "key-rotation", "keystore", { kind: "master", fromVersion, toVersion, rewrapped });
  return { fromVersion, toVersion, rewrapped, auditSeq: rec.seq };
}
