/**
 * `workbook rights ...`: the data subjects' rights and the key procedures from the command line.
 * Registered in lib/cli/main.ts with `program.addCommand(rightsCommand(config, rerunConfig))`.
 *
 * The commands that rerun the pipeline (rectify, erase, retention, rotate-key) rebuild from the
 * export and profile recorded with the current warehouse (outputs/warehouse/source.json), and
 * refuse, before recording anything, when that export is missing or changed: `--input` (and
 * `--profile`) name another source explicitly.
 *
 *   rights access <email|customer id> --out <dir>       Art. 15/20: JSON + CSV export (owner-only)
 *   rights rectify <email|customer id> <field> <value>  Art. 16, then reruns the pipeline
 *   rights erase <email|customer id>                    Art. 17, reruns the pipeline, verifies
 *     (each takes --received <YYYY-MM-DD>, the day the request arrived, default today (UTC):
 *      recorded with the answer, with its Art. 12(3) one-month deadline)
 *   rights extend --subject <email|customer id> --received <date> --reason <text>
 *                                                       Art. 12(3): two further months, within the first
 *   rights deadlines [--json]                           received/answered/deadline per request; exit 1 if late
 *   rights retention --as-of <YYYY-MM-DD> [--dry-run]   anonymises customers inactive > 3 years
 *   rights rotate-key <pseudonym|master>                rotation and re-keying, then reruns
 *   rights verify-log                                   checks the hash chain of the rights log
 *   rights records                                      regenerates the Art. 30 register, DPIA, zones
 *
 * A request for an unknown person prints a clear answer and exits 0 (the request was answered);
 * a key or ledger problem prints its message (with the fix) and exits 2, never a stack trace.
 */
import { Command } from "commander";
import * as os from "node:os";
import * as path from "node:path";
import { openKeyStore, KeyStoreError, type KeyStore } from "../privacy/keystore";
import { LedgerError } from "../privacy/ledgers";
import { InputError } from "../raw/inputError";
import { RunLockedError } from "../io/runLock";
import type { DeadlineReport, ErasureVerification, RightsContext } from "../rights/index";
import { DeadlineError, REQUEST_ACTIONS, type RequestAction } from "../rights/requestKinds";
import { privacyDirOf, type PipelineConfig } from "./config";
import type { StageName } from "./pipeline";

// Each command loads the modules it runs when it runs (dynamic imports below): `rights --help`
// or `rights deadlines` does not load the pipeline, the rekeying or the records (issue 24).
const rightsModule = () => import("../rights/index");

/**
 * The stages that read or hold personal data: what a rectification or a key rotation must rerun
 * to take effect. The Open Data release reads only the marts' aggregates; it is rebuilt by a full
 * run (an erasure is verified after one, release included).
 */
export const PERSONAL_DATA_STAGES: StageName[] = ["split", "cleanse", "warehouse", "marts", "purge"];

/**
 * The whole pipeline from the raw export (lib/cli/pipeline.ts applies every ledger at split and
 * cleanse, and ends with the staging purge, Art. 5(1)(e)), with the given key store: one
 * transaction under the run lock (lib/cli/runPipeline.ts), like `npm start`.
 */
export async function runPipelineWithPrivacy(cfg: PipelineConfig, keyStore?: KeyStore, opts: { stages?: StageName[] } = {}): Promise<{ purged: string[] }> {
  const { runPipeline } = await import("./runPipeline");
  const results = await runPipeline(keyStore ? { ...cfg, keyStore: () => keyStore } : cfg, opts.stages, "rights: rerun of the pipeline");
  return { purged: results.find((r) => r.stage === "purge")?.purged ?? [] };
}

export function rightsContext(cfg: PipelineConfig, actor: string, keyStore?: KeyStore): RightsContext {
  return { keyStore: keyStore ?? openKeyStore({ log: cfg.log }), privacyDir: privacyDirOf(cfg), warehouseDir: cfg.warehouseDir, actor, profile: cfg.profile };
}

/** Erasure followed by the rerun and the verification: the whole Art. 17 procedure. */
export async function eraseAndVerify(cfg: PipelineConfig, ctx: RightsContext, identifier: string, opts: { rerun?: boolean } = {}) {
  const { eraseRequest, verifyErasure } = await rightsModule();
  const { subjectIdentifiers } = await import("../privacy/rawIdentifiers");
  const answer = await eraseRequest(ctx, identifier);
  let verification: ErasureVerification | undefined;
  if (answer.status === "erased" && opts.rerun !== false) {
    await runPipelineWithPrivacy(cfg, ctx.keyStore);
    const ids = await subjectIdentifiers(cfg.input, cfg.profile, ctx.keyStore, answer.pseudonyms);
    verification = await verifyErasure({ outputsDir: path.dirname(cfg.stagingDir), keyStore: ctx.keyStore, identifiers: ids.values, extraDirs: [cfg.reportsDir] });
  }
  return { answer, verification };
}

