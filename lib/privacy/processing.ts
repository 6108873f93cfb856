/**
 * The processing activities, as data (STYLE §4 "policies are data"): the same records feed the
 * Art. 30 register (reports/register-of-processing.md), the DPIA (reports/dpia.md) and the
 * "purposes, recipients and retention" block of every access answer (Art. 15(1)(a)-(d)), so the
 * three can never disagree. Retention periods come from lib/policy.ts.
 */
import { POLICY } from "../policy";

export interface ProcessingActivity {
  id: string;
  name: string;
  purpose: string;
  /** GDPR Art. 6(1) lawful basis. */
  lawfulBasis: string;
  dataSubjects: string[];
  dataCategories: string[];
  recipients: string[];
  retention: string;
  /** Where in this project the processing happens. */
  systems: string[];
}

const CUSTOMER_RETENTION = `${POLICY.retention.customerDataYearsAfterLastContact} years after the last contact, which the export records as the last order (CNIL référentiel "gestion des activités commerciales"), then anonymised by the retention job (customer attached to the erased member)`;
// The legal obligation concerns the accounting records themselves; the warehouse's copy of an
// erased customer's lines keeps no personal field and no pseudonym, so it needs no exception.
const ACCOUNTING_RETENTION = `${POLICY.retention.accountingRecordsYears} years for the order records accounting law requires (Code de commerce art. L123-22), a legal obligation erasure does not override (Art. 17(3)(b)); in the warehouse, an erased customer's order lines stay on the erased member, without personal field or pseudonym`;
const BACKUPS = `encrypted backups: an erased customer's data key stays in key backups for at most ${POLICY.retention.keyBackupDays} days, after which the master key that wrapped it is rotated and destroyed`;

export const PROCESSING_ACTIVITIES: readonly ProcessingActivity[] = [
  {
    id: "P1",
    name: "Customer order management and accounting records",
    purpose: "Record sales, deliveries and returns; keep the accounting records the law requires.",
    lawfulBasis: "Art. 6(1)(b) contract; Art. 6(1)(c) legal obligation (accounting records)",
    dataSubjects: ["customers (natural persons and sole traders)", "contacts of business customers"],
    dataCategories: ["identity (first name, last name, company name)", "contact (email, phone, postal address)", "birth date", "gender", "order lines (products, amounts, dates, channel)"],
    recipients: ["sales and customer-service staff (core warehouse, restricted role)", "statutory auditor (accounting records)"],
    retention: `customer data: ${CUSTOMER_RETENTION}; order lines: ${ACCOUNTING_RETENTION}; ${BACKUPS}`,
    systems: ["data/raw export", "outputs/warehouse/core.duckdb (pseudonymised, fields encrypted, file encrypted)"],
  },
  {
    id: "P2",
    name: "Sales and inventory analysis (data marts)",
    purpose: "Management reporting: sales, margins, stock, supplier and carrier performance.",
    lawfulBasis: "Art. 6(1)(f) legitimate interest (steering the business), compatible further processing (Art. 6(4))",
    dataSubjects: ["customers, through a keyed pseudonym only"],
    dataCategories: ["pseudonym", "generalised attributes (age band, gender, département, région, segment)", "aggregated sales"],
    recipients: ["analysts (marts, read-only role)"],
    retention: `follows P1: an erased or expired customer leaves the marts at the next load`,
    systems: ["outputs/warehouse/marts.duckdb"],
  },
  {
    id: "P3",
    name: "Open Data release of aggregated statistics",
    purpose: "Publish aggregated sales statistics under an open licence.",
    lawfulBasis: "Art. 6(1)(f) legitimate interest; statistical purposes with Art. 89(1) safeguards",
    dataSubjects: ["customers, whose pseudonymised order lines are counted; none identifiable in the result (frequency, dominance and secondary suppression)"],
    dataCategories: ["input: pseudonymised order lines and generalised attributes of the marts", "output: anonymised aggregates (WP29 Opinion 05/2014 tests)"],
    recipients: ["the public (anonymous aggregates only: no personal data is disclosed)"],
    retention: "published releases are kept; no personal data",
    systems: ["outputs/opendata (lib/opendata)"],
  },
  {
    id: "P4",
    name: "Data-subject rights and security logging",
    purpose: "Answer access, rectification and erasure requests; prove it (Art. 5(2) accountability).",
    lawfulBasis: "Art. 6(1)(c) legal obligation (Art. 12 to 22, Art. 30, Art. 32)",
    dataSubjects: ["customers who made a request"],
    dataCategories: ["keyed pseudonym", "request type, date, actor", "corrected values (encrypted under the customer's key)"],
    recipients: ["data protection officer", "supervisory authority on request"],
    retention: `ledgers: as long as the raw export that they neutralise is kept; audit log: ${POLICY.retention.auditLogYears} years`,
    systems: ["outputs/privacy/erasure-ledger.jsonl", "outputs/privacy/rectification-ledger.jsonl", "outputs/privacy/rights-audit.jsonl"],
  },
];

