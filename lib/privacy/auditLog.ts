/**
 * An append-only, tamper-evident audit log (JSON lines, one event per line) of who did what to
 * personal data: key creation and rotation, access and erasure requests, crypto-shredding.
 * Accountability (GDPR Art. 5(2)) and Art. 32(1)(d) "regularly testing, assessing and evaluating"
 * need a record that a later reader can trust; ENISA's guidance on pseudonymisation and
 * security of processing asks for logging of access to the pseudonymisation secret.
 *
 * Each line is `{seq, at, actor, action, subject, details, prevHash, hash}` where
 * `hash = sha256(prevHash + canonicalJSON(line without hash))` and `prevHash` is the previous
 * line's hash (64 zeros for the first). Editing, deleting, inserting or reordering any line
 * breaks the chain at that line. A hash chain cannot detect the loss of its newest lines on its
 * own: record the head (`seq`, `hash` of the last line) somewhere else, such as a release
 * manifest or a commit, and pass it as `anchor` to `verifyAuditLog`.
 *
 * Subjects are customer pseudonyms, never raw identifiers or contact details: the log outlives
 * erasures and must not itself become a copy of erased data (Art. 5(1)(c), Art. 17).
 * One writer at a time: seq and prevHash are read from the file's last line before appending.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";

export interface AuditEntryInput {
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
  /** ISO-8601 timestamp; defaults to now. Inject it for deterministic notebook outputs. */
  at?: string;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first seq at which the chain is broken (the seq that was expected at the broken line). */
  firstBadSeq?: number;
  reason?: string;
}

