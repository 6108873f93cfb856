/**
 * GDPR Art. 12(3) deadlines: one month from receipt, computed as Regulation 1182/71 Art. 3(2)(c)
 * does, two further months when an extension was recorded within the first month, and the report
 * over the rights audit log. No warehouse: entries are written with the rights functions' own
 * `audit` and `requestReceipt`, and one real request (a refused rectification) runs end to end.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { verifyAuditLog } from "../../lib/privacy/auditLog";
import type { PipelineConfig } from "../../lib/cli/pipeline";
import { formatDeadlineReport, rightsCommand } from "../../lib/cli/rights";
import { audit, auditLogPath, type RightsContext } from "../../lib/rights/context";
import {
  addMonths,
  answerStatus,
  assertExtensionAllowed,
  DeadlineError,
  deadlineReport,
  extendedDeadline,
  recordExtension,
  requestReceipt,
  responseDeadline,
} from "../../lib/rights/deadlines";
import { accessRequest, eraseRequest, rectifyRequest } from "../../lib/rights/index";
import { retentionCutoff } from "../../lib/rights/retention";
import { removeTemp, tempKeyStore } from "./tempKeyStore";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTemp));

type Ctx = RightsContext & { root: string };

/** A rights context on a fresh key store and an empty outputs/ (no warehouse), answering on `today`. */
function context(today: string, receivedAt?: string): Ctx {
  const { store, root } = tempKeyStore();
  roots.push(root);
  const base = { root, keyStore: store, privacyDir: path.join(root, "outputs", "privacy"), warehouseDir: path.join(root, "outputs", "warehouse"), actor: "test-dpo" };
  return on(base, today, receivedAt);
}

/** The same outputs/ and keys, answering on another day: the clock is injected, never read. */
function on(ctx: Omit<Ctx, "now" | "receivedAt">, today: string, receivedAt?: string): Ctx {
  let tick = 0;
  return {
    root: ctx.root,
    keyStore: ctx.keyStore,
    privacyDir: ctx.privacyDir,
    warehouseDir: ctx.warehouseDir,
    actor: ctx.actor,
    now: () => new Date(Date.parse(`${today}T09:00:00.000Z`) + 1000 * tick++).toISOString(),
    ...(receivedAt ? { receivedAt } : {}),
  };
}

/** An answer as the request functions write it: subject pseudonym(s), outcome, receipt and deadline. */
function answer(ctx: RightsContext, action: "access" | "rectification" | "erasure", subject: string) {
  return audit(ctx, action, subject, { outcome: "answered", identifierKind: "customer_id", ...requestReceipt(ctx) });
}

const CP = (n: number) => `cp_${String(n).padStart(32, "0")}`;

describe("the one-month deadline (GDPR Art. 12(3), Reg. 1182/71 Art. 3(2)(c))", () => {
  test("received 15 March, due 15 April: the same date in the following month", () => {
    expect(responseDeadline("2025-03-15")).toBe("2025-04-15");
  });

  test("received 31 January, due 28 February, or 29 February in a leap year: the month's last day when the date does not exist", () => {
    expect(responseDeadline("2025-01-31")).toBe("2025-02-28");
    expect(responseDeadline("2024-01-31")).toBe("2024-02-29");
    expect(responseDeadline("2024-01-30")).toBe("2024-02-29");
    expect(responseDeadline("2100-01-29")).toBe("2100-02-28"); // 2100 is not a leap year
  });

  test("received 30 April, due 30 May: the date of receipt, not the end of the month", () => {
    expect(responseDeadline("2025-04-30")).toBe("2025-05-30");
    expect(responseDeadline("2025-03-31")).toBe("2025-04-30");
    expect(responseDeadline("2025-02-28")).toBe("2025-03-28");
  });

  test("received 31 December, due 31 January of the next year", () => {
    expect(responseDeadline("2025-12-31")).toBe("2026-01-31");
    expect(addMonths("2025-12-15", 3)).toBe("2026-03-15");
  });

  test("a receipt date that is not a calendar YYYY-MM-DD date is refused with the expected format", () => {
    for (const bad of ["2025-02-30", "15/03/2025", "2025-3-15", "", "2025-13-01"]) {
      expect(() => responseDeadline(bad)).toThrow(DeadlineError);
      expect(() => responseDeadline(bad)).toThrow(/YYYY-MM-DD/);
    }
  });
});

