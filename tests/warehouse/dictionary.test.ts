import { readFileSync } from "node:fs";
import * as path from "node:path";
import { loadMartModels } from "../../lib/marts/build";
import { projectRoot } from "../../lib/io/paths";
import { loadWarehouseModels } from "../../lib/warehouse/build";
import { renderDataDictionary } from "../../lib/marts/dictionary";

describe("data dictionary", () => {
  test("documents every table and column of core and marts", () => {
    const md = renderDataDictionary();
    for (const m of [...loadWarehouseModels(), ...loadMartModels()]) {
      expect(md).toContain(`### ${m.schema === "main" ? m.name : `${m.schema}.${m.name}`}`);
      for (const c of m.doc.columns) expect(md).toContain(`| ${c.name} | ${c.type} |`);
    }
    expect(md).toContain("FK → dim_customer.customer_key");
    expect(md).toContain("idx_dim_customer_pseudonym");
  });

  test("reports/data-dictionary.md is up to date with the docs (regenerate: npx tsx lib/marts/dictionary.ts)", () => {
    expect(readFileSync(path.join(projectRoot(), "reports", "data-dictionary.md"), "utf8")).toBe(renderDataDictionary());
  });
});