export const GENESIS_HASH = "0".repeat(64);

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members dropped, non-finite numbers
 * refused. Without a canonical form the same entry could hash differently after a harmless
 * re-serialisation, and the verifier would cry wolf.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`audit details cannot hold ${value}: not representable in JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return "[" + value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",") + "]";
  if (typeof value === "object") {
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === "function") return canonicalJson(withToJson.toJSON());
    const obj = value as Record<string, unknown>;
    const members = Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => JSON.stringify(k) + ":" + canonicalJson(obj[k]));
    return "{" + members.join(",") + "}";
  }
  throw new TypeError(`audit details cannot hold a ${typeof value}`);
}

function hashOf(record: Omit<AuditRecord, "hash">): string {
  const { seq, at, actor, action, subject, details, prevHash } = record;
  return crypto
    .createHash("sha256")
    .update(prevHash + canonicalJson({ seq, at, actor, action, subject, details, prevHash }), "utf8")
    .digest("hex");
}

/** The last complete line of the file, read backwards in chunks so appends stay cheap on a long log. */
function lastLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return undefined;
    let chunk = 4096;
    for (;;) {
      const start = Math.max(0, size - chunk);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString("utf8");
      if (!text.endsWith("\n")) {
        throw new Error(`${file}: the last line is incomplete (an interrupted write?); run verifyAuditLog and repair before appending`);
      }
      const body = text.slice(0, -1);
      const nl = body.lastIndexOf("\n");
      if (nl >= 0) return body.slice(nl + 1);
      if (start === 0) return body;
      chunk *= 4;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function requireText(name: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new TypeError(`audit entry ${name} must be a non-empty string`);
  return value;
}

/** Appends one entry, chained to the last line, and fsyncs it; returns the stored record. */
export function appendAudit(path: string, entry: AuditEntryInput): AuditRecord {
  const actor = requireText("actor", entry.actor);
  const action = requireText("action", entry.action);
  const subject = requireText("subject", entry.subject);
  const at = entry.at === undefined ? new Date().toISOString() : requireText("at", entry.at);
  const details = entry.details ?? {};
  if (typeof details !== "object" || details === null || Array.isArray(details)) throw new TypeError(`audit entry details must be an object`);

  const previousText = lastLine(path);
  let seq = 1;
  let prevHash = GENESIS_HASH;
  if (previousText !== undefined) {
    let previous: AuditRecord;
    try {
      previous = JSON.parse(previousText);
    } catch {
      throw new Error(`${path}: the last line is not valid JSON; run verifyAuditLog before appending`);
    }
    if (!Number.isInteger(previous.seq) || typeof previous.hash !== "string") throw new Error(`${path}: the last line has no seq/hash; run verifyAuditLog before appending`);
    seq = previous.seq + 1;
    prevHash = previous.hash;
  }
  // Normalised through canonical JSON so that what is hashed is exactly what a reader parses back.
  const storedDetails = JSON.parse(canonicalJson(details)) as Record<string, unknown>;
  const unhashed = { seq, at, actor, action, subject, details: storedDetails, prevHash };
  const record: AuditRecord = { ...unhashed, hash: hashOf(unhashed) };

  const fd = fs.openSync(path, "a", 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(record) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return record;
}

/**
 * Replays the chain. Reports the first broken seq: for an edited line its own seq, for a deleted
 * line the seq that is missing, for reordered lines the first out-of-place seq. With `anchor`
 * (a head recorded elsewhere), also detects a truncated tail or a rewritten chain.
 */
export function verifyAuditLog(path: string, anchor?: { seq: number; hash: string }): AuditVerification {
  if (!fs.existsSync(path)) {
    return anchor ? { ok: false, entries: 0, firstBadSeq: 1, reason: `${path} does not exist but the anchor expects seq ${anchor.seq}` } : { ok: true, entries: 0 };
  }
  const text = fs.readFileSync(path, "utf8");
  if (text.length > 0 && !text.endsWith("\n")) {
    const complete = text.split("\n").length - 1;
    return { ok: false, entries: complete, firstBadSeq: complete + 1, reason: `line ${complete + 1} is incomplete (interrupted write or truncation)` };
  }
  const lines = text === "" ? [] : text.slice(0, -1).split("\n");
  let prevHash = GENESIS_HASH;
  const hashesBySeq = new Map<number, string>();
  for (let i = 0; i < lines.length; i++) {
    const expectedSeq = i + 1;
    const bad = (reason: string): AuditVerification => ({ ok: false, entries: i, firstBadSeq: expectedSeq, reason: `line ${i + 1}: ${reason}` });
    let record: AuditRecord;
    try {
      record = JSON.parse(lines[i]);
    } catch {
      return bad("not valid JSON");
    }
    if (record === null || typeof record !== "object") return bad("not a JSON object");
    if (record.seq !== expectedSeq) return bad(`expected seq ${expectedSeq}, found ${JSON.stringify(record.seq)} (a line was deleted, inserted or moved)`);
    if (record.prevHash !== prevHash) return bad(`prevHash does not match the hash of line ${i} (a line was deleted, inserted, moved or edited)`);
    let recomputed: string;
    try {
      recomputed = hashOf(record);
    } catch (err) {
      return bad(`cannot canonicalise: ${(err as Error).message}`);
    }
    if (record.hash !== recomputed) return bad(`hash mismatch: the entry was edited after it was written`);
    const extra = Object.keys(record).filter((k) => !["seq", "at", "actor", "action", "subject", "details", "prevHash", "hash"].includes(k));
    if (extra.length > 0) return bad(`unexpected field(s) ${extra.join(", ")} added after writing`);
    hashesBySeq.set(record.seq, record.hash);
    prevHash = record.hash;
  }
  if (anchor) {
    const atAnchor = hashesBySeq.get(anchor.seq);
    if (atAnchor === undefined) {
      return { ok: false, entries: lines.length, firstBadSeq: lines.length + 1, reason: `the log ends at seq ${lines.length} but the anchor records seq ${anchor.seq}: lines were removed from the end` };
    }
    if (atAnchor !== anchor.hash) {
      return { ok: false, entries: lines.length, firstBadSeq: anchor.seq, reason: `seq ${anchor.seq} has a different hash than the anchor: the chain was rewritten` };
    }
  }
  return { ok: true, entries: lines.length };
}
