import { compileFormat, isoDateOf } from "./dates";

/**
 * Which order a column writes its day and month in, from its values, against the order its
 * source profile reads them in. A profile that lists `%d/%m/%Y` reads `03/04/2024` as 3 April:
 * on an export written month first (`%m/%d/%Y`, as many US systems do) every date up to the 12th
 * of a month is read as another date, silently, and only those after the 12th fail
 * (INVALID_DATE). The values tell the orders apart: `04/25/2024` fits only month first,
 * `25/04/2024` only day first. A column whose values fit only the other order, and none only the
 * profile's, is written in the other order; one with values of both is written in both, and its
 * ambiguous values cannot be read with certainty either way.
 *
 * Counts of distinct values only: no value is quoted (a birth date is personal data).
 */
export interface DateOrderFinding {
  entity: string;
  column: string;
  /** The profile's format that reads the ambiguous values (the first of the pair in dateFormats). */
  readAs: string;
  /** The same format with day and month swapped. */
  other: string;
  /** Distinct values that fit only `readAs`, only `other`, and both as two different dates. */
  onlyReadAs: number;
  onlyOther: number;
  ambiguous: number;
  /** "other order": every telling value is in the other order; "both orders": values of each. */
  verdict: "other order" | "both orders";
}

const orderOf = (format: string) => (format.indexOf("%d") < format.indexOf("%m") ? "day first" : "month first");

/** The format with its %d and %m exchanged, or null when it has not both, or has them side by side (no separator tells them apart). */
function swapped(format: string): string | null {
  const d = format.indexOf("%d");
  const m = format.indexOf("%m");
  if (d === -1 || m === -1 || Math.abs(d - m) === 2) return null;
  return format.replace("%d", "\u0000").replace("%m", "%d").replace("\u0000", "%m");
}

/**
 * Findings for one date column, from its distinct raw values and the profile's formats in
 * order: one per pair of formats (a listed format with day and month, and its swap) whose
 * values contradict the order the profile reads them in.
 */
export function dateOrderFindings(entity: string, column: string, raws: readonly string[], formats: readonly string[]): DateOrderFinding[] {
  const findings: DateOrderFinding[] = [];
  const seen = new Set<string>();
  for (const readAs of formats) {
    const other = swapped(readAs);
    if (other === null || seen.has(readAs)) continue;
    // The pair is met once, at the format the profile tries first (the one that reads both).
    seen.add(readAs).add(other);
    const [a, b] = [compileFormat(readAs), compileFormat(other)];
    let onlyReadAs = 0;
    let onlyOther = 0;
    let ambiguous = 0;
    for (const raw of raws) {
      const text = raw.trim();
      const x = isoDateOf(a, text);
      const y = isoDateOf(b, text);
      if (x !== null && y === null) onlyReadAs++;
      else if (x === null && y !== null) onlyOther++;
      else if (x !== null && y !== null && x !== y) ambiguous++;
    }
    if (onlyOther === 0) continue;
    findings.push({ entity, column, readAs, other, onlyReadAs, onlyOther, ambiguous, verdict: onlyReadAs === 0 ? "other order" : "both orders" });
  }
  return findings;
}

/** One line for the log, the profile check and the quality report. */
export function describeDateOrder(f: DateOrderFinding): string {
  const values = (n: number) => `${n.toLocaleString("en-US")} distinct value${n === 1 ? "" : "s"}`;
  const head = `${f.entity}.${f.column}: ${values(f.onlyOther)} fit only ${f.other} (${orderOf(f.other)})`;
  if (f.verdict === "other order") {
    return `${head} and none only ${f.readAs}, which the profile tries first: the column is written ${orderOf(f.other)}, and its ${values(f.ambiguous)} that fit both (day and month up to 12) are read as other dates than the export's. Fix: list ${f.other} before ${f.readAs} in the profile's dateFormats`;
  }
  return `${head}, ${values(f.onlyReadAs)} only ${f.readAs}: the column mixes both orders, and its ${values(f.ambiguous)} that fit both are read ${orderOf(f.readAs)} (${f.readAs}, first in the profile's dateFormats), which no value can confirm`;
}
