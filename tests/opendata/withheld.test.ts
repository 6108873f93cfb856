/**
 * A group of datasets that no design can protect is withheld, and said so, rather than failing the
 * run (lib/opendata/release.ts, unprotectableGroups). One sale line of 3.7 million euros in a
 * 10,000-row export dominates every sales cell it falls in: every finer rung of the sales ladder
 * hides more than the targets allow, and at the coarsest the heuristic cannot protect the
 * customers' figures around it. The run died there with UnprotectableDesignError and its stack
 * (after, before the numbers' fix, the cleanse had died on the line's overflow); the warehouse and
 * the marts, built, were not published.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { runStages, type PipelineConfig } from "../../lib/cli/pipeline";
import { openKeyStore } from "../../lib/privacy/keystore";
import { generateRawExport } from "../../lib/raw/generator";
import { loadProfile } from "../../lib/raw/profile";
import { tempDir } from "../helpers/rawCsv";
import { SMALL_EXPORT_ROWS } from "../helpers/smallExport";

jest.setTimeout(300_000);

test("one dominant sale line: the sales datasets are withheld with the reason, the others published, the run completes", async () => {
  const root = tempDir("withheld-");
  const generated = path.join(root, "generated.csv.gz");
  await generateRawExport({ outPath: generated, rows: SMALL_EXPORT_ROWS, seed: 20240601, writeSummary: false });
  const rows = parse(zlib.gunzipSync(fs.readFileSync(generated)), { columns: true }) as Record<string, string>[];
  const sale = rows.filter((r) => r.record_type === "SALE")[5];
  rows.push({ ...sale, order_id: "OUTLIER-1", unit_price: "1234567.50", quantity: "3" });
  const input = path.join(root, "export.csv");
  fs.writeFileSync(input, stringify(rows, { header: true, columns: Object.keys(rows[0]) }));
  const logged: string[] = [];
  const keyStore = openKeyStore({ dir: path.join(root, "keys"), log: () => {} });
  const cfg: PipelineConfig = {
    input,
    profile: loadProfile("default"),
    stagingDir: path.join(root, "outputs", "staging"),
    warehouseDir: path.join(root, "outputs", "warehouse"),
    opendataDir: path.join(root, "outputs", "opendata"),
    reportsDir: path.join(root, "reports"),
    log: (m) => logged.push(m),
    keyStore: () => keyStore,
  };
  const results = await runStages(cfg);
  expect(results.map((r) => r.stage)).toEqual(["split", "cleanse", "warehouse", "marts", "opendata", "purge"]);

  const sales = ["customers_by_area_profile", "sales_by_period_area_category", "sales_by_period_channel_category"];
  for (const dataset of sales) expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^opendata: ${dataset} withheld: no design of its group \\(sales\\) can be published: .* at the coarsest \\(`)));
  const current = JSON.parse(fs.readFileSync(path.join(cfg.opendataDir, "current.json"), "utf8")) as { path: string };
  const releaseDir = path.join(cfg.opendataDir, current.path);
  const published = (JSON.parse(fs.readFileSync(path.join(releaseDir, "datapackage.json"), "utf8")) as { resources: { name: string }[] }).resources.map((r) => r.name);
  // Resources are named after their dataset, with hyphens (and a -parquet twin).
  expect(published.filter((name) => !name.endsWith("-parquet"))).toEqual(["delivery-performance-by-mode-area", "inventory-by-month-category", "supplier-performance-by-origin-category"]);
  const readme = fs.readFileSync(path.join(releaseDir, "README.md"), "utf8");
  expect(readme).toContain("### Withheld: no design can be protected");
  for (const dataset of sales) expect(readme).toMatch(new RegExp(`^- \`${dataset}\`: no design of its group \\(sales\\) can be published`, "m"));
});
