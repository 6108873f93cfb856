/**
 * Keyed customer pseudonyms. The warehouse never stores a customer id: it stores
 * `customerPseudonym(id)`, an HMAC under a secret kept in the key store, apart from the data.
 *
 * Why a keyed hash and not sha256(id): customer ids come from a small, guessable space
 * (C000001..C999999), so a plain hash is reversed by hashing every candidate and looking the
 * result up; `dictionaryAttack` below does it in well under a second. ENISA ("Pseudonymisation
 * techniques and best practices", 2019, §5) and EDPB Guidelines 01/2025 on pseudonymisation
 * therefore require a secret (keyed hash or encryption) held separately: without the key the
 * pseudonym cannot be recomputed, with it (the controller) the mapping is reproducible, which
 * the data-subject rights (Art. 15 to 17) need to find a customer's rows.
 *
 * Pseudonymised data is still personal data (GDPR Art. 4(5), Recital 26): this is a security
 * measure under Art. 32(1)(a), not anonymisation.
 */
import * as crypto from "node:crypto";
import type { KeyStore } from "./keystore";

/** The fixed prefix tells a reader (and the PII scan) that the column holds a pseudonym. */
const PREFIX = "cp_";
/**
 * 32 hex characters = 128 bits of the 256-bit HMAC. The chance of any collision among n
 * customers is about n^2 / 2^129: for a million customers, ~1.5e-27. 128 bits also keeps the
 * pseudonym unguessable without the key (NIST SP 800-107 allows truncated HMAC down to far less).
 * Shorter would save little in the warehouse and make collisions a thing to reason about.
 */
const PSEUDONYM_HEX_CHARS = 32;

function checkCustomerId(customerId: unknown): asserts customerId is string {
  // An empty or missing id would pseudonymise to one constant and silently merge every unknown
  // customer into a single "person"; the cleansing stage must reject such rows instead.
  if (typeof customerId !== "string" || customerId.length === 0) {
    throw new TypeError(`customer id must be a non-empty string, got ${customerId === "" ? "an empty string" : typeof customerId}`);
  }
}

/**
 * `"cp_" + hex(HMAC-SHA-256(pseudonymKey_v, "customer:" + customerId)).slice(0, 32)`.
 * Same key version, same id: same pseudonym (reruns are reproducible). After a rotation the
 * current version gives new pseudonyms; pass `version` to compute an old one. The `customer:`
 * label separates this use of the key from any other entity pseudonymised with it later.
 * The id is hashed as given (UTF-8): normalising case or whitespace is the cleansing stage's job.
 */
export function customerPseudonym(keyStore: KeyStore, customerId: string, version?: number): string {
  checkCustomerId(customerId);
  const { key } = keyStore.pseudonymKey(version);
  const mac = crypto.createHmac("sha256", key).update("customer:" + customerId, "utf8").digest("hex");
  return PREFIX + mac.slice(0, PSEUDONYM_HEX_CHARS);
}

/**
 * sha256(customerId) in hex. DO NOT use it to pseudonymise: it exists only so that the tests and
 * the privacy notebook can show `dictionaryAttack` reversing it.
 */
export function plainHash(customerId: string): string {
  checkCustomerId(customerId);
  return crypto.createHash("sha256").update(customerId, "utf8").digest("hex");
}

/**
 * What an attacker holding a leaked column does: hash every plausible id and look the hashes up.
 * Returns leaked value -> recovered id for every value it reversed. A leaked value may carry a
 * prefix and be truncated (`cp_` + 32 hex): the attacker compares the trailing hex digits with
 * the same number of digits of sha256(format(candidate)), `format` modelling what the attacker
 * knows of the construction (e.g. the `customer:` label, published in this very file).
 * Against plain hashes of ids drawn from the candidate space it recovers all of them; against
 * HMAC pseudonyms it recovers none even knowing the construction, because without the key the
 * attacker cannot compute the function being inverted.
 */
export function dictionaryAttack(
  hashes: string[],
  candidateIds: Iterable<string>,
  format: (candidateId: string) => string = (id) => id,
): Map<string, string> {
  const byLength = new Map<number, Map<string, string>>(); // hex length -> hex digits -> leaked value
  for (const leaked of hashes) {
    const hex = /[0-9a-f]+$/i.exec(leaked)?.[0].toLowerCase();
    if (!hex || hex.length > 64) continue;
    if (!byLength.has(hex.length)) byLength.set(hex.length, new Map());
    byLength.get(hex.length)!.set(hex, leaked);
  }
  const wanted = [...byLength.values()].reduce((n, m) => n + m.size, 0);
  const recovered = new Map<string, string>();
  if (wanted === 0) return recovered;
  for (const candidate of candidateIds) {
    const digest = crypto.createHash("sha256").update(format(candidate), "utf8").digest("hex");
    for (const [length, lookup] of byLength) {
      const leaked = lookup.get(digest.slice(0, length));
      if (leaked !== undefined && !recovered.has(leaked)) recovered.set(leaked, candidate);
    }
    if (recovered.size === wanted) break;
  }
  return recovered;
}

/**
 * Re-keying after a pseudonym-key rotation (EDPB Guidelines 01/2025 recommend changing the
 * pseudonymisation secret periodically and after any suspected disclosure):
 *   1. `keyStore.rotate("pseudonym")` creates version N+1 (version N is kept);
 *   2. `rekeyPseudonyms(ks, allCustomerIds, N, N+1)` gives old -> new for every customer;
 *   3. the warehouse rewrites every pseudonym column, the erasure ledger and the customer key
 *      ring (`CustomerKeyRing.renamePseudonyms`) through this map, and re-encrypts each encrypted
 *      field, whose AAD names the pseudonym (`customer:<pseudonym>:<column>`);
 *   4. only once nothing keyed by version N remains is the old key file destroyed: from then on
 *      old extracts that leaked can no longer be linked back to customers.
 * Throws if two ids collide under either version (never expected at 128 bits, but a silent merge
 * of two customers would be far worse than a failed run).
 */
export function rekeyPseudonyms(keyStore: KeyStore, customerIds: string[], fromVersion: number, toVersion: number): Map<string, string> {
  const mapping = new Map<string, string>();
  const seenNew = new Map<string, string>();
  for (const id of customerIds) {
    const oldPseudonym = customerPseudonym(keyStore, id, fromVersion);
    const newPseudonym = customerPseudonym(keyStore, id, toVersion);
    const previousId = seenNew.get(newPseudonym);
    if (previousId !== undefined && previousId !== id) {
      throw new Error(`pseudonym collision under key version ${toVersion}: two different customer ids map to ${newPseudonym}`);
    }
    const previousNew = mapping.get(oldPseudonym);
    if (previousNew !== undefined && previousNew !== newPseudonym) {
      throw new Error(`pseudonym collision under key version ${fromVersion}: two different customer ids map to ${oldPseudonym}`);
    }
    seenNew.set(newPseudonym, id);
    mapping.set(oldPseudonym, newPseudonym);
  }
  return mapping;
}
