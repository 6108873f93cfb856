/** `profile check`: a dry run of a profile on the first records, which writes nothing to outputs/. */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkProfile, renderProfileCheck } from "../../lib/cli/profileCheck";
import { loadProfile } from "../../lib/raw/profile";
import { RAW_HEADER } from "../../lib/raw/contract";
import { runScript } from "../helpers/runScript";
import { saleRow, stockRow, tempDir, writeRawCsv } from "../helpers/rawCsv";

jest.setTimeout(120_000);

describe("profile check", () => {
  test("shows the mapping, what is set aside and why, what lacked fields cost, and what does not apply", async () => {
    const dir = tempDir("check-");
    const input = path.join(dir, "export.csv");
    const rows = [saleRow(), saleRow({ order_id: "O2", quantity: "many" }), saleRow(), stockRow()];
    for (let i = 0; i < 50; i++) rows.push(saleRow({ order_id: `X${i}` }));
    writeRawCsv(input, rows);
    const report = await checkProfile({ input, profile: loadProfile("default"), rows: 4 });
    // Only the first 4 records were read.
    expect(report.split.records.read).toBe(4);
    expect(report.clean.entities.order_lines).toMatchObject({ rowsIn: 3, rowsKept: 1, rowsCollapsed: 1, rowsRejected: 1 });
    const text = renderProfileCheck(report);
    expect(text).toMatch(/order_id +← "order_id"/);
    expect(text).toMatch(/cleanse order_lines: export\.csv, line 3: INVALID_INTEGER/);
    expect(text).toMatch(/order_lines: 3 = 1 kept \+ 1 collapsed \+ 1 rejected \(INVALID_INTEGER 1\)/);
    expect(text).toMatch(/every mart and dataset applies to this source/);
  });

  test("dates written month first under a profile that reads day first: said, with the fix (they were read as other dates, silently)", async () => {
    const dir = tempDir("check-");
    const input = path.join(dir, "export.csv");
    writeRawCsv(input, [saleRow({ order_date: "04/25/2024" }), saleRow({ order_id: "O2", order_date: "03/04/2024" })]);
    const text = renderProfileCheck(await checkProfile({ input, profile: loadProfile("default"), rows: 10 }));
    expect(text).toContain("date order: the values of these date columns contradict the order the profile reads day and month in");
    expect(text).toMatch(/order_lines\.order_date: 1 distinct value fit only %m\/%d\/%Y \(month first\) and none only %d\/%m\/%Y.*Fix: list %m\/%d\/%Y before %d\/%m\/%Y/);
    // Without it, the same check on a day-first export says nothing of the kind.
    writeRawCsv(input, [saleRow({ order_date: "25/04/2024" }), saleRow({ order_id: "O2", order_date: "03/04/2024" })]);
    expect(renderProfileCheck(await checkProfile({ input, profile: loadProfile("default"), rows: 10 }))).not.toContain("date order");
  });

  test("an export the profile cannot read is named as the user gave it, never as the temporary sample", async () => {
    const dir = tempDir("check-");
    const input = path.join(dir, "export.csv");
    writeRawCsv(input, [saleRow(), saleRow({ order_id: "O2" })]);
    const wrong = checkProfile({ input, profile: loadProfile("online-retail"), rows: 4 });
    await expect(wrong).rejects.toMatchObject({ name: "InputError", file: input, line: 1 });
    await expect(wrong).rejects.toThrow(/wrong header for source profile "online-retail"/);
    const broken = path.join(dir, "broken.csv");
    fs.writeFileSync(broken, `${RAW_HEADER.join(",")}\nSALE,"unterminated\n`);
    const unreadable = checkProfile({ input: broken, profile: loadProfile("default"), rows: 4 });
    await expect(unreadable).rejects.toMatchObject({ name: "InputError", file: broken });
    await expect(unreadable).rejects.not.toThrow(/profile-check-/);
  });

  test("for Online Retail's shape: lacked fields cost something, and the inventory side does not apply", async () => {
    const dir = tempDir("check-or-");
    const input = path.join(dir, "retail.csv");
    fs.writeFileSync(input, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n536365,POST,POSTAGE,1,2010-12-01 08:26:00,18.00,17850.0,United Kingdom\n");
    const text = renderProfileCheck(await checkProfile({ input, profile: loadProfile("online-retail"), rows: 100 }));
    expect(text).toMatch(/currency GBP, country GB/);
    expect(text).toMatch(/split raw: retail\.csv, line 3: NON_PRODUCT_LINE/);
    expect(text).toMatch(/birth_date: age band unknown/);
    expect(text).toMatch(/mart inventory\.stock_monthly: the source has no stock snapshots/);
    expect(text).toMatch(/dataset delivery_performance_by_mode_area: the source lacks carrier_id/);
  });

  test("at the command line: writes nothing, and a profile that breaks the schema is named with its property (exit 2)", () => {
    const dir = tempDir("check-cli-");
    const input = path.join(dir, "export.csv");
    writeRawCsv(input, [saleRow()]);
    const ok = runScript("lib/cli/main.ts", "profile", "check", "--input", input, "--profile", "default", "--rows", "10");
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/nothing was written to outputs\//);
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ name: "bad", description: "x", dateFormats: ["%Y"], format: { delimiter: ",", quote: '"', header: RAW_HEADER }, currency: "euro", colums: {} }));
    const r = runScript("lib/cli/main.ts", "profile", "check", "--input", input, "--profile", bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: source profile breaks data\/sources\/profile\.schema\.json: .*\/currency: must match pattern/);
    expect(r.stderr).toMatch(/unknown property "colums"/);
  });
});
