/**
 * The internal reports of a release (reports/disclosure-audit.md, and the anonymisation
 * assessment published beside the data): counts, shares and relative widths computed by this run,
 * never a true value of a confidential cell. Deterministic: no timing, no date.
 */
import { POLICY } from "../policy";
import type { Wp29Assessment } from "./assessment/wp29";
import type { RiskReport } from "./assessment/risk";
import { isPrimary, ProtectionResult, TableLoss } from "./confidentiality/index";
import type { RungMeasurement } from "./design";
import type { PiiScanResult } from "./gates/piiScan";
import type { DatasetSummary } from "./releaseDatasets";

export interface MethodRun {
  rounds: number;
  loss: TableLoss[];
  passed: boolean;
}

/** The release's method (optimal) against the previous releases' heuristic, on the same tables. */
export interface MethodComparison {
  optimal: MethodRun;
  heuristic: MethodRun;
  /** The objective (information loss) of both patterns and the master problem's proven lower bound. */
  optimality: { improved: boolean; objective: number; lowerBound: number; heuristicObjective: number } | null;
}

const fmt = (x: number) => x.toFixed(1);

export function lossTable(datasets: readonly DatasetSummary[]): string {
  const p = POLICY.publication;
  const out = [
    `| dataset | design | rows | non-empty cells suppressed | of which primary | secondary | value suppressed | within ${p.maxSuppressedCellsPercent} % / ${p.maxSuppressedValuePercent} % |`,
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const d of datasets) {
    out.push(`| ${d.dataset} | ${d.design} | ${d.rows} | ${d.primary + d.secondary} (${fmt(d.suppressedPercent)} %) | ${d.primary} | ${d.secondary} | ${fmt(d.suppressedValuePercent)} % | ${d.suppressedPercent <= p.maxSuppressedCellsPercent && d.suppressedValuePercent <= p.maxSuppressedValuePercent ? "yes" : "**no**"} |`);
  }
  return out.join("\n");
}

export function ladderTable(measurements: readonly RungMeasurement[]): string {
  const out = ["| group | rung | design | dataset | non-empty cells | suppressed | value suppressed | outcome |", "| --- | ---: | --- | --- | ---: | ---: | ---: | --- |"];
  for (const m of measurements) {
    for (const t of m.tables) {
      const value = Number.isNaN(t.suppressedValuePercent) ? "not measured" : `${fmt(t.suppressedValuePercent)} %`;
      const bound = m.basis === "bound";
      const outcome = !m.skipped ? (m.meets ? "meets the targets" : "misses the targets") : bound ? "every safe pattern over the target (lower bound): not protected in full" : "primary alone over the target: not protected in full";
      // A share marked (primary) or (bound) is a least share: the design was not protected in full.
      out.push(`| ${m.group} | ${m.rung + 1} | ${m.name} | ${t.table} | ${t.nonEmptyCells} | ${fmt(t.suppressedPercent)} %${m.skipped ? (bound ? " (bound)" : " (primary)") : ""} | ${bound ? `${fmt(t.suppressedValuePercent)} % (bound)` : value} | ${outcome} |`);
    }
  }
  // design.ts tests a rung's tables one at a time and stops at the first over the target.
  const tablesOf = new Map<string, number>();
  for (const m of measurements) tablesOf.set(m.group, Math.max(tablesOf.get(m.group) ?? 0, m.tables.length));
  if (measurements.some((m) => m.tables.length < tablesOf.get(m.group)!)) {
    out.push("", "A rung ruled out by primary suppression lists the tables tested until one was over the target (those already extracted for an earlier rung first, then those that most rungs share); the group's other tables were not extracted for it.");
  }
  return out.join("\n");
}

export function comparisonTable(c: MethodComparison): string {
  const out = [
    "| dataset | optimal: cells suppressed | optimal: value suppressed | heuristic: cells suppressed | heuristic: value suppressed |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  c.optimal.loss.forEach((o, i) => {
    const h = c.heuristic.loss[i];
    out.push(`| ${o.table} | ${o.suppressedCells} (${fmt(o.suppressedPercent)} %) | ${fmt(o.suppressedValuePercent)} % | ${h.suppressedCells} (${fmt(h.suppressedPercent)} %) | ${fmt(h.suppressedValuePercent)} % |`);
  });
  const sum = (r: MethodRun) => r.loss.reduce((n, l) => n + l.suppressedCells, 0);
  out.push(`| **all tables** | ${sum(c.optimal)} | | ${sum(c.heuristic)} | |`);
  return out.join("\n");
}