/** The technical and organisational security measures (Art. 32), referenced by the register and the DPIA. */
export const SECURITY_MEASURES: readonly { measure: string; article: string; where: string }[] = [
  { measure: "Customer numbers replaced by keyed pseudonyms (HMAC-SHA-256, secret key kept apart from the data)", article: "Art. 4(5), 25, 32(1)(a)", where: "lib/privacy/pseudonym.ts" },
  { measure: "Personal fields encrypted with AES-256-GCM under a per-customer data key wrapped by a master key (envelope encryption); erasure by crypto-shredding", article: "Art. 17, 32(1)(a)", where: "lib/privacy/envelope.ts, keyring.ts" },
  { measure: "core.duckdb encrypted as a file (DuckDB database encryption, key derived from the master key, never stored)", article: "Art. 32(1)(a)", where: "lib/privacy/coreEncryption.ts" },
  { measure: "Versioned keys, owner-only files, loud failure on a missing or corrupt key, documented rotation and re-keying", article: "Art. 32(1)(b)-(c)", where: "lib/privacy/keystore.ts, rekey.ts" },
  { measure: "Card numbers never staged; staged personal data purged at the end of each run", article: "Art. 5(1)(c), 5(1)(e)", where: "lib/split/split.ts, lib/privacy/staging.ts" },
  { measure: "Marts hold no direct identifier, enforced by a PII scan that fails the build", article: "Art. 25(2)", where: "lib/marts/piiScan.ts" },
  { measure: "Erasure and rectification ledgers applied at every load (no resurrection from the raw export)", article: "Art. 16, 17", where: "lib/privacy/ledgers.ts" },
  { measure: "Tamper-evident, hash-chained audit log of every request", article: "Art. 5(2), 30, 32(1)(d)", where: "lib/privacy/auditLog.ts" },
  { measure: "Trust zones core / marts / open data, mapped to server roles", article: "Art. 25, 32(4)", where: "reports/security-zones.md, reports/postgres-grants.sql" },
];

/**
 * The rights a person has over this processing (Art. 15(1)(e)), and where to complain
 * (Art. 15(1)(f), 77): part of every access answer.
 */
export const DATA_SUBJECT_RIGHTS: readonly string[] = [
  "rectification of inaccurate data (Art. 16)",
  "erasure (Art. 17)",
  "restriction of processing (Art. 18)",
  "portability of the data you gave us (Art. 20)",
  "objection to P2, based on legitimate interest (Art. 21(1)), and to P3, a statistical purpose, on grounds relating to your particular situation (Art. 21(6))",
];
export const COMPLAINT =
  "You may lodge a complaint with the supervisory authority, in France the CNIL (Commission nationale de l'informatique et des libertés, www.cnil.fr) (Art. 15(1)(f), 77).";

/**
 * The short form an access answer carries (Art. 15(1)(a)-(g)): every processing that uses the
 * person's data, P3 included (their orders are counted in the published aggregates, which
 * disclose nothing about them), the rights they have and where to complain.
 */
export function processingSummary(): {
  purposes: string[];
  recipients: string[];
  retention: string[];
  lawfulBases: string[];
  rights: string[];
  complaint: string;
  source: string;
} {
  const relevant = PROCESSING_ACTIVITIES;
  return {
    purposes: relevant.map((a) => `${a.id} ${a.name}: ${a.purpose}`),
    recipients: [...new Set(relevant.flatMap((a) => a.recipients))],
    retention: relevant.map((a) => `${a.id}: ${a.retention}`),
    lawfulBases: relevant.map((a) => `${a.id}: ${a.lawfulBasis}`),
    rights: [...DATA_SUBJECT_RIGHTS],
    complaint: COMPLAINT,
    source: "the order export of the sales system (data collected from you when ordering)",
  };
}
