/**
 * The data subjects' rights end to end, on a small generated export in a sandbox (own keys, own
 * outputs/): access, rectification, erasure with no resurrection, crypto-shredding, the
 * verification scan, retention, key rotation, the audit log, and the absence of every key and
 * personal value from outputs/ and reports/. The steps run in order and share one sandbox.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanseStaging } from "../../lib/cleanse/cleanse";
import { eraseAndVerify, PERSONAL_DATA_STAGES, runPipelineWithPrivacy } from "../../lib/cli/rights";
import { verifyAuditLog } from "../../lib/privacy/auditLog";
import { assertEncryptedAtRest, coreKeyFor, kdfPathFor, openEncryptedDatabase } from "../../lib/privacy/coreEncryption";
import { unwrapDataKey } from "../../lib/privacy/envelope";
import { openCustomerKeyRing } from "../../lib/privacy/keyring";
import { openKeyStore } from "../../lib/privacy/keystore";
import { customerPseudonym } from "../../lib/privacy/pseudonym";
import { readErasures } from "../../lib/privacy/ledgers";
import { readRawCustomerIds, readRawCustomerValues, subjectIdentifiers, type RawCustomerValues } from "../../lib/privacy/rawIdentifiers";
import { rotateMasterKey, rotatePseudonymKey } from "../../lib/rights/rekey";
import { runRetention } from "../../lib/rights/retention";
import { accessRequest, auditLogPath, eraseRequest, rectifyRequest, verifyErasure, writeAccessExport } from "../../lib/rights/index";
import { splitExport } from "../../lib/split/split";
import { buildWarehouse } from "../../lib/warehouse/build";
import { openDatabase, query } from "../../lib/warehouse/db";
import { createPrivacyProtector, decryptPersonalRecord } from "../../lib/warehouse/protector";
import { sandbox, type Sandbox } from "./harness";

jest.setTimeout(600_000);

let s: Sandbox;
let raw: RawCustomerValues[];
/** Customers with a clean id and email, seen once in the export. */
let people: RawCustomerValues[];
/** The person whose address the rectification test corrects. */
let rectified: RawCustomerValues;

const corePath = () => path.join(s.cfg.warehouseDir, "core.duckdb");
const martsPath = () => path.join(s.cfg.warehouseDir, "marts.duckdb");

async function coreQuery<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  const db = await openEncryptedDatabase(corePath(), coreKeyFor(corePath(), s.keyStore)!, { readOnly: true });
  try {
    return await query<T>(db.connection, sql);
  } finally {
    db.close();
  }
}

async function martsQuery<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  const db = await openDatabase(martsPath());
  try {
    return await query<T>(db.connection, sql);
  } finally {
    db.close();
  }
}

function allFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

beforeAll(async () => {
  s = await sandbox();
  await runPipelineWithPrivacy(s.cfg, s.keyStore);
  raw = await readRawCustomerValues(s.cfg.input, s.cfg.profile);
  const count = new Map<string, number>();
  for (const r of raw) if (r.customer_id) count.set(r.customer_id, (count.get(r.customer_id) ?? 0) + 1);
  people = raw.filter((r) => r.customer_id && /^C\d+$/.test(r.customer_id) && r.email && /^[a-z0-9._-]+@[a-z0-9.-]+$/.test(r.email) && count.get(r.customer_id) === 1);
  expect(people.length).toBeGreaterThan(10);
});

afterAll(() => fs.rmSync(s.root, { recursive: true, force: true }));

