/**
 * Published figures are final. A release stays online after the next one is published, so an
 * intruder reads both: a figure published in each with different values gives the change away
 * exactly, and the change is what the contributors who were erased, rectified or corrected since
 * did (one customer's purchases, when one customer was erased). No suppression pattern of the new
 * release can hide a difference of two published numbers, so the release does not revise: when
 * the previous release covers the same period with the same tables and a new run would change
 * any figure it published (or flag one it published, or publish one it flagged), the new release
 * is not made and the previous one stays current (GDPR: anonymous statistics are outside the
 * regulation, Recital 26, so an erasure does not oblige their revision; Eurostat keeps suppression
 * patterns stable across releases for the same reason).
 *
 * An operator who must revise (a wrong figure, a new design of the same tables) withdraws the
 * previous release: `revisions: "withdraw-previous"` (`npm start -- --withdraw-previous`) publishes
 * the new one and takes the previous directory offline; the run's log and summary name the
 * version withdrawn.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseCsv } from "./publish/csv";

export interface PreviousRelease {
  version: string;
  dir: string;
}

export interface Revision {
  dataset: string;
  /** Figures published in both releases with different values. */
  changed: number;
  /** Rows published in one release and flagged in the other. */
  flagChanged: number;
}

export interface RevisionCheck {
  previous: PreviousRelease | null;
  /** Some row is published by both releases (same table, same columns, same key): the new release would revise the previous one where they differ. */
  sameDesign: boolean;
  revisions: Revision[];
}

interface Descriptor {
  temporalCoverage?: { start: string; end: string };
  resources: { name: string; path: string; format?: string; schema?: { primaryKey?: string[] }; disclosureControl?: { measures: { field: string }[]; flag: { field: string } } }[];
}

function csvResources(pkg: Descriptor) {
  return pkg.resources.filter((r) => r.format === "csv" || r.path.endsWith(".csv"));
}

export function previousRelease(outDir: string): PreviousRelease | null {
  const pointer = path.join(outDir, "current.json");
  if (!existsSync(pointer)) return null;
  const { version, path: rel } = JSON.parse(readFileSync(pointer, "utf8")) as { version: string; path: string };
  const dir = path.join(outDir, rel);
  return existsSync(path.join(dir, "datapackage.json")) ? { version, dir } : null;
}

/**
 * The figures of the new release (written in `newDir`) that the previous current release published
 * otherwise. Every table the two releases share (same file, same columns) is compared on the rows
 * they both have, whatever else changed (the period covered, a table added or dropped): a figure
 * published twice with two values is a difference an intruder reads, whichever design changed.
 * `sameDesign` says whether any row is shared at all.
 */
export function compareWithPrevious(outDir: string, newDir: string): RevisionCheck {
  const previous = previousRelease(outDir);
  if (!previous) return { previous: null, sameDesign: false, revisions: [] };
  const before = JSON.parse(readFileSync(path.join(previous.dir, "datapackage.json"), "utf8")) as Descriptor;
  const after = JSON.parse(readFileSync(path.join(newDir, "datapackage.json"), "utf8")) as Descriptor;
  const oldTables = new Map(csvResources(before).map((r) => [r.path, r]));
  const revisions: Revision[] = [];
  let shared = 0;
  for (const table of csvResources(after)) {
    const oldTable = oldTables.get(table.path);
    if (!oldTable || !oldTable.disclosureControl || !existsSync(path.join(previous.dir, table.path))) continue;
    const [oldHeader, ...oldRows] = parseCsv(readFileSync(path.join(previous.dir, table.path), "utf8"));
    const [newHeader, ...newRows] = parseCsv(readFileSync(path.join(newDir, table.path), "utf8"));
    if (oldHeader.join(",") !== newHeader.join(",")) continue;
    const key = table.schema?.primaryKey ?? [];
    const keyAt = key.map((k) => newHeader.indexOf(k));
    const flagAt = newHeader.indexOf(table.disclosureControl?.flag.field ?? "flag");
    const measuresAt = (table.disclosureControl?.measures ?? []).map((m) => newHeader.indexOf(m.field));
    const oldByKey = new Map(oldRows.map((r) => [keyAt.map((i) => r[i]).join("\u0000"), r]));
    let changed = 0;
    let flagChanged = 0;
    for (const row of newRows) {
      const old = oldByKey.get(keyAt.map((i) => row[i]).join("\u0000"));
      if (!old) continue;
      shared++;
      const oldFlagged = old[flagAt] !== "";
      const newFlagged = row[flagAt] !== "";
      if (oldFlagged !== newFlagged) flagChanged++;
      else if (!newFlagged) for (const i of measuresAt) if (old[i] !== row[i]) changed++;
    }
    if (changed + flagChanged > 0) revisions.push({ dataset: table.path.replace(/\.csv$/, ""), changed, flagChanged });
  }
  return { previous, sameDesign: shared > 0, revisions };
}
