/**
 * Time limits for answering data-subject requests (GDPR Art. 12(3)): "without undue delay and in
 * any event within one month of receipt of the request", extendable by two further months where
 * necessary, provided the data subject is informed of the extension and its reasons within the
 * first month.
 *
 * Periods are computed as Regulation (EEC, Euratom) No 1182/71 Art. 3 does, which EU law applies
 * to its own time limits: the day of receipt is not counted (Art. 3(1)), and a period expressed
 * in months ends with the expiry of the day in the last month with the same date as the day of
 * receipt, or of that month's last day when it has no such date (Art. 3(2)(c)): received on
 * 15 March, due 15 April; on 31 January, due 28 (29) February. The extended deadline applies the
 * same rule to three months counted from the receipt (31 January: 30 April). Art. 3(4) (a period
 * ending on a Saturday, Sunday or public holiday ends on the next working day) is deliberately
 * not applied: public holidays differ between Member States, and ignoring it can only make a
 * deadline earlier, so the report never calls "on time" an answer that was late.
 *
 * Dates are ISO `YYYY-MM-DD` in UTC; an answer's date is the UTC day of its audit entry's `at`.
 * The date functions read no clock. `deadlineReport` reads the rights audit log, whose subjects
 * are pseudonyms (or keyed pseudonyms of identifiers that matched nobody): the report names
 * requests by audit seq and holds no subject, and extension reasons stay in the log.
 */
import * as fs from "node:fs";
import { verifyAuditLog, type AuditRecord, type AuditVerification } from "../privacy/auditLog";
import { audit, auditLogPath, identifierPseudonym, nowOf, type RightsContext } from "./context";
import { resolveSubject } from "./resolve";
import { DeadlineError, EXTENSION_ACTION, REQUEST_ACTIONS, type RequestAction } from "./requestKinds";

export { DeadlineError, EXTENSION_ACTION, REQUEST_ACTIONS, type RequestAction };

/** Art. 12(3): one month, and two further months when extended (three from the receipt). */
export const RESPONSE_MONTHS = 1;
export const EXTENDED_RESPONSE_MONTHS = 3;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Parses a calendar date `YYYY-MM-DD`; refuses anything else, including 2025-02-30. */
export function parseIsoDate(value: string, what = "date"): { year: number; month: number; day: number } {
  const m = typeof value === "string" ? ISO_DATE.exec(value) : null;
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return { year, month, day };
  }
  throw new DeadlineError(`${what} ${JSON.stringify(value)} is not a calendar date: use YYYY-MM-DD`);
}

/**
 * The day on which a period of `months` months running from `date` expires (1182/71 Art. 3(2)(c)):
 * the same date in the last month, or that month's last day when it has no such date.
 */
export function addMonths(date: string, months: number, what = "date"): string {
  if (!Number.isInteger(months) || months < 0) throw new RangeError(`a period of ${months} months is not supported`);
  const { year, month, day } = parseIsoDate(date, what);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const mo = (index % 12) + 1;
  return formatDate(y, mo, Math.min(day, daysInMonth(y, mo)));
}

/** The last day to answer a request received on `receivedAt` (the answer is due by the end of that day). */
export function responseDeadline(receivedAt: string): string {
  return addMonths(receivedAt, RESPONSE_MONTHS, "receipt date");
}

/** The last day to answer when the deadline was extended: two further months, three from the receipt. */
export function extendedDeadline(receivedAt: string): string {
  return addMonths(receivedAt, EXTENDED_RESPONSE_MONTHS, "receipt date");
}

/** The UTC calendar day of an ISO timestamp such as an audit entry's `at`. */
export function utcDay(isoTimestamp: string): string {
  const t = Date.parse(isoTimestamp);
  if (typeof isoTimestamp !== "string" || Number.isNaN(t)) throw new DeadlineError(`${JSON.stringify(isoTimestamp)} is not an ISO timestamp`);
  return new Date(t).toISOString().slice(0, 10);
}

/** A request cannot be received after the day it is answered (a typo in --received, most likely). */
export function assertReceivedBy(receivedAt: string, answeredOn: string): void {
  parseIsoDate(receivedAt, "receipt date");
  parseIsoDate(answeredOn, "answer date");
  if (receivedAt > answeredOn) throw new DeadlineError(`the request cannot have been received on ${receivedAt}, after the day it is answered (${answeredOn})`);
}

/**
 * Art. 12(3): an extension is recorded, with its reason, within the first month; afterwards it is
 * too late to extend (the data subject had to be told within that month) and it is refused.
 */
export function assertExtensionAllowed(receivedAt: string, extendedOn: string, reason: string): void {
  assertReceivedBy(receivedAt, extendedOn);
  if (typeof reason !== "string" || reason.trim() === "") throw new DeadlineError("an extension needs its reason (Art. 12(3): the data subject is told why)");
  const deadline = responseDeadline(receivedAt);
  if (extendedOn > deadline) {
    throw new DeadlineError(
      `too late to extend: the request received on ${receivedAt} had to be answered or extended by ${deadline} (one month, GDPR Art. 12(3)); today is ${extendedOn}`,
    );
  }
}