function print(value: unknown): void {
  console.log(typeof value === "string" ? value : JSON.stringify(value, null, 2));
}

/** Known, explained failures print their message and exit 2; anything else is a bug and propagates. */
function guarded<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const { CoreEncryptionError } = await import("../privacy/coreEncryption");
      if (
        err instanceof KeyStoreError ||
        err instanceof LedgerError ||
        err instanceof CoreEncryptionError ||
        err instanceof DeadlineError ||
        err instanceof InputError ||
        err instanceof RunLockedError
      ) {
        console.error(`error: ${err.message}`);
        process.exitCode = 2;
        return;
      }
      throw err;
    }
  };
}

/** One line per request, no subject (the seq points into the audit log), then the totals. */
export function formatDeadlineReport(report: DeadlineReport): string {
  const header = ["seq", "request", "outcome", "received", "deadline", "extended to", "answered", "status"];
  const rows = report.requests.map((r) => [String(r.seq), r.request, r.outcome ?? "-", r.received, r.deadline, r.extendedDeadline ?? "-", r.answered ?? "-", r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const c = report.counts;
  const out = [line(header), ...rows.map(line)];
  out.push(`${report.requests.length} request(s): ${c.on_time} on time, ${c.extended_on_time} on time after an extension, ${c.late} late, ${c.pending} extended and pending`);
  if (report.withoutReceipt > 0) out.push(`${report.withoutReceipt} answer(s) logged without a receipt date (before receipts were recorded): not assessed`);
  if (!report.log.ok) out.push(`warning: the audit log's hash chain is broken at seq ${report.log.firstBadSeq}: ${report.log.reason}`);
  return out.join("\n");
}

/**
 * `config` gives the directories (and, for tests, everything); `rerunConfig` the configuration a
 * rerun of the pipeline builds from: by default `config`'s, from the CLI the source recorded with
 * the current warehouse unless --input names another (lib/cli/source.ts).
 */
export function rightsCommand(config: () => PipelineConfig, rerunConfig: () => PipelineConfig = config): Command {
  const actorOption = (c: Command) => c.option("--actor <id>", "who answers the request (recorded in the audit log)", os.userInfo().username);
  const receivedOption = (c: Command) => c.option("--received <date>", "day the request was received, YYYY-MM-DD (starts the one-month deadline, Art. 12(3)); default: today (UTC)");
  const withReceipt = (ctx: RightsContext, received: string | undefined): RightsContext => (received === undefined ? ctx : { ...ctx, receivedAt: received });
  const rights = new Command("rights").description("data subjects' rights (GDPR Art. 15-17, 20), retention and key rotation");

  receivedOption(actorOption(rights.command("access <identifier>").description("Art. 15/20: everything held about a customer (email or customer id), as JSON and CSV")))
    .requiredOption("-o, --out <dir>", "required: directory for the export (it holds personal data: not under outputs/)")
    .action(
      guarded(async (identifier: string, o: { out: string; actor: string; received?: string }) => {
        const cfg = config();
        const { accessRequest, writeAccessExport } = await rightsModule();
        const answer = await accessRequest(withReceipt(rightsContext(cfg, o.actor), o.received), identifier);
        print(answer.message);
        if (answer.status === "answered") print(`wrote ${writeAccessExport(answer, path.resolve(o.out)).join(", ")}`);
      }),
    );

  receivedOption(actorOption(rights.command("rectify <identifier> <field> <value>").description("Art. 16: correct a field; applied at every load")))
    .option("--no-rerun", "record only; the correction applies at the next pipeline run")
    .action(
      guarded(async (identifier: string, field: string, value: string, o: { rerun: boolean; actor: string; received?: string }) => {
        // The source of the rerun is settled before anything is recorded: a refusal changes nothing.
        const cfg = o.rerun ? rerunConfig() : config();
        const ctx = withReceipt(rightsContext(cfg, o.actor), o.received);
        const { rectifyRequest } = await rightsModule();
        const answer = await rectifyRequest(ctx, identifier, field, value);
        print(answer.message);
        // A field that cannot be rectified, or a value its cleansing rule refuses: nothing recorded, exit 2.
        if (answer.status === "invalid") process.exitCode = 2;
        if (answer.status === "recorded" && o.rerun) await runPipelineWithPrivacy(cfg, ctx.keyStore);
      }),
    );

  receivedOption(actorOption(rights.command("erase <identifier>").description("Art. 17: crypto-shred, ledger, rerun from raw, verify zero hits")))
    .option("--no-rerun", "record and shred only; the rerun and verification happen later")
    .action(
      guarded(async (identifier: string, o: { rerun: boolean; actor: string; received?: string }) => {
        const cfg = o.rerun ? rerunConfig() : config();
        const { answer, verification } = await eraseAndVerify(cfg, withReceipt(rightsContext(cfg, o.actor), o.received), identifier, { rerun: o.rerun });
        print(answer.message);
        if (verification) {
          print(`verification: ${verification.filesScanned} files, ${verification.columnsScanned} columns scanned, ${verification.hits.length} hits`);
          if (!verification.passed) {
            print(verification.hits);
            process.exitCode = 1;
          }
        }
      }),
    );

  actorOption(
    rights.command("extend").description("Art. 12(3): record, within the first month, that a request's deadline is extended by two further months and why (tell the data subject)"),
  )
    .requiredOption("--subject <identifier>", "required: the requester's email or customer id (the log keeps only its pseudonym)")
    .requiredOption("--received <date>", "required: day the request was received, YYYY-MM-DD")
    .requiredOption("--reason <text>", "required: why the extension is necessary (kept in the audit log: no personal data)")
    .option("--request <kind>", `which request: ${REQUEST_ACTIONS.join(", ")} (default: every request of this subject received that day)`)
    .action(
      guarded(async (o: { subject: string; received: string; reason: string; request?: string; actor: string }) => {
        const cfg = config();
        if (o.request !== undefined && !(REQUEST_ACTIONS as readonly string[]).includes(o.request)) {
          throw new DeadlineError(`unknown request kind ${JSON.stringify(o.request)}: use ${REQUEST_ACTIONS.join(", ")}`);
        }
        const { extendRequest } = await rightsModule();
        const answer = await extendRequest({ ...rightsContext(cfg, o.actor), receivedAt: o.received }, o.subject, o.reason, { request: o.request as RequestAction | undefined });
        print(answer.message);
      }),
    );

  rights
    .command("deadlines")
    .description("Art. 12(3): per request, received, answered, deadline, extension and status; exit 1 if any was answered late (or the log's chain is broken)")
    .option("--json", "print the report as JSON")
    .action(
      guarded(async (o: { json?: boolean }) => {
        const cfg = config();
        const { deadlineReport, auditLogPath } = await rightsModule();
        const report = deadlineReport(auditLogPath({ privacyDir: privacyDirOf(cfg) }));
        print(o.json ? report : formatDeadlineReport(report));
        if (report.counts.late > 0 || !report.log.ok) process.exitCode = 1;
      }),
    );

  actorOption(rights.command("retention").description("anonymise customers inactive for more than the retention period (CNIL: 3 years)"))
    .requiredOption("--as-of <date>", "required: the reference date, YYYY-MM-DD (a job that read the clock would not be reproducible)")
    .option("--dry-run", "count only")
    .action(
      guarded(async (o: { asOf: string; dryRun?: boolean; actor: string }) => {
        const cfg = o.dryRun ? config() : rerunConfig();
        const ctx = rightsContext(cfg, o.actor);
        const { runRetention } = await import("../rights/retention");
        const result = await runRetention(ctx, o.asOf, { dryRun: o.dryRun });
        print(result);
        if (!o.dryRun && result.anonymised > 0) await runPipelineWithPrivacy(cfg, ctx.keyStore);
      }),
    );

  actorOption(rights.command("rotate-key <kind>").description("rotate the pseudonym or master key, re-key the ledgers and key ring, rerun"))
    .action(
      guarded(async (kind: string, o: { actor: string }) => {
        const cfg = rerunConfig();
        const ctx = rightsContext(cfg, o.actor);
        const { rotateMasterKey, rotatePseudonymKey } = await import("../rights/rekey");
        const { readRawCustomerIds } = await import("../privacy/rawIdentifiers");
        if (kind === "pseudonym") print(rotatePseudonymKey(ctx, await readRawCustomerIds(cfg.input, cfg.profile)));
        else if (kind === "master") print(rotateMasterKey(ctx));
        else throw new LedgerError(`unknown key kind ${JSON.stringify(kind)}: use "pseudonym" or "master"`);
        await runPipelineWithPrivacy(cfg, ctx.keyStore);
      }),
    );

  rights
    .command("verify-log")
    .description("verify the hash chain of the rights audit log")
    .action(
      guarded(async () => {
        const cfg = config();
        const { verifyAuditLog } = await import("../privacy/auditLog");
        const { auditLogPath } = await rightsModule();
        const result = verifyAuditLog(auditLogPath({ privacyDir: privacyDirOf(cfg) }));
        print(result);
        if (!result.ok) process.exitCode = 1;
      }),
    );

  rights
    .command("records")
    .description("regenerate reports/register-of-processing.md, dpia.md, security-zones.md, postgres-grants.sql")
    .action(
      guarded(async () => {
        const { writePrivacyRecords } = await import("../rights/records");
        for (const f of writePrivacyRecords(config().reportsDir)) print(`wrote ${f}`);
      }),
    );
  return rights;
}