describe("answer status", () => {
  test("an answer on the deadline day is on time; the day after is late", () => {
    expect(answerStatus("2025-03-15", "2025-03-15")).toBe("on_time");
    expect(answerStatus("2025-03-15", "2025-04-15")).toBe("on_time");
    expect(answerStatus("2025-03-15", "2025-04-16")).toBe("late");
    expect(answerStatus("2025-01-31", "2025-02-28")).toBe("on_time");
    expect(answerStatus("2025-01-31", "2025-03-01")).toBe("late");
  });

  test("an extension recorded within the first month gives three months from receipt in total", () => {
    expect(extendedDeadline("2025-03-15")).toBe("2025-06-15");
    expect(extendedDeadline("2025-01-31")).toBe("2025-04-30");
    expect(extendedDeadline("2024-11-30")).toBe("2025-02-28");
    expect(answerStatus("2025-03-15", "2025-06-15", "2025-04-15")).toBe("extended_on_time");
    expect(answerStatus("2025-03-15", "2025-06-16", "2025-04-15")).toBe("late");
    // answered within the first month anyway: on time, the extension was not needed
    expect(answerStatus("2025-03-15", "2025-04-10", "2025-03-20")).toBe("on_time");
  });

  test("an extension dated after the first month does not extend the deadline", () => {
    expect(answerStatus("2025-03-15", "2025-05-01", "2025-04-16")).toBe("late");
  });
});

describe("recording an extension", () => {
  test("an extension recorded after the first month is refused, and nothing is logged", () => {
    expect(() => assertExtensionAllowed("2025-03-15", "2025-04-16", "large request")).toThrow(/too late to extend.*by 2025-04-15/);
    const ctx = context("2025-04-16", "2025-03-15");
    expect(() => recordExtension(ctx, { subject: CP(1) }, "large request")).toThrow(DeadlineError);
    expect(fs.existsSync(auditLogPath(ctx))).toBe(false);
  });

  test("an extension on the last day of the first month is accepted; a second one for the same request is refused", () => {
    const ctx = context("2025-02-28", "2025-01-31");
    const ext = recordExtension(ctx, { subject: CP(1) }, "twelve years of orders to compile", { request: "access" });
    expect(ext).toMatchObject({ receivedAt: "2025-01-31", deadline: "2025-02-28", extendedDeadline: "2025-04-30", auditSeq: 1 });
    expect(() => recordExtension(ctx, { subject: CP(1) }, "again", { request: "access" })).toThrow(/already extended on 2025-02-28 \(audit seq 1\)/);
    expect(() => recordExtension(ctx, { subject: CP(1) }, "again")).toThrow(/already extended/);
    // another request of the same person, or another person, can still be extended
    expect(recordExtension(ctx, { subject: CP(1) }, "ledger to rebuild", { request: "erasure" }).auditSeq).toBe(2);
    expect(recordExtension(ctx, { subject: CP(2) }, "twelve years of orders to compile").auditSeq).toBe(3);
  });

  test("an extension needs the receipt date and a reason, and cannot follow the answer", () => {
    expect(() => recordExtension(context("2025-03-20"), { subject: CP(1) }, "large request")).toThrow(/--received/);
    expect(() => recordExtension(context("2025-03-20", "2025-03-15"), { subject: CP(1) }, "  ")).toThrow(/reason/);
    const ctx = context("2025-03-20", "2025-03-15");
    answer(ctx, "access", CP(1));
    expect(() => recordExtension(ctx, { subject: CP(1) }, "large request")).toThrow(/already answered/);
  });
});

