/**
 * The red team's report for reports/: counts per attack, relative widths, the failures by name
 * and derivation, the warnings and the limits of the model. Deterministic (no time, no path),
 * and free of true values and of derived intervals: a confidential figure's interval is itself
 * what the report must not publish.
 */
import type { AttackVerdict } from "./types";

export const NOT_COVERED = [
  "integer programming: integrality only rounds the LP bounds inward (a mixed-integer model could narrow a few cells further);",
  "medians and percentiles give no linear fact: they count only as figures (the same median in two tables, a lone child's median equal to its total's);",
  "derived values of a confidential row (ratios, medians) are not judged apart from the measures they are computed from;",
  "changes hidden in both releases are bounded only through the revisions of published figures;",
  "knowledge from outside the release and the previous one (a respondent's own figure, a competitor's estimate).",
];

function width(w: number | null): string {
  return w === null ? "-" : `${(w * 100).toFixed(1)} %`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function attackMarkdown(verdict: AttackVerdict): string {
  const lines: string[] = [];
  lines.push("# Red team: the release attacked as an intruder would", "");
  lines.push(
    `Release \`${verdict.version}\`${verdict.previousVersion ? `, with the previous release \`${verdict.previousVersion}\` still online` : ""}. ` +
      `The attacker reads only the published files; it is not the audit (its own reading, its own model, its own linear programme). ` +
      `A confidential cell fails when its derived interval lies within +/- ${verdict.protectionIntervalPercent} % of its true value; ` +
      `a complement, a revision or a lone child fails when the group it pins breaks a primary rule of its population.`,
    "",
  );
  lines.push(`**Gate: ${verdict.passed ? "passed" : "failed"}** (${verdict.failures.length} failure(s)).`, "");
  lines.push(
    `Findings: ${verdict.counts.cells} confidential cell(s), ${verdict.counts.complements} implied complement(s), ${verdict.counts.revisions} revision(s), ` +
      `${verdict.counts.attributes} confidential total(s) with a single child; ${verdict.counts.oracleCalls} put to the true data; ` +
      `${verdict.counts.misled} where an inferred fact misled the intruder.`,
    "",
  );
  lines.push("## Attacks", "", "| Attack | Findings | Narrow enough to test | Failures |", "| --- | ---: | ---: | ---: |");
  for (const a of verdict.perAttack) lines.push(`| ${a.attack} | ${a.findings} | ${a.narrowEnough} | ${a.failures} |`);
  lines.push("");
  lines.push(
    "## How narrow",
    "",
    "Relative width of the derived interval, (upper - lower) / max(|lower|, |upper|), for confidential cells and complements.",
    "",
    "| Attack | Intervals | Unbounded | Narrowest | Median |",
    "| --- | ---: | ---: | ---: | ---: |",
  );
  for (const w of verdict.widths) lines.push(`| ${w.attack} | ${w.count} | ${w.unbounded} | ${width(w.min)} | ${width(w.median)} |`);
  lines.push("");
  lines.push("## Failures", "");
  if (verdict.failures.length === 0) lines.push("None.", "");
  else {
    lines.push("| Rule | Attack | Finding | Relative width | Derivation |", "| --- | --- | --- | ---: | --- |");
    const sorted = [...verdict.failures].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.rule < b.rule ? -1 : 1));
    for (const f of sorted) lines.push(`| ${f.rule} | ${f.attack} | ${cell(f.subject)} | ${width(f.relativeWidth)} | ${cell(f.derivation)} |`);
    lines.push("");
  }
  if (verdict.warnings.length > 0) {
    lines.push("## What the attacker set aside", "");
    for (const w of verdict.warnings) lines.push(`- ${w}`);
    lines.push("");
  }
  lines.push("## What the attack does not cover", "");
  for (const n of NOT_COVERED) lines.push(`- ${n}`);
  lines.push("");
  return lines.join("\n");
}