/** The narrowest relative protection among sides the release had to protect (not bounded by prior knowledge). */
function narrowest(protection: ProtectionResult): string {
  let least: number | null = null;
  for (const i of protection.audit.intervals) {
    if (i.value === 0) continue;
    const sides: number[] = [];
    if (i.target.lowTarget < i.value) sides.push((i.value - i.lower) / Math.abs(i.value));
    if (i.target.highTarget > i.value) sides.push((i.upper - i.value) / Math.abs(i.value));
    for (const s of sides) least = least === null ? s : Math.min(least, s);
  }
  return least === null ? "n/a" : least === Infinity ? "unbounded" : `${(100 * least).toFixed(1)} %`;
}

export function disclosureAuditMarkdown(version: string, protection: ProtectionResult, datasets: readonly DatasetSummary[], measurements: readonly RungMeasurement[], comparison: MethodComparison | null): string {
  const sc = POLICY.statisticalConfidentiality;
  const audit = protection.audit;
  const cells = protection.model.cells;
  const status = protection.status;
  const count = (pred: (id: number) => boolean) => cells.filter((c) => pred(c.id)).length;
  const frequency = count((id) => status[id] === "primary_frequency" && !cells[id].hidden);
  const dominance = count((id) => status[id] === "primary_dominance" && !cells[id].hidden);
  const secondary = count((id) => status[id] === "secondary");
  const emptySecondary = count((id) => status[id] === "secondary" && cells[id].empty);
  const hiddenPrimary = count((id) => cells[id].hidden && isPrimary(status[id]));
  const shared = cells.filter((c) => c.tables.length > 1).length;
  return `# Disclosure audit of the Open Data release ${version}

Generated by lib/opendata/release.ts; deterministic (no timings). Internal: it gives counts, shares
and relative widths, never a confidential value; the release itself publishes the flag \`${sc.confidentialFlag}\` only.

## What the audit models

Every table of the release is protected and audited in one model (lib/opendata/confidentiality),
as an intruder reads them together:

- ${cells.length} cells (${shared} of them published in more than one table: the same figure is one
  unknown) and ${protection.model.relations.length} additive relations: every margin, every level of a hierarchy
  (région or NUTS-1 unit under France, country under its zone, age band under persons), periods
  summing to the whole period, and nested populations (a scope equal to the sum of its parts; the
  customer table publishes persons, businesses and customers of unknown type as rows of their
  own, so the business customers of an area are a cell held to the business rules, not the
  difference of two tables);
- what the files reveal besides values: the sign of every figure (an intruder is assumed to know
  it), whole numbers (bounds rounded inward), the least value of a row that exists (tables whose
  rows exist only when non-empty), which cells are empty (every table is a full grid with its
  zeros), ${protection.model.orderings.length} orderings such as units >= orders, and totals with a single non-empty
  child (a confidential total of few contributors needs one more of its empty children flagged,
  so that its members' attribute is not revealed: ${emptySecondary} empty cells flagged for it);
- the flag is all a reader sees: no status, no reason per cell.

Not modelled: integer-programming attacks beyond rounding the LP bounds; relations between
different measures other than the declared orderings (shipments and orders are not tied, nor
the sales tables' order x category counts to distinct orders); what the medians and ratios say
beyond their cell (they are published only with a published cell); knowledge outside the
release (a reader who knows one customer's purchases). The release's own attacker
(lib/opendata/attack), a separate code path, checks the published files against these limits.

## Result

- Confidential figures audited: ${audit.intervals.length} (cell x measure), in ${audit.groups} independent groups;
  ${audit.exactFigures} measured exactly, ${audit.provenFigures} proven by feasible points (a lower bound of their protection).
- Exposed (narrowed within +/- ${sc.protectionIntervalPercent} %): ${audit.exposed.length}. Result: ${audit.passed ? "**pass**" : "**FAIL**"}.
- Narrowest protection of a side the release had to protect: ${narrowest(protection)}${audit.provenFigures > 0 ? " (at least)" : ""}.
- Cells suppressed: ${frequency} by the frequency rule, ${dominance} by the dominance rule, ${secondary} by secondary
  suppression (${emptySecondary} of them empty), and ${hiddenPrimary} hidden complements that fail a primary rule.
- Secondary suppression: ${protection.method}, ${protection.rounds} round(s) of master problem and audit, ${protection.cuts} constraints.

## What each table loses

${lossTable(datasets)}

## Design ladders (the designs measured, finest first)

${ladderTable(measurements)}
${comparison ? `
## Secondary suppression: least information loss against the previous heuristic

The same tables protected by the previous releases' heuristic (greedy: one more cell per exposed
figure, ranked by capacity, margin, relations closed and value) and by the release's method (a
mixed-integer model on HiGHS minimising the share of cells and value suppressed, with the audit's
cuts, started from the heuristic's pattern). Both patterns pass the same audit.
${comparison.optimality ? `Information loss (sum over suppressed cells of their share of their table's cells and value): heuristic ${comparison.optimality.heuristicObjective.toFixed(4)}, release ${comparison.optimality.objective.toFixed(4)}; no pattern satisfying the constraints found can lose less than ${comparison.optimality.lowerBound.toFixed(4)} (the master problem's bound).` : ""}

