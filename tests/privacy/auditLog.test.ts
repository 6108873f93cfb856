import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { appendAudit, canonicalJson, verifyAuditLog, GENESIS_HASH } from "../../lib/privacy/auditLog";
import { removeTemp, tempDir } from "./tempKeyStore";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTemp));

function logWithEntries(n: number): string {
  const root = tempDir();
  roots.push(root);
  const file = path.join(root, "audit.jsonl");
  for (let i = 1; i <= n; i++) {
    appendAudit(file, {
      actor: "dpo@example.org",
      action: i % 2 ? "access-request" : "erasure",
      subject: `cp_${String(i).padStart(32, "0")}`,
      details: { request: `R-${i}`, rows: i * 10 },
      at: `2026-01-0${i}T09:00:00.000Z`,
    });
  }
  return file;
}

function lines(file: string): string[] {
  return fs.readFileSync(file, "utf8").trimEnd().split("\n");
}
function writeLines(file: string, ls: string[]): void {
  fs.writeFileSync(file, ls.join("\n") + "\n");
}

describe("appendAudit", () => {
  test("chains entries by hash, numbered from 1", () => {
    const file = logWithEntries(3);
    const records = lines(file).map((l) => JSON.parse(l));
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0].prevHash).toBe(GENESIS_HASH);
    expect(records[1].prevHash).toBe(records[0].hash);
    expect(records[2].prevHash).toBe(records[1].hash);
    expect(Object.keys(records[0])).toEqual(["seq", "at", "actor", "action", "subject", "details", "prevHash", "hash"]);
    expect(verifyAuditLog(file)).toEqual({ ok: true, entries: 3 });
  });

  test("with an injected clock, the same entries give the same bytes", () => {
    expect(fs.readFileSync(logWithEntries(3)).equals(fs.readFileSync(logWithEntries(3)))).toBe(true);
  });

  test("without one, it stamps the current time", () => {
    const root = tempDir();
    roots.push(root);
    const before = Date.now();
    const record = appendAudit(path.join(root, "a.jsonl"), { actor: "build", action: "keys-created", subject: "keystore" });
    expect(Date.parse(record.at)).toBeGreaterThanOrEqual(before - 1);
    expect(record.details).toEqual({});
  });

  test("refuses an entry without actor, action or subject", () => {
    const root = tempDir();
    roots.push(root);
    expect(() => appendAudit(path.join(root, "a.jsonl"), { actor: "", action: "x", subject: "y" })).toThrow(/actor/);
  });
});

describe("verifyAuditLog", () => {
  test("an edited field is detected at that entry's seq", () => {
    const file = logWithEntries(4);
    const ls = lines(file);
    const edited = JSON.parse(ls[1]);
    edited.details.rows = 999;
    ls[1] = JSON.stringify(edited);
    writeLines(file, ls);
    const result = verifyAuditLog(file);
    expect(result).toMatchObject({ ok: false, firstBadSeq: 2, entries: 1 });
    expect(result.reason).toMatch(/edited/);
  });

  test("an edit whose hash was recomputed still breaks the chain at the next entry", () => {
    const file = logWithEntries(4);
    const ls = lines(file);
    const forged = JSON.parse(ls[1]);
    forged.actor = "someone-else";
    // the forger recomputes this entry's hash but cannot fix the successors without rewriting them all
    const { hash: _unused, ...rest } = forged;
    forged.hash = createHash("sha256").update(forged.prevHash + canonicalJson(rest)).digest("hex");
    ls[1] = JSON.stringify(forged);
    writeLines(file, ls);
    expect(verifyAuditLog(file)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  test("a deleted entry is detected at the missing seq", () => {
    const file = logWithEntries(4);
    const ls = lines(file);
    ls.splice(1, 1);
    writeLines(file, ls);
    expect(verifyAuditLog(file)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  test("reordered entries are detected", () => {
    const file = logWithEntries(4);
    const ls = lines(file);
    [ls[1], ls[2]] = [ls[2], ls[1]];
    writeLines(file, ls);
    expect(verifyAuditLog(file)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  test("a removed tail is only detectable against an anchor kept elsewhere", () => {
    const file = logWithEntries(4);
    const head = JSON.parse(lines(file)[3]);
    writeLines(file, lines(file).slice(0, 3));
    expect(verifyAuditLog(file).ok).toBe(true);
    expect(verifyAuditLog(file, { seq: head.seq, hash: head.hash })).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  test("an interrupted last line is reported and blocks further appends", () => {
    const file = logWithEntries(2);
    fs.appendFileSync(file, '{"seq":3,');
    expect(verifyAuditLog(file)).toMatchObject({ ok: false, firstBadSeq: 3 });
    expect(() => appendAudit(file, { actor: "a", action: "b", subject: "c" })).toThrow(/incomplete/);
  });

  test("an absent log is an empty, valid log", () => {
    const root = tempDir();
    roots.push(root);
    expect(verifyAuditLog(path.join(root, "none.jsonl"))).toEqual({ ok: true, entries: 0 });
  });
});
