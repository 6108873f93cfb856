import * as fs from "node:fs";
import * as path from "node:path";
import { POLICY } from "../../lib/policy";
import { dpia, postgresGrants, registerOfProcessing, securityZones, writePrivacyRecords } from "../../lib/rights/records";
import { PROCESSING_ACTIVITIES, processingSummary } from "../../lib/privacy/processing";
import { tempDir } from "./tempKeyStore";

describe("privacy records (Art. 30 register, DPIA, trust zones)", () => {
  test("generated from the policy and the model docs, deterministic", () => {
    const a = tempDir();
    const b = tempDir();
    const files = writePrivacyRecords(a).map((f) => path.basename(f));
    writePrivacyRecords(b);
    for (const f of files) expect(fs.readFileSync(path.join(a, f))).toEqual(fs.readFileSync(path.join(b, f)));
    expect(registerOfProcessing()).toContain(`${POLICY.retention.customerDataYearsAfterLastContact} years after the last contact`);
    expect(registerOfProcessing()).not.toMatch(/years after the last order/);
    expect(securityZones()).toMatch(/\| core \| dim_customer \| personal_enc \|/);
  });

  test("the marts are described as holding pseudonyms, not as free of personal data; erasure's backup delay is stated", () => {
    const zones = securityZones();
    expect(zones).not.toMatch(/no personal field/);
    expect(zones).toMatch(/marts\.duckdb\*\* holds pseudonymised personal data/);
    expect(postgresGrants()).not.toMatch(/no personal field/);
    expect(registerOfProcessing()).toContain(`Key backups: ${POLICY.retention.keyBackupDays} days`);
    expect(dpia()).toMatch(/An erased customer's data read from an old backup/);
  });

  test("an access answer lists every processing, P3 included, the other rights (Art. 15(1)(e)) and the CNIL complaint (Art. 15(1)(f))", () => {
    const summary = processingSummary();
    expect(summary.purposes.map((p) => p.slice(0, 2))).toEqual(PROCESSING_ACTIVITIES.map((a) => a.id));
    expect(summary.purposes.some((p) => p.startsWith("P3 "))).toBe(true);
    expect(summary.rights.join(" ")).toMatch(/Art\. 16\).*Art\. 17\).*Art\. 18\).*Art\. 20\).*Art\. 21\(1\).*Art\. 21\(6\)/);
    expect(summary.complaint).toMatch(/CNIL/);
    expect(summary.retention.join(" ")).toContain(`${POLICY.retention.auditLogYears} years`);
  });

  test("the grant script never gives the core reader an encrypted column", () => {
    const sql = postgresGrants();
    const line = sql.split("\n").find((l) => l.includes("on core.dim_customer to wh_core_reader"))!;
    expect(line).toMatch(/grant select \(customer_key, customer_pseudonym/);
    expect(line).not.toMatch(/_enc/);
    expect(sql).toMatch(/grant select on sales\.customer_sales to mart_analyst/);
  });
});

describe("openCoreForReading", () => {
  test("opens a plain file as is and an encrypted one with its derived key", async () => {
    const { openKeyStore } = await import("../../lib/privacy/keystore");
    const { newCoreKey, openEncryptedDatabase, writeCoreKeyInfo, openCoreForReading } = await import("../../lib/privacy/coreEncryption");
    const dir = tempDir();
    const keyStore = openKeyStore({ dir: path.join(dir, "keys"), log: () => {} });
    const file = path.join(dir, "core.duckdb");
    const key = newCoreKey(keyStore);
    const db = await openEncryptedDatabase(file, key);
    await db.connection.run("create table t as select 42 as answer");
    db.close();
    writeCoreKeyInfo(file, key.info);
    expect(String(key)).not.toContain(key.secret);
    const reader = await openCoreForReading(file, { keyStore });
    const rows = (await reader.connection.runAndReadAll("select answer from t")).getRowObjects();
    reader.close();
    expect(rows).toEqual([{ answer: 42 }]);
  });
});