${comparisonTable(comparison)}
` : ""}`;
}

export function assessmentMarkdown(version: string, wp29: Wp29Assessment, risk: RiskReport, pii: PiiScanResult, protection: ProtectionResult): string {
  const yes = (b: boolean) => (b ? "passed" : "FAILED");
  const tableRows = wp29.tables.map(
    (t) =>
      `| ${t.dataset} | ${t.population} | ${t.threshold} | ${t.publishedCells} | ${t.suppressedCells} | ${t.smallestPublishedGroup ?? "n/a"} | ${t.publishedBelowThreshold} | ${t.largestTopSharePercent === null ? "n/a" : t.largestTopSharePercent.toFixed(1) + " %"} | ${t.homogeneousPublishedCells} | ${t.identifierLikeColumns.length === 0 ? "none" : t.identifierLikeColumns.join(", ")} |`,
  );
  const known = Object.entries(pii.knownValues).map(([k, n]) => `${k} ${n}`).join(", ");
  const audit = protection.audit;
  return `# Anonymisation assessment of the Open Data release ${version}

Article 29 Working Party, Opinion 05/2014 (WP216): an anonymous release must resist singling
out, linkability and inference. Computed from the data of this release; reassessed at every release.

## Per table

| dataset | describes | threshold | published cells | suppressed cells | smallest published group | published below threshold | largest top share (published) | homogeneous published cells | identifier-like columns |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${tableRows.join("\n")}

Cells of business customers and suppliers are held to the business threshold; the smallest
published group is counted over the cells of the table's own population.

## 1. Singling out: ${yes(wp29.singlingOut.passed)}

Every published cell aggregates at least its population's threshold of distinct contributors; the
smallest published group in the whole release has ${wp29.singlingOut.smallestGroup ?? "n/a"} contributors. No file has a row per
person, order or customer.

## 2. Linkability: ${yes(wp29.linkability.passed)}

- Columns named like an identifier: ${wp29.linkability.identifierLikeColumns}.
- Values shaped like a customer pseudonym (cp_ + 32 hex): ${wp29.linkability.pseudonymShapedValues}.
- Known personal values or pseudonyms found by the byte scan: ${wp29.linkability.piiHits} (searched: ${known}; ${pii.filesScanned} files, ${pii.bytesScanned} bytes).
- Across tables: the tables share figures (the sales tables' margins, the customer table's
  totals by area, which are the sales table's over the whole period). They are protected in one
  model where the same figure is one unknown and every relation between tables is an equation
  (disclosure-audit.md): ${audit.intervals.length} confidential figures audited over the whole release, ${audit.exposed.length} narrowed
  within +/- ${POLICY.statisticalConfidentiality.protectionIntervalPercent} %.

## 3. Inference: ${yes(wp29.inference.passed)}

- Dominance: the largest share of one contributor in a published amount cell is ${wp29.inference.largestTopSharePercent === null ? "n/a" : wp29.inference.largestTopSharePercent.toFixed(1) + " %"} (rule: at most ${POLICY.statisticalConfidentiality.dominance.kPercent} %).
- Homogeneity: published cells where every contributor has the same value: ${wp29.inference.homogeneousCells}.
- Confidential cells cannot be narrowed below +/- ${POLICY.statisticalConfidentiality.protectionIntervalPercent} % (disclosure-audit.md), and a confidential
  total with a single non-empty child has a second child flagged, so that the flags do not tell
  which group its few members belong to.

## Re-identification risk of the customer table

${riskSection(risk)}

## Conclusion

${wp29.passed && audit.passed ? "The three tests pass with the numbers above: the release is treated as anonymous (outside the GDPR, Recital 26)." : "At least one test FAILED: the release must not be published."}
`;
}