export type DeadlineStatus = "on_time" | "late" | "extended_on_time";

/**
 * on_time: answered by the one-month deadline (extended or not); extended_on_time: after it but by
 * the extended deadline, with an extension recorded within the first month; late otherwise.
 */
export function answerStatus(receivedAt: string, answeredOn: string, extendedOn?: string): DeadlineStatus {
  parseIsoDate(answeredOn, "answer date");
  if (answeredOn <= responseDeadline(receivedAt)) return "on_time";
  const validExtension = extendedOn !== undefined && extendedOn >= receivedAt && extendedOn <= responseDeadline(receivedAt);
  return validExtension && answeredOn <= extendedDeadline(receivedAt) ? "extended_on_time" : "late";
}

/**
 * The receipt and deadline of the request being answered, for its audit entry: `ctx.receivedAt`,
 * or the day of `ctx.now` when the request is answered the day it arrives. Checked before
 * anything is done, so a wrong date records nothing.
 */
export function requestReceipt(ctx: RightsContext): { receivedAt: string; deadline: string } {
  const today = utcDay(nowOf(ctx));
  const receivedAt = ctx.receivedAt ?? today;
  assertReceivedBy(receivedAt, today);
  return { receivedAt, deadline: responseDeadline(receivedAt) };
}

// ---------------------------------------------------------------------------------------------
// Extensions

/** How a request's subject is written in the log (the same as its answer will write it). */
export interface LoggedSubject {
  /** Pseudonym(s), comma-separated, or "unknown-subject". */
  subject: string;
  /** For "unknown-subject": the keyed pseudonym of the identifier that matched nobody. */
  identifierPseudonym?: string;
}

export interface ExtensionAnswer {
  message: string;
  receivedAt: string;
  deadline: string;
  extendedDeadline: string;
  auditSeq: number;
}

/** The keys that tie an extension to its answer: the pseudonyms, or the identifier's keyed pseudonym. */
function subjectKeys(record: Pick<AuditRecord, "subject" | "details">): string[] {
  if (record.subject === "unknown-subject") {
    const ip = record.details.identifierPseudonym;
    return typeof ip === "string" && ip !== "" ? [ip] : [];
  }
  return record.subject.split(",").filter((s) => s !== "");
}

function sameRequest(a: AuditRecord, b: AuditRecord): boolean {
  if (a.details.receivedAt !== b.details.receivedAt) return false;
  const kindA = a.action === EXTENSION_ACTION ? a.details.request : a.action;
  const kindB = b.action === EXTENSION_ACTION ? b.details.request : b.action;
  if (kindA !== undefined && kindB !== undefined && kindA !== kindB) return false;
  const keys = new Set(subjectKeys(a));
  return subjectKeys(b).some((k) => keys.has(k));
}

function readAuditRecords(file: string): AuditRecord[] {
  if (!fs.existsSync(file)) return [];
  const records: AuditRecord[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as AuditRecord;
      if (r && typeof r === "object" && typeof r.action === "string" && typeof r.subject === "string" && r.details && typeof r.details === "object") records.push(r);
    } catch {
      // a broken line: verifyAuditLog reports it in the report's `log`
    }
  }
  return records;
}

/**
 * Records that the deadline of a request (received on `ctx.receivedAt`, from `who`) is extended,
 * with its reason, which the data subject is told. Refused after the first month, twice for the
 * same request, or once the request was answered. `request` narrows it to one kind of request;
 * without it, it covers every request of that subject received that day.
 * The reason is kept in the audit log: it must hold no personal data.
 */
export function recordExtension(ctx: RightsContext, who: LoggedSubject, reason: string, opts: { request?: RequestAction } = {}): ExtensionAnswer {
  if (ctx.receivedAt === undefined) throw new DeadlineError("an extension needs the date the request was received (--received YYYY-MM-DD)");
  if (opts.request !== undefined && !(REQUEST_ACTIONS as readonly string[]).includes(opts.request)) {
    throw new DeadlineError(`unknown request kind ${JSON.stringify(opts.request)}: use ${REQUEST_ACTIONS.join(", ")}`);
  }
  const receivedAt = ctx.receivedAt;
  assertExtensionAllowed(receivedAt, utcDay(nowOf(ctx)), reason);
  const details: Record<string, unknown> = {
    receivedAt,
    deadline: responseDeadline(receivedAt),
    extendedDeadline: extendedDeadline(receivedAt),
    reason: reason.trim(),
    ...(opts.request ? { request: opts.request } : {}),
    ...(who.identifierPseudonym ? { identifierPseudonym: who.identifierPseudonym } : {}),
  };
  const candidate = { seq: 0, at: "", actor: ctx.actor, action: EXTENSION_ACTION, subject: who.subject, details, prevHash: "", hash: "" };
  if (subjectKeys(candidate).length === 0) throw new DeadlineError("this request names no subject the log can tie its answer to: it cannot be extended");
  for (const r of readAuditRecords(auditLogPath(ctx))) {
    if (!sameRequest(candidate, r)) continue;
    if (r.action === EXTENSION_ACTION) throw new DeadlineError(`this request was already extended on ${utcDay(r.at)} (audit seq ${r.seq}); Art. 12(3) allows one extension`);
    if ((REQUEST_ACTIONS as readonly string[]).includes(r.action)) throw new DeadlineError(`this request was already answered on ${utcDay(r.at)} (audit seq ${r.seq})`);
  }
  const rec = audit(ctx, EXTENSION_ACTION, who.subject, details);
  return {
    receivedAt,
    deadline: details.deadline as string,
    extendedDeadline: details.extendedDeadline as string,
    auditSeq: rec.seq,
    message: `Extension recorded: the request received on ${receivedAt} is now due by ${details.extendedDeadline} instead of ${details.deadline}. Tell the data subject, with the reason, before ${details.deadline} passes.`,
  };
}