describe("encryption at rest and absence of keys and personal values", () => {
  test("core.duckdb is encrypted as a file: no key, no open; its key parameters hold no key", async () => {
    await expect(assertEncryptedAtRest(corePath())).resolves.toBeUndefined();
    const info = JSON.parse(fs.readFileSync(kdfPathFor(corePath()), "utf8"));
    expect(Object.keys(info).sort()).toEqual(["format", "masterVersion", "salt"]);
    expect(fs.statSync(corePath()).mode & 0o777).toBe(0o600);
    // A plain file is refused by the same check: no silent fallback can be published.
    const plain = path.join(s.root, "plain.duckdb");
    (await openDatabase(plain)).close();
    await expect(assertEncryptedAtRest(plain)).rejects.toThrow(/NOT encrypted/);
  });

  test("staging holds no personal file after a run; manifests and quality stay", () => {
    const staged = allFiles(s.cfg.stagingDir).map((f) => path.relative(s.cfg.stagingDir, f)).sort();
    for (const gone of ["split/customers.parquet", "split/order_lines.parquet", "split/rejects.csv", "clean/customers.parquet", "clean/suppliers.parquet", "clean/rejects.csv"]) {
      expect(staged).not.toContain(gone);
    }
    expect(staged).toEqual(expect.arrayContaining(["split/manifest.json", "clean/manifest.json", "clean/quality.json"]));
  });

  test("no key material anywhere under outputs/ or reports/", () => {
    const secrets: string[] = [];
    for (const kind of ["pseudonym", "master"] as const) {
      const { key } = kind === "pseudonym" ? s.keyStore.pseudonymKey() : s.keyStore.masterKey();
      secrets.push(key.toString("hex"), key.toString("base64"));
    }
    secrets.push(coreKeyFor(corePath(), s.keyStore)!.secret);
    const ring = openCustomerKeyRing(s.keyStore);
    for (const p of ring.pseudonyms().slice(0, 50)) {
      const dataKey = ring.get(p)!;
      secrets.push(dataKey.toString("hex"), dataKey.toString("base64"), ring.wrappedKey(p)!);
    }
    const files = [...allFiles(s.outputsDir), ...allFiles(s.cfg.reportsDir)];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = fs.readFileSync(file).toString("latin1");
      for (const secret of secrets) expect({ file, leaked: text.includes(secret) }).toEqual({ file, leaked: false });
    }
  });

  test("no personal value in clear under outputs/ (core and marts queried) or reports/", async () => {
    const sample = people.slice(0, 40);
    const identifiers = {
      customer_id: sample.map((p) => p.customer_id!),
      email: sample.map((p) => p.email!.toLowerCase()),
      full_name: sample.filter((p) => p.first_name && p.last_name).map((p) => `${p.first_name!.trim()} ${p.last_name!.trim()}`),
      card_number: sample.filter((p) => p.card_number).map((p) => p.card_number!),
    };
    const result = await verifyErasure({ outputsDir: s.outputsDir, keyStore: s.keyStore, identifiers, extraDirs: [s.cfg.reportsDir] });
    expect(result.hits).toEqual([]);
    expect(result.columnsScanned).toBeGreaterThan(50);
    // The scan is not blind: the same search over the raw export finds them.
    const rawHits = await verifyErasure({ outputsDir: path.dirname(s.cfg.input), keyStore: s.keyStore, identifiers });
    expect(rawHits.hits.length).toBeGreaterThan(0);
  });
});

describe("access and portability (Art. 15, 20)", () => {
  test("by customer id and by email: the same decrypted data, orders, purposes, recipients, retention; JSON and CSV", async () => {
    const p = people[0];
    const byId = await accessRequest(s.ctx, p.customer_id!);
    expect(byId.status).toBe("answered");
    const current = byId.customers[0].versions.find((v) => v.isCurrent)!;
    expect(current.personalData.email).toBe(p.email!.toLowerCase());
    expect(current.personalData.last_name?.toUpperCase()).toBe(p.last_name!.trim().toUpperCase());
    expect(byId.customers[0].orders.length).toBeGreaterThan(0);
    expect(byId.processing.purposes.length).toBeGreaterThan(0);
    expect(byId.processing.retention.join(" ")).toMatch(/3 years/);
    const byEmail = await accessRequest(s.ctx, p.email!.toUpperCase());
    expect(byEmail.customers).toEqual(byId.customers);

    const out = path.join(s.root, "access-export");
    const files = writeAccessExport(byId, out);
    expect(files.map((f) => path.basename(f))).toEqual(["access.json", "personal-data.csv", "orders.csv"]);
    expect(fs.readFileSync(path.join(out, "personal-data.csv"), "utf8")).toContain(p.email!.toLowerCase());
    expect(fs.readFileSync(path.join(out, "orders.csv"), "utf8").trim().split("\n").length).toBe(byId.customers[0].orders.length + 1);
    expect(fs.statSync(files[0]).mode & 0o777).toBe(0o600);
  });

  test("an unknown person gets a clear answer, and the log keeps no identifier in clear", async () => {
    const answer = await accessRequest(s.ctx, "nobody.at.all@example.org");
    expect(answer).toMatchObject({ status: "unknown", customers: [] });
    expect(answer.message).toMatch(/no personal data matching this email/);
    expect((await accessRequest(s.ctx, "C9999999")).status).toBe("unknown");
    const log = fs.readFileSync(auditLogPath(s.ctx), "utf8");
    expect(log).not.toContain("nobody.at.all");
    expect(log).not.toContain("C9999999");
    expect(log).not.toContain(people[0].email!.toLowerCase());
    expect(log).not.toContain(people[0].customer_id!);
  });
});