describe("recording the receipt with each request", () => {
  test("a real request records its receipt date and deadline in its audit entry; without --received, the day it is answered", async () => {
    const ctx = context("2025-02-10", "2025-01-31");
    const refused = await rectifyRequest(ctx, "C000001", "card_number", "4111");
    expect(refused.status).toBe("invalid");
    const defaulted = await rectifyRequest(context("2025-02-10"), "C000001", "card_number", "4111");
    const [entry] = fs.readFileSync(auditLogPath(ctx), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(entry).toMatchObject({ action: "rectification", subject: "unknown-subject", at: expect.stringMatching(/^2025-02-10T/) });
    expect(entry.details).toMatchObject({ outcome: "invalid", receivedAt: "2025-01-31", deadline: "2025-02-28" });
    expect(defaulted.status).toBe("invalid");
    expect(requestReceipt(context("2025-02-10"))).toEqual({ receivedAt: "2025-02-10", deadline: "2025-03-10" });
  });

  test("a receipt date after the answer day, or not a date, is refused before anything is done or logged", async () => {
    const ctx = context("2025-03-15", "2025-03-16");
    await expect(accessRequest(ctx, "C000001")).rejects.toThrow(/cannot have been received on 2025-03-16/);
    await expect(eraseRequest(ctx, "C000001")).rejects.toThrow(DeadlineError);
    await expect(rectifyRequest(context("2025-03-15", "16/03/2025"), "C000001", "city", "x")).rejects.toThrow(/YYYY-MM-DD/);
    expect(fs.existsSync(auditLogPath(ctx))).toBe(false);
  });
});

describe("deadlineReport over the rights audit log", () => {
  test("an answer one day after the one-month deadline, without extension, is reported late", () => {
    const received = context("2025-03-15");
    answer(received, "access", CP(1)); // on time: answered the day it arrived
    answer(on(received, "2025-04-15", "2025-03-15"), "erasure", CP(2)); // on the deadline day
    answer(on(received, "2025-04-16", "2025-03-15"), "access", CP(3)); // one day after
    const report = deadlineReport(auditLogPath(received));
    expect(report.requests.map((r) => [r.seq, r.request, r.received, r.answered, r.deadline, r.extended, r.status])).toEqual([
      [1, "access", "2025-03-15", "2025-03-15", "2025-04-15", false, "on_time"],
      [2, "erasure", "2025-03-15", "2025-04-15", "2025-04-15", false, "on_time"],
      [3, "access", "2025-03-15", "2025-04-16", "2025-04-15", false, "late"],
    ]);
    expect(report.counts).toEqual({ on_time: 2, extended_on_time: 0, late: 1, pending: 0 });
    expect(report.log).toEqual({ ok: true, entries: 3 });
  });

  test("an extension recorded within the first month makes a later answer extended_on_time, up to three months from receipt; pending extensions are listed", () => {
    const day0 = context("2025-01-31");
    recordExtension(on(day0, "2025-02-20", "2025-01-31"), { subject: CP(1) }, "twelve years of orders to compile", { request: "access" }); // seq 1
    recordExtension(on(day0, "2025-02-20", "2025-01-31"), { subject: `${CP(2)},${CP(3)}` }, "two customer records to reconcile"); // seq 2
    recordExtension(on(day0, "2025-02-21", "2025-01-31"), { subject: CP(4) }, "still collecting"); // seq 3, never answered
    answer(on(day0, "2025-04-30", "2025-01-31"), "access", CP(1)); // seq 4: last day of the extension
    answer(on(day0, "2025-05-01", "2025-01-31"), "erasure", CP(3)); // seq 5: one day after it
    answer(on(day0, "2025-03-01", "2025-01-31"), "erasure", CP(1)); // seq 6: not the extended request (access only)
    const report = deadlineReport(auditLogPath(day0));
    const bySeq = Object.fromEntries(report.requests.map((r) => [r.seq, r]));
    expect(bySeq[4]).toMatchObject({ request: "access", extended: true, extendedOn: "2025-02-20", extensionSeq: 1, extendedDeadline: "2025-04-30", status: "extended_on_time" });
    expect(bySeq[5]).toMatchObject({ request: "erasure", extended: true, extensionSeq: 2, status: "late" });
    expect(bySeq[6]).toMatchObject({ request: "erasure", extended: false, status: "late" });
    expect(bySeq[3]).toMatchObject({ request: "any", answered: null, extended: true, extendedDeadline: "2025-04-30", status: "pending" });
    expect(report.counts).toEqual({ on_time: 0, extended_on_time: 1, late: 2, pending: 1 });
    // the report names requests by audit seq: no subject, no reason
    const text = JSON.stringify(report) + formatDeadlineReport(report);
    for (const secret of [CP(1), CP(2), CP(3), CP(4), "twelve years", "reconcile"]) expect(text).not.toContain(secret);
  });

  test("answers logged before receipts were recorded are counted, not assessed; a broken chain is reported", () => {
    const ctx = context("2025-03-15", "2025-03-01");
    audit(ctx, "access", CP(1), { outcome: "answered" });
    answer(ctx, "access", CP(2));
    audit(ctx, "key-rotation", "keystore", { kind: "pseudonym" });
    const report = deadlineReport(auditLogPath(ctx));
    expect(report.withoutReceipt).toBe(1);
    expect(report.requests.map((r) => r.seq)).toEqual([2]);
    const file = auditLogPath(ctx);
    const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
    lines[1] = lines[1].replace("2025-03-01", "2025-03-14");
    fs.writeFileSync(file, lines.join("\n") + "\n");
    expect(verifyAuditLog(file).ok).toBe(false);
    expect(deadlineReport(file).log).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  test("an absent log is an empty report", () => {
    const ctx = context("2025-03-15");
    expect(deadlineReport(auditLogPath(ctx))).toEqual({ log: { ok: true, entries: 0 }, requests: [], counts: { on_time: 0, extended_on_time: 0, late: 0, pending: 0 }, withoutReceipt: 0 });
  });
});

describe("rights deadlines / rights extend (CLI)", () => {
  async function run(ctx: Ctx, args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
    const cfg = { stagingDir: path.join(ctx.root, "outputs", "staging"), warehouseDir: ctx.warehouseDir, log: () => {} } as unknown as PipelineConfig;
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((m) => void out.push(String(m)));
    const error = jest.spyOn(console, "error").mockImplementation((m) => void err.push(String(m)));
    const before = process.exitCode;
    const keyDir = process.env.WORKBOOK_KEY_DIR;
    process.env.WORKBOOK_KEY_DIR = ctx.keyStore.dir; // never the project's .keys/
    process.exitCode = undefined;
    try {
      await new Command().addCommand(rightsCommand(() => cfg)).parseAsync(["rights", ...args], { from: "user" });
      return { out: out.join("\n"), err: err.join("\n"), exitCode: process.exitCode as number | undefined };
    } finally {
      process.exitCode = before;
      if (keyDir === undefined) delete process.env.WORKBOOK_KEY_DIR;
      else process.env.WORKBOOK_KEY_DIR = keyDir;
      log.mockRestore();
      error.mockRestore();
    }
  }

  test("rights deadlines exits 1 when a request was answered late, 0 otherwise, and prints no subject", async () => {
    const ctx = context("2025-03-15");
    answer(ctx, "access", CP(1));
    const ok = await run(ctx, ["deadlines"]);
    expect(ok.exitCode).toBeUndefined();
    expect(ok.out).toMatch(/1 request\(s\): 1 on time, 0 on time after an extension, 0 late/);
    answer(on(ctx, "2025-04-16", "2025-03-15"), "erasure", CP(2));
    const late = await run(ctx, ["deadlines"]);
    expect(late.exitCode).toBe(1);
    expect(late.out).toMatch(/^2\s+erasure\s+answered\s+2025-03-15\s+2025-04-15\s+-\s+2025-04-16\s+late$/m);
    expect(late.out).not.toContain(CP(2));
  });

  test("rights extend after the first month prints the refusal and exits 2", async () => {
    const ctx = context("2025-03-15");
    const result = await run(ctx, ["extend", "--subject", "C000001", "--received", "2020-01-15", "--reason", "large request", "--actor", "test-dpo"]);
    expect(result.exitCode).toBe(2);
    expect(result.err).toMatch(/too late to extend: the request received on 2020-01-15 had to be answered or extended by 2020-02-15/);
    expect(fs.existsSync(auditLogPath(ctx))).toBe(false);
  });
});

describe("the retention's reference date (rights retention --as-of)", () => {
  test("a calendar date gives the cutoff three years before; anything else is refused with the format, not a RangeError", () => {
    expect(retentionCutoff("2030-01-01")).toBe("2027-01-01");
    expect(retentionCutoff("2028-02-29")).toBe("2025-03-01");
    for (const bad of ["31/12/2029", "2029-02-29", "2030-01-01T00:00:00Z", ""]) {
      expect(() => retentionCutoff(bad)).toThrow(DeadlineError);
      expect(() => retentionCutoff(bad)).toThrow(`the retention's --as-of date ${JSON.stringify(bad)} is not a calendar date: use YYYY-MM-DD`);
    }
  });
});
