import { renderMonitoring } from "../../lib/compliance/monitoring";
import { dcatCatalogue } from "../../lib/opendata/publish/dcat";
import { COMPATIBLE_LICENCES, LICENCE_COMPATIBILITY, REUSE_CONDITIONS } from "../../lib/opendata/publish/licence";
import { licenceText } from "../../lib/opendata/publish/readme";
import type { ReleaseMeta } from "../../lib/opendata/publish/datapackage";

// Issue 25: the monitoring document said the reuse terms forbid re-identification while no such
// clause existed, and LICENCE.md and the monitoring document named different compatible licences.
describe("the licence, the catalogue and the monitoring document say the same", () => {
  const monitoring = renderMonitoring();
  const licence = licenceText();

  test("the compatible licences are those the Licence Ouverte 2.0 names, in LICENCE.md and in the monitoring document", () => {
    for (const text of [licence, monitoring]) {
      expect(text).toContain(LICENCE_COMPATIBILITY);
      for (const l of COMPATIBLE_LICENCES) expect(text).toContain(l);
    }
    // ODbL is not a compatibility the licence grants (the old LICENCE.md said it was), nor is a CC BY version
    expect(licence).not.toMatch(/compatible with CC-BY 4\.0|compatible with[^.]*ODbL/);
  });

  test("the conditions of reuse claim no re-identification clause, and every text states them alike", () => {
    const meta = { title: "t", description: "d", publisher: "p", version: "v1", name: "n", dataStart: "2024-01-01", dataEnd: "2024-12-31" } as ReleaseMeta;
    const catalogue = JSON.stringify(dcatCatalogue(meta, [{ dataset: { dataset: "x", title: "X", description: "D", grain: "g" }, csv: "x.csv", parquet: "x.parquet", csvBytes: 1, parquetBytes: 1, csvHash: "a", parquetHash: "b" } as never]));
    expect(licence).toContain(REUSE_CONDITIONS);
    expect(monitoring).toContain(REUSE_CONDITIONS);
    expect(catalogue).toContain(JSON.stringify(REUSE_CONDITIONS).slice(1, -1));
    expect(REUSE_CONDITIONS).toMatch(/adds no condition/);
    for (const text of [licence, monitoring, REUSE_CONDITIONS]) expect(text).not.toMatch(/(terms|licence) (forbid|prohibit)s? re-identif/i);
  });
});