describe("rectification (Art. 16)", () => {
  test("reaches core and marts, is recorded encrypted, and survives reloads from the old raw export", async () => {
    // Someone living in France (1 % of customers live abroad, where a postal code has no
    // département), other than people[0] and the erasure's people[2].
    let p = people[1];
    let pseudonym = "";
    let before = { departement_code: "unknown" };
    for (const candidate of [people[1], ...people.slice(3)]) {
      p = candidate;
      pseudonym = customerPseudonym(s.keyStore, p.customer_id!);
      [before] = await martsQuery<{ departement_code: string }>(`select departement_code from sales.customer_sales where customer_pseudonym = '${pseudonym}'`);
      if (before.departement_code !== "unknown") break;
    }
    rectified = p;
    const target = before.departement_code === "29" ? { postal: "13001", dep: "13" } : { postal: "29200", dep: "29" };

    expect((await rectifyRequest(s.ctx, p.customer_id!, "postal_code", target.postal)).status).toBe("recorded");
    expect((await rectifyRequest(s.ctx, p.customer_id!, "city", "Rectifiée-sur-Mer")).status).toBe("recorded");
    expect((await rectifyRequest(s.ctx, p.customer_id!, "card_number", "x")).status).toBe("invalid");
    // A value the column's cleansing rule refuses is not recorded: it would be nulled at the next load.
    const refused = await rectifyRequest(s.ctx, p.customer_id!, "email", "not-an-email");
    expect(refused).toMatchObject({ status: "invalid", message: "The new email is not valid: the rule that cleanses the column refuses it (INVALID_EMAIL). Nothing was recorded." });
    const ledger = fs.readFileSync(path.join(s.ctx.privacyDir, "rectification-ledger.jsonl"), "utf8");
    expect(ledger).not.toContain("Rectifiée");
    expect(ledger).not.toContain(target.postal);

    await runPipelineWithPrivacy(s.cfg, s.keyStore, { stages: PERSONAL_DATA_STAGES }); // from the untouched raw export
    const answer = await accessRequest(s.ctx, p.customer_id!);
    const current = answer.customers[0].versions.find((v) => v.isCurrent)!;
    expect(current.personalData.postal_code).toBe(target.postal);
    expect(current.personalData.city?.toLowerCase()).toBe("rectifiée-sur-mer");
    expect(current.derivedAttributes.departement_code).toBe(target.dep);
    const [after] = await martsQuery<{ departement_code: string }>(`select departement_code from sales.customer_sales where customer_pseudonym = '${pseudonym}'`);
    expect(after.departement_code).toBe(target.dep);
  });
});

