/**
 * What every data-subject request needs: the keys, the ledgers' directory, the published
 * warehouse, who is acting, and the audit log every answer is written to (Art. 5(2)).
 */
import type { SourceProfile } from "../raw/profile";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../raw/inputError";
import { openDatabase, query, renderSql, sqlString, type Row } from "../warehouse/db";
import { appendAudit, type AuditRecord } from "../privacy/auditLog";
import { coreKeyFor, openEncryptedDatabase } from "../privacy/coreEncryption";
import { openCustomerKeyRing, type CustomerKeyRing } from "../privacy/keyring";
import type { KeyStore } from "../privacy/keystore";
import { RIGHTS_AUDIT_FILE } from "../privacy/ledgers";

export interface RightsContext {
  keyStore: KeyStore;
  /** outputs/privacy: ledgers and the rights audit log. */
  privacyDir: string;
  /** outputs/warehouse: core.duckdb and marts.duckdb. */
  warehouseDir: string;
  /** Who answers the request (an operator id, never the data subject's identity). */
  actor: string;
  /** Key ring file (default: the key store's). */
  keyRingPath?: string;
  /** ISO timestamp source, injectable for reproducible notebooks (default: now). */
  now?: () => string;
  /**
   * Day the data subject's request was received, YYYY-MM-DD (default: the UTC day of `now`): starts
   * the Art. 12(3) one-month deadline, recorded with the answer (lib/rights/deadlines.ts).
   */
  receivedAt?: string;
  /**
   * The source profile of the warehouse's export: a rectified value is checked by the rule that
   * cleanses its column, with the profile's date formats and country (lib/rights/rectify.ts).
   * Default: the default profile.
   */
  profile?: Pick<SourceProfile, "dateFormats" | "country">;
}

export function auditLogPath(ctx: Pick<RightsContext, "privacyDir">): string {
  return path.join(ctx.privacyDir, RIGHTS_AUDIT_FILE);
}

export function nowOf(ctx: RightsContext): string {
  return ctx.now ? ctx.now() : new Date().toISOString();
}

/** Appends to the rights audit log: subjects are pseudonyms, details hold no personal value. */
export function audit(ctx: RightsContext, action: string, subject: string, details: Record<string, unknown> = {}): AuditRecord {
  fs.mkdirSync(ctx.privacyDir, { recursive: true, mode: 0o700 });
  return appendAudit(auditLogPath(ctx), { actor: ctx.actor, action, subject, details, at: nowOf(ctx) });
}

export function keyRing(ctx: RightsContext): CustomerKeyRing {
  return openCustomerKeyRing(ctx.keyStore, ctx.keyRingPath);
}

export function corePathOf(ctx: RightsContext): string {
  return path.join(ctx.warehouseDir, "core.duckdb");
}

/**
 * A keyed pseudonym of an identifier that matched nobody (an email or a number), so that the
 * log can show "a request for this identifier was answered" without holding the identifier.
 */
export function identifierPseudonym(ctx: RightsContext, kind: string, value: string): string {
  const { key } = ctx.keyStore.pseudonymKey();
  const mac = crypto.createHmac("sha256", key).update(`request-identifier:${kind}:${value.trim().toLowerCase()}`, "utf8").digest("hex");
  key.fill(0);
  return "ip_" + mac.slice(0, 32);
}

/** Runs queries on the published core (read-only; with its database key when encrypted). */
export async function withCore<T>(ctx: RightsContext, fn: (q: <R extends Row = Row>(sqlFile: string, vars?: Record<string, string>) => Promise<R[]>) => Promise<T>): Promise<T> {
  const file = corePathOf(ctx);
  if (!fs.existsSync(file)) throw new InputError(file, "no warehouse to answer from", "run the pipeline (`npm start`) before answering requests");
  const key = coreKeyFor(file, ctx.keyStore);
  const db = key ? await openEncryptedDatabase(file, key, { readOnly: true }) : await openDatabase(file);
  try {
    return await fn((sqlFile, vars = {}) => query(db.connection, renderSql(path.join(__dirname, sqlFile), vars)));
  } finally {
    db.close();
  }
}

export { sqlString };