/** A risk, readable whether it is a tenth or a millionth: 4 decimals, or 3 significant digits below 0.001. */
export function formatRisk(x: number | null): string {
  if (x === null) return "n/a";
  return x === 0 || x >= 0.001 ? x.toFixed(4) : x.toExponential(2);
}

function riskSection(risk: RiskReport): string {
  const r = formatRisk;
  const p = risk.published;
  const b = risk.beforeSuppression;
  const source = risk.source
    ? `The population F of a class is stated, not read from the warehouse:

- areas: ${risk.source.geography};
- age bands and gender: ${risk.source.ageStructure}; the national share of the band (and of the
  gender, when published) is applied to the area's population. ${risk.source.split}
- a class whose area is abroad or unknown, whose profile is unknown, or whose gender the census
  does not count has no stated population: it takes F = f, as if every person with its attributes
  were a customer. That can only overstate its risk; under it, its journalist and marketer risks
  equal its prosecutor risk. Published classes concerned: ${p.fallbackClasses} of ${p.classes}, ${p.fallbackRecords} of ${p.records} customers${p.fallbackKeys.length === 0 ? "" : ` (${p.fallbackKeys.join(", ")})`}.`
    : "No population is stated for this release: every class takes F = f.";
  return `Equivalence classes: the detail cells of persons in the customer table (area x age band, and
gender when published). The sample size f of a class is the customers in it; its population size F
is the number of people in France who share its attributes, customers or not.

The three models differ in what the intruder is assumed to know. The prosecutor knows the target
is a customer, so is one of the f customers of a class: risk 1/f, from the sample alone. The
journalist knows only that the target is a person of the population, one of the F people of the
class: risk 1/F. The marketer matches every record against the population and re-identifies, on
average, a share f/F of each class's records.

${source}

| model | published classes | before suppression |
| --- | ---: | ---: |
| classes | ${p.classes} | ${b.classes} |
| records (customers) | ${p.records} | ${b.records} |
| classes with a stated population | ${p.statedClasses} | ${b.statedClasses} |
| smallest class f | ${p.smallestClass} | ${b.smallestClass} |
| smallest stated population F | ${p.smallestPopulation ?? "n/a"} | ${b.smallestPopulation ?? "n/a"} |
| prosecutor, maximum (1 / min f) | ${r(p.prosecutorMax)} | ${r(b.prosecutorMax)} |
| prosecutor, average (classes / records) | ${r(p.prosecutorAverage)} | ${r(b.prosecutorAverage)} |
| journalist, maximum (1 / min F), every class | ${r(p.journalistMax)} | ${r(b.journalistMax)} |
| journalist, maximum (1 / min F), classes with a stated population | ${r(p.journalistMaxStated)} | ${r(b.journalistMaxStated)} |
| marketer (sum of f / F over the classes, / records) | ${r(p.marketer)} | ${r(b.marketer)} |

With the ${risk.threshold}-customer threshold the prosecutor risk of any published class is at most 1/${risk.threshold} = ${r(1 / risk.threshold)}.`;
}