describe("erasure (Art. 17): crypto-shredding, no resurrection, verification", () => {
  let victim: RawCustomerValues;
  let pseudonym: string;
  let oldCore: string;

  test("the erased customer's fields in an old copy of the core are unreadable (crypto-shredding)", async () => {
    victim = people[2];
    pseudonym = customerPseudonym(s.keyStore, victim.customer_id!);
    oldCore = path.join(s.root, "backup-core.duckdb");
    fs.copyFileSync(corePath(), oldCore);
    fs.copyFileSync(kdfPathFor(corePath()), kdfPathFor(oldCore));
    const ringBefore = openCustomerKeyRing(s.keyStore);
    const wrapped = ringBefore.wrappedKey(pseudonym)!;

    const answer = await eraseRequest(s.ctx, victim.email!);
    expect(answer).toMatchObject({ status: "erased", keysShredded: 1 });
    expect(readErasures(s.ctx.privacyDir).map((e) => e.customer_pseudonym)).toContain(pseudonym);

    const db = await openEncryptedDatabase(oldCore, coreKeyFor(oldCore, s.keyStore)!, { readOnly: true });
    const [row] = await query<{ personal_enc: string }>(db.connection, `select personal_enc from dim_customer where customer_pseudonym = '${pseudonym}' and is_current`).finally(() => db.close());
    expect(row.personal_enc).toMatch(/^v1:/); // the backup still holds the ciphertext...
    const ring = openCustomerKeyRing(s.keyStore);
    expect(ring.get(pseudonym)).toBeUndefined(); // ...but its key is gone,
    for (const other of ring.pseudonyms().slice(0, 20)) {
      // and no remaining key opens it.
      expect(() => decryptPersonalRecord(ring.get(other)!, pseudonym, row.personal_enc)).toThrow();
    }
    // Only an old copy of the key ring still opens it: closed by the master rotation procedure (below).
    expect(decryptPersonalRecord(unwrapDataKey(s.keyStore, wrapped), pseudonym, row.personal_enc).email).toBe(victim.email!.toLowerCase());
  });

  test("before the rerun the verification finds the leftovers (the scan can fail)", async () => {
    const ids = await subjectIdentifiers(s.cfg.input, s.cfg.profile, s.keyStore, [pseudonym]);
    const before = await verifyErasure({ outputsDir: s.outputsDir, keyStore: s.keyStore, identifiers: ids.values });
    expect(before.passed).toBe(false);
    expect(before.hits.some((h) => h.kind === "pseudonym" && /core\.duckdb$/.test(h.file))).toBe(true);
  });

  test("a warehouse build that receives an erased customer stops (split without the ledger)", async () => {
    const stagingDir = path.join(s.root, "rogue", "staging");
    await splitExport({ input: s.cfg.input, profile: s.cfg.profile, outDir: path.join(stagingDir, "split") });
    await cleanseStaging({ splitDir: path.join(stagingDir, "split"), outDir: path.join(stagingDir, "clean"), profile: s.cfg.profile });
    await expect(
      buildWarehouse({ cleanDir: path.join(stagingDir, "clean"), outDir: path.join(s.root, "rogue", "warehouse"), protector: createPrivacyProtector({ keyStore: s.keyStore, privacyDir: s.ctx.privacyDir }), lake: false }),
    ).rejects.toThrow(/erased customer .* reached the warehouse/);
    fs.rmSync(path.join(s.root, "rogue"), { recursive: true, force: true });
  });

  test("a full rerun from the untouched raw export keeps them erased: zero hits, sales kept on the erased member", async () => {
    const { verification } = await eraseAndVerify(s.cfg, s.ctx, victim.customer_id!, { rerun: false }); // already erased: no-op answer
    expect(verification).toBeUndefined();
    await runPipelineWithPrivacy(s.cfg, s.keyStore);
    // And again: still erased. The personal-data stages suffice (the release is built from the
    // marts, which the first rerun just released and the verification below scans).
    await runPipelineWithPrivacy(s.cfg, s.keyStore, { stages: PERSONAL_DATA_STAGES });
    const ids = await subjectIdentifiers(s.cfg.input, s.cfg.profile, s.keyStore, [pseudonym]);
    expect(Object.keys(ids.values)).toEqual(expect.arrayContaining(["customer_id", "email", "pseudonym"]));
    const after = await verifyErasure({ outputsDir: s.outputsDir, keyStore: s.keyStore, identifiers: ids.values, extraDirs: [s.cfg.reportsDir] });
    expect(after.hits).toEqual([]);
    expect(after.passed).toBe(true);
    const [{ lines }] = await coreQuery<{ lines: number }>("select cast(count(*) as integer) as lines from fact_sales where customer_key = -2");
    expect(lines).toBeGreaterThan(0);
    const answer = await accessRequest(s.ctx, victim.customer_id!);
    expect(answer.status).toBe("erased");
    expect(answer.message).toMatch(/erased on/);
    expect((await accessRequest(s.ctx, victim.email!)).status).toBe("unknown");
  });
});