/** `recordExtension` for a request named by email or customer number, resolved as the answer will resolve it. */
export async function extendRequest(ctx: RightsContext, identifier: string, reason: string, opts: { request?: RequestAction } = {}): Promise<ExtensionAnswer> {
  if (ctx.receivedAt === undefined) throw new DeadlineError("an extension needs the date the request was received (--received YYYY-MM-DD)");
  assertExtensionAllowed(ctx.receivedAt, utcDay(nowOf(ctx)), reason);
  const r = await resolveSubject(ctx, identifier);
  const who: LoggedSubject =
    r.status === "found"
      ? { subject: r.pseudonyms.join(",") }
      : r.status === "erased"
        ? { subject: r.pseudonyms[0] }
        : { subject: "unknown-subject", identifierPseudonym: identifierPseudonym(ctx, r.kind, identifier) };
  return recordExtension(ctx, who, reason, opts);
}

// ---------------------------------------------------------------------------------------------
// Report

export interface DeadlineRow {
  /** Audit seq of the answer (of the extension, for a pending request). */
  seq: number;
  request: RequestAction | "any";
  /** The answer's outcome (answered, recorded, erased, unknown, ...), never a personal value. */
  outcome: string | null;
  received: string;
  /** UTC day of the answer's `at`; null while pending. */
  answered: string | null;
  deadline: string;
  extended: boolean;
  extendedOn?: string;
  extensionSeq?: number;
  extendedDeadline?: string;
  /** pending: an extension was recorded and the answer is not in the log yet. */
  status: DeadlineStatus | "pending";
}

export interface DeadlineReport {
  /** The hash chain of the log the report was read from. */
  log: AuditVerification;
  requests: DeadlineRow[];
  counts: Record<DeadlineStatus | "pending", number>;
  /** Answers logged without a receipt date (before receipts were recorded): not assessed. */
  withoutReceipt: number;
}

/**
 * Every answered request of the rights audit log with its receipt, answer day, deadline and
 * status, plus the extended requests not answered yet. An extension counts only when it was
 * recorded within the first month and before the answer, for the same subject and receipt day.
 */
export function deadlineReport(auditLogFile: string): DeadlineReport {
  const records = readAuditRecords(auditLogFile);
  const extensions = records.filter((r) => r.action === EXTENSION_ACTION && typeof r.details.receivedAt === "string");
  const used = new Set<number>();
  const requests: DeadlineRow[] = [];
  let withoutReceipt = 0;
  for (const r of records) {
    if (!(REQUEST_ACTIONS as readonly string[]).includes(r.action)) continue;
    const received = r.details.receivedAt;
    if (typeof received !== "string") {
      withoutReceipt++;
      continue;
    }
    const answered = utcDay(r.at);
    const deadline = responseDeadline(received);
    const ext = extensions.find((e) => e.seq < r.seq && sameRequest(e, r) && utcDay(e.at) <= deadline);
    if (ext) used.add(ext.seq);
    requests.push({
      seq: r.seq,
      request: r.action as RequestAction,
      outcome: typeof r.details.outcome === "string" ? r.details.outcome : null,
      received,
      answered,
      deadline,
      extended: ext !== undefined,
      ...(ext ? { extendedOn: utcDay(ext.at), extensionSeq: ext.seq, extendedDeadline: extendedDeadline(received) } : {}),
      status: answerStatus(received, answered, ext ? utcDay(ext.at) : undefined),
    });
  }
  for (const e of extensions) {
    if (used.has(e.seq)) continue;
    const received = e.details.receivedAt as string;
    const request = e.details.request;
    requests.push({
      seq: e.seq,
      request: typeof request === "string" && (REQUEST_ACTIONS as readonly string[]).includes(request) ? (request as RequestAction) : "any",
      outcome: null,
      received,
      answered: null,
      deadline: responseDeadline(received),
      extended: true,
      extendedOn: utcDay(e.at),
      extensionSeq: e.seq,
      extendedDeadline: extendedDeadline(received),
      status: "pending",
    });
  }
  requests.sort((a, b) => a.seq - b.seq);
  const counts = { on_time: 0, late: 0, extended_on_time: 0, pending: 0 };
  for (const row of requests) counts[row.status]++;
  return { log: verifyAuditLog(auditLogFile), requests, counts, withoutReceipt };
}
