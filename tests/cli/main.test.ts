import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers/rawCsv";
import { runScript } from "../helpers/runScript";

const cli = (...args: string[]) => runScript("lib/cli/main.ts", ...args);

describe("the pipeline command", () => {
  test("unusable input: exit code 2 and one line naming the file and the fix, no stack trace", () => {
    const missing = path.join(tempDir(), "missing.csv.gz");
    const result = cli("--input", missing, "split");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`error: ${missing}: input file not found. Fix:`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("a wrong header names the missing columns", () => {
    const file = path.join(tempDir(), "other.csv");
    fs.writeFileSync(file, "InvoiceNo,StockCode\n1,2\n");
    const result = cli("--input", file, "split");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/wrong header for source profile "default" \(missing "record_type"/);
  });

  test("an unknown source profile lists the available ones", () => {
    const result = cli("--profile", "nope", "split");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/nope\.json: source profile not found\. Fix: use one of default, normalised, online-retail/);
  });

  test("a command's help is its own, and says which options are required (rights retention --as-of)", () => {
    const rights = cli("rights", "--help");
    expect(rights.status).toBe(0);
    expect(rights.stdout).toMatch(/^Usage: workbook rights \[options\] \[command\]/);
    const retention = cli("rights", "retention", "--help");
    expect(retention.status).toBe(0);
    expect(retention.stdout).toMatch(/--as-of <date>\s+required: the reference date/);
    const missing = cli("rights", "retention");
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("error: required option '--as-of <date>' not specified");
  });

  test("--help lists every stage", () => {
    const result = cli("--help");
    expect(result.stdout).toMatch(/split/);
    expect(result.stdout).toMatch(/cleanse/);
    expect(result.stdout).toMatch(/generate/);
  });
});