describe("key rotation", () => {
  test("pseudonym key: pseudonyms change, ledgers are re-keyed, the erased stay erased, corrections stay", async () => {
    const before = (await coreQuery<{ p: string }>("select customer_pseudonym as p from dim_customer where customer_key > 0 order by 1 limit 1"))[0].p;
    const rotation = rotatePseudonymKey(s.ctx, await readRawCustomerIds(s.cfg.input, s.cfg.profile));
    expect(rotation.toVersion).toBe(2);
    await runPipelineWithPrivacy(s.cfg, s.keyStore, { stages: PERSONAL_DATA_STAGES });
    const pseudonyms = new Set((await coreQuery<{ p: string }>("select customer_pseudonym as p from dim_customer")).map((r) => r.p));
    expect(pseudonyms.has(before)).toBe(false);
    expect(pseudonyms.has(customerPseudonym(s.keyStore, people[0].customer_id!))).toBe(true);
    expect((await accessRequest(s.ctx, people[2].customer_id!)).status).toBe("erased");
    const corrected = await accessRequest(s.ctx, rectified.customer_id!);
    expect(corrected.customers[0].versions.find((v) => v.isCurrent)!.personalData.city?.toLowerCase()).toBe("rectifiée-sur-mer");
  });

  test("master key: data keys re-wrapped, the next core is encrypted under the new master", async () => {
    const rotation = rotateMasterKey(s.ctx);
    expect(rotation.rewrapped).toBeGreaterThan(0);
    await runPipelineWithPrivacy(s.cfg, s.keyStore, { stages: PERSONAL_DATA_STAGES });
    expect(JSON.parse(fs.readFileSync(kdfPathFor(corePath()), "utf8")).masterVersion).toBe(2);
    expect((await accessRequest(s.ctx, people[0].customer_id!)).status).toBe("answered");
  });
});

describe("retention (CNIL: 3 years after the last contact)", () => {
  test("customers inactive for more than 3 years are anonymised; recent ones are kept", async () => {
    const [{ last }] = await coreQuery<{ last: string }>("select cast(max(d.calendar_date) as varchar) as last from fact_sales f join dim_date d on d.date_key = f.order_date_key");
    const asOf = `${Number(last.slice(0, 4)) + 2}${last.slice(4, 10)}`; // some customers' last order is > 3 years before this
    const dry = await runRetention(s.ctx, asOf, { dryRun: true });
    expect(dry.anonymised).toBeGreaterThan(0);
    expect(dry.anonymised).toBeLessThan(dry.customersChecked);
    const result = await runRetention(s.ctx, asOf);
    expect(result.anonymised).toBe(dry.anonymised);
    expect(result.keysShredded).toBe(result.anonymised);
    expect(readErasures(s.ctx.privacyDir).filter((e) => e.reason === "retention")).toHaveLength(result.anonymised);
  });
});

describe("the rights audit log", () => {
  test("every request is in a valid hash chain; an edited entry is detected", () => {
    const file = auditLogPath(s.ctx);
    const result = verifyAuditLog(file);
    expect(result.ok).toBe(true);
    const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(new Set(lines.map((l) => l.action))).toEqual(new Set(["access", "rectification", "erasure", "retention-dry-run", "retention", "key-rotation"]));
    const tampered = path.join(s.root, "tampered.jsonl");
    const edited = lines.map((l, i) => (i === 2 ? { ...l, actor: "someone-else" } : l));
    fs.writeFileSync(tampered, edited.map((l) => JSON.stringify(l)).join("\n") + "\n");
    expect(verifyAuditLog(tampered)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
});

describe("missing and corrupt keys stop a load with a clear message", () => {
  test("missing key file, corrupt key file", async () => {
    const copy = path.join(s.root, "keys-copy");
    fs.cpSync(s.keyStore.dir, copy, { recursive: true });
    fs.rmSync(path.join(copy, "master.v1.key"));
    expect(() => openKeyStore({ dir: copy, log: () => {} })).toThrow(/master\.v1\.key is missing.*restore it from your key backup/s);
    fs.cpSync(s.keyStore.dir, copy, { recursive: true, force: true });
    fs.writeFileSync(path.join(copy, "pseudonym.v2.key"), "00".repeat(32) + "\n", { mode: 0o600 });
    expect(() => openKeyStore({ dir: copy, log: () => {} })).toThrow(/pseudonym\.v2\.key is corrupt/);
  });
});
