/**
 * Storage limitation (GDPR Art. 5(1)(e)) for the staging area: the split and cleanse stages
 * must hold raw personal data to do their job, but nothing needs it once the warehouse (where it
 * is pseudonymised and encrypted) and the marts are built. The last step of a run deletes every
 * staged file that holds a personal column; manifests, quality profiles and the non-personal
 * entities (products, stock, carriers, warehouses) stay for the notebooks and reports.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Staged files holding personal columns: customers, supplier contacts, raw customer ids on lines, raw rejected text. */
export const PERSONAL_STAGING_FILES = ["customers.parquet", "suppliers.parquet", "order_lines.parquet", "rejects.csv"] as const;

/** Deletes them from `<stagingDir>/split` and `<stagingDir>/clean`; returns the deleted paths, relative to stagingDir. */
export function purgeStagingPersonalData(stagingDir: string): string[] {
  const deleted: string[] = [];
  for (const stage of ["split", "clean"]) {
    for (const name of PERSONAL_STAGING_FILES) {
      const file = path.join(stagingDir, stage, name);
      if (fs.existsSync(file)) {
        fs.rmSync(file);
        deleted.push(`${stage}/${name}`);
      }
    }
    // Leftovers of an interrupted run hold the same data.
    for (const leftover of [`${stage}.next`, `${stage}.prev`]) {
      const dir = path.join(stagingDir, leftover);
      if (fs.existsSync(dir)) {
        fs.rmSync(dir, { recursive: true, force: true });
        deleted.push(leftover);
      }
    }
  }
  return deleted;
}
