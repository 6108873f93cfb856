import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkPackage, validateProfile } from "../../lib/opendata/gates/packageChecks";
import { defaultProfilesDir } from "../../lib/opendata/release";
import { testIf } from "../helpers/skip";

// The official Frictionless v2 profiles live in ../shared/standards (never copied here).
const profiles = defaultProfilesDir();
const haveProfiles = existsSync(path.join(profiles, "datapackage.json"));
const testWithProfiles = testIf(haveProfiles, `${profiles} is absent (the official Frictionless v2 profiles)`, "put the shared standards beside the project, in ../shared/standards/ (CI always has them)");

function writePackage(files: Record<string, string>, descriptor: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "od-pkg-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, "datapackage.json"), JSON.stringify(descriptor));
  return dir;
}

const schema = {
  fields: [
    { name: "period", type: "string", constraints: { required: true, pattern: "All|[0-9]{4}" } },
    { name: "category", type: "string", constraints: { required: true } },
    { name: "net_amount", type: "number" },
    { name: "orders", type: "integer" },
    { name: "status", type: "string", constraints: { enum: ["published", "secondary"] } },
  ],
  primaryKey: ["period", "category"],
  missingValues: [""],
};
const good = "period,category,net_amount,orders,status\r\n2024,Jardin,10.50,3,published\r\n2024,Maison,,,secondary\r\nAll,All,,,secondary\r\n";
const categories = "category\r\nJardin\r\nMaison\r\nAll\r\n";

function descriptor(overrides: Partial<Record<string, unknown>> = {}, schemaOverrides: Record<string, unknown> = {}) {
  return {
    $schema: "https://datapackage.org/profiles/2.0/datapackage.json",
    name: "test-package",
    resources: [
      { name: "sales", path: "sales.csv", type: "table", format: "csv", schema: { ...schema, ...schemaOverrides }, ...overrides },
      { name: "categories", path: "categories.csv", type: "table", format: "csv", schema: { fields: [{ name: "category", type: "string" }], primaryKey: ["category"] } },
    ],
  };
}

describe("the project's own package checks (what the profiles cannot express)", () => {
  test("a correct package has no problem", () => {
    const d = descriptor({}, { foreignKeys: [{ fields: ["category"], reference: { resource: "categories", fields: ["category"] } }] });
    expect(checkPackage(writePackage({ "sales.csv": good, "categories.csv": categories }, d), d)).toEqual([]);
  });

  test("a missing resource file", () => {
    const d = descriptor();
    const problems = checkPackage(writePackage({ "categories.csv": categories }, d), d);
    expect(problems).toEqual([expect.objectContaining({ resource: "sales", check: "file_exists" })]);
  });

  test("a header that differs from the schema fields", () => {
    const d = descriptor();
    const text = good.replace("net_amount,orders", "orders,net_amount");
    expect(checkPackage(writePackage({ "sales.csv": text, "categories.csv": categories }, d), d).map((p) => p.check)).toEqual(["header"]);
  });

  test("a duplicate primary key", () => {
    const d = descriptor();
    const text = good + "2024,Jardin,1.00,1,published\r\n";
    const problems = checkPackage(writePackage({ "sales.csv": text, "categories.csv": categories }, d), d);
    expect(problems).toEqual([expect.objectContaining({ check: "primary_key", message: expect.stringMatching(/line 5.*repeats line 2/) })]);
  });

  test("a dangling foreign key", () => {
    const d = descriptor({}, { foreignKeys: [{ fields: ["category"], reference: { resource: "categories", fields: ["category"] } }] });
    const problems = checkPackage(writePackage({ "sales.csv": good, "categories.csv": "category\r\nJardin\r\nAll\r\n" }, d), d);
    expect(problems).toEqual([expect.objectContaining({ check: "foreign_key", message: expect.stringContaining('["Maison"]') })]);
  });

  test("values that do not parse as their declared type", () => {
    const d = descriptor();
    const text = good.replace("10.50,3", "10,50,3").replace("2024,Maison,,,secondary", "2024,Maison,1e3,2.5,secondary");
    const problems = checkPackage(writePackage({ "sales.csv": text, "categories.csv": categories }, d), d);
    expect(problems.map((p) => p.check)).toEqual(expect.arrayContaining(["type"]));
    expect(problems.map((p) => p.message).join("\n")).toMatch(/line 3, column net_amount: "1e3" is not a number/);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/line 3, column orders: "2.5" is not an integer/);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/line 2: 6 fields, expected 5/);
  });

  test("a value outside its pattern or enum", () => {
    const d = descriptor();
    const text = good.replace("2024,Jardin,10.50,3,published", "24,Jardin,10.50,3,maybe");
    const messages = checkPackage(writePackage({ "sales.csv": text, "categories.csv": categories }, d), d).map((p) => p.message).join("\n");
    expect(messages).toMatch(/"24" does not match/);
    expect(messages).toMatch(/"maybe" is not one of/);
  });
});

describe("ajv against the official Data Package v2 profile", () => {
  testWithProfiles("a correct descriptor validates", () => {
    expect(validateProfile(descriptor(), profiles)).toEqual([]);
  });

  testWithProfiles("a broken descriptor fails: no resources, a field without a name, a bad primaryKey", () => {
    expect(validateProfile({ name: "x" }, profiles).length).toBeGreaterThan(0);
    const broken = descriptor({}, { fields: [{ type: "string" }], primaryKey: 42 });
    const problems = validateProfile(broken, profiles);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.check === "profile")).toBe(true);
  });
});
