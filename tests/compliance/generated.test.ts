import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateComplianceReports } from "../../lib/compliance/cli";

const root = resolve(__dirname, "..", "..");

test("the committed compliance reports are up to date (regenerate: npx tsx lib/compliance/cli.ts)", () => {
  const { files } = generateComplianceReports(root);
  expect([...files.keys()].sort()).toEqual(["reports/README.md", "reports/compliance-matrix.md", "reports/glossary.md", "reports/regulatory-monitoring.html", "reports/regulatory-monitoring.md"]);
  const stale = [...files].filter(([path, content]) => !existsSync(join(root, path)) || readFileSync(join(root, path), "utf8") !== content).map(([path]) => path);
  expect(stale).toEqual([]);
});

test("generating twice gives the same bytes", () => {
  const first = generateComplianceReports(root).files;
  const second = generateComplianceReports(root).files;
  expect([...second]).toEqual([...first]);
});
