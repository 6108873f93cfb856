/**
 * The gate: given the attacker's findings and a truth oracle (the release stage knows the true
 * values; tests supply them), does the release hold?
 *
 * It fails when
 * - a confidential cell is recovered: its interval lies inside its true value +/- the protection
 *   interval without spanning it whole (policy.protectionIntervalPercent; a cell pinned at 0 counts);
 * - a complement or a revision that the intruder pins that closely describes a group breaking a
 *   primary rule of its population (fewer contributors than the frequency threshold, or the
 *   largest above the dominance share);
 * - a confidential total is known to hold a single non-empty child and its group breaks the
 *   frequency rule (an attribute of a group of one or two published);
 * - the oracle cannot answer for a finding narrow enough to matter (silence is not a pass);
 * - the release contradicts its own declarations (the intruder's model has no solution).
 * Only findings narrow enough to possibly lie within the protection interval are put to the
 * oracle. True values appear only in `failures[].message` and `misled`, never in `attackMarkdown`.
 */
import { POLICY, type DeepReadonly, type StatisticalConfidentialityPolicy } from "../../policy";
import type {
  AttackFailure,
  AttackFindings,
  AttackKind,
  AttackVerdict,
  ComplementFinding,
  FigureIdentity,
  Interval,
  OracleAnswer,
  OracleQuery,
  TruthOracle,
} from "./types";

type JudgePolicy = Pick<DeepReadonly<StatisticalConfidentialityPolicy>, "frequency" | "dominance" | "protectionIntervalPercent" | "protectSecondaryCells">;

export const ATTACK_ORDER: AttackKind[] = [
  "same-figure",
  "previous-release",
  "differencing",
  "scope-complement",
  "single-child",
  "ratio",
  "bounds",
  "linear-programme",
  "revision",
  "none",
];

/** (upper - lower) / max(|lower|, |upper|): 0 when pinned, null when unbounded. */
export function relativeWidth(interval: Interval): number | null {
  if (!Number.isFinite(interval.lower) || !Number.isFinite(interval.upper)) return null;
  const scale = Math.max(Math.abs(interval.lower), Math.abs(interval.upper));
  return scale === 0 ? 0 : (interval.upper - interval.lower) / scale;
}

/** Whether some true value v could have [lower, upper] inside v +/- p |v|. */
export function couldBeWithin(interval: Interval, percent: number): boolean {
  const { lower, upper } = interval;
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return false;
  const p = percent / 100;
  const slack = 1e-9 * Math.max(1, Math.abs(lower), Math.abs(upper));
  if (lower >= 0) return upper * (1 - p) <= lower * (1 + p) + slack;
  if (upper <= 0) return Math.abs(lower) * (1 - p) <= Math.abs(upper) * (1 + p) + slack;
  return false;
}

/**
 * Whether [lower, upper] narrows a figure of true value v to within +/- p %: the interval lies
 * inside v +/- p|v| and does not span it whole. The policy asks that a confidential figure stay
 * uncertain by at least +/- p % (lib/policy.ts): an interval reaching both v - p|v| and v + p|v|
 * meets it, as the defender's protection targets count it (confidentiality/knowledge.ts, to 1e-7
 * of |v|). Counting it recovered refused releases the audit had proven, a count of 10 derived as
 * [9, 11] among them. v = 0 leaves no margin to span: an interval pinned at 0 is recovered.
 */
export function within(interval: Interval, value: number, percent: number): boolean {
  const margin = (percent / 100) * Math.abs(value);
  const slack = 1e-9 * Math.max(1, Math.abs(value));
  const inside = interval.lower >= value - margin - slack && interval.upper <= value + margin + slack;
  if (!inside || margin === 0) return inside;
  const tolerance = 1e-7 * Math.max(1, Math.abs(value));
  const spans = interval.lower <= value - margin + tolerance && interval.upper >= value + margin - tolerance;
  return !spans;
}

function outside(interval: Interval, value: number): boolean {
  const slack = 1e-6 * Math.max(1, Math.abs(value));
  return value < interval.lower - slack || value > interval.upper + slack;
}

function keyText(key: Record<string, string>): string {
  return Object.entries(key)
    .map(([f, c]) => `${f}=${c}`)
    .join(", ");
}

function figureText(figure: FigureIdentity): string {
  const dims = keyText(figure.dims);
  return `${figure.scope}[${dims || "all"}; ${figure.period.start}..${figure.period.end}]`;
}

function interval(i: Interval): string {
  return `[${i.lower}, ${i.upper}]`;
}

export function judgeFindings(findings: AttackFindings, oracle: TruthOracle, policy: JudgePolicy = POLICY.statisticalConfidentiality): AttackVerdict {
  const percent = policy.protectionIntervalPercent;
  const minimum = policy.frequency.minContributors;
  const failures: AttackFailure[] = [];
  const misled: string[] = [];
  const memo = new Map<string, OracleAnswer | undefined>();
  let oracleCalls = 0;
  const ask = (query: OracleQuery): OracleAnswer | undefined => {
    const id =
      query.kind === "complement"
        ? `complement\u0001${figureText(query.figure)}`
        : `${query.kind}\u0001${query.dataset}\u0001${keyText(query.key)}${query.kind === "revision" ? `\u0001${query.figure.concept}` : ""}`;
    if (!memo.has(id)) {
      oracleCalls++;
      memo.set(id, oracle(query));
    }
    return memo.get(id);
  };
  const breaks = (answer: OracleAnswer): "frequency" | "dominance" | null => {
    // An empty group (no contributor) describes nobody: the frequency rule is about 1 to n-1.
    if (answer.contributors > 0 && answer.contributors < minimum[answer.population]) return "frequency";
    // Integer percentages in the policy; the share is compared on the same scale.
    if (answer.largestShare * 100 > policy.dominance.kPercent + 1e-9) return "dominance";
    return null;
  };
  const tally = new Map<AttackKind, { findings: number; narrowEnough: number; failures: number }>();
  const count = (attack: AttackKind, narrow: boolean, failed: boolean): void => {
    const t = tally.get(attack) ?? { findings: 0, narrowEnough: 0, failures: 0 };
    t.findings++;
    if (narrow) t.narrowEnough++;
    if (failed) t.failures++;
    tally.set(attack, t);
  };
  const fail = (f: AttackFailure): true => {
    failures.push(f);
    return true;
  };

  for (const cell of findings.cells) {
    const narrow = couldBeWithin(cell, percent);
    let failed = false;
    const subject = `${cell.dataset}[${keyText(cell.key)}].${cell.measure}`;
    const base = { findingKind: "cell" as const, attack: cell.attack, subject, derivation: cell.derivation, relativeWidth: relativeWidth(cell) };
    if (narrow) {
      const answer = ask({ kind: "cell", dataset: cell.dataset, key: cell.key });
      const value = answer?.values[cell.measure];
      if (!answer || value === undefined) {
        failed = fail({ ...base, rule: "oracle-silent", message: `${subject}: derived ${interval(cell)}, and the oracle has no true value for it` });
      } else if (outside(cell, value)) {
        misled.push(`${subject}: derived ${interval(cell)} by ${cell.attack}, true value ${value}`);
      } else if (within(cell, value, percent) && (policy.protectSecondaryCells || breaks(answer) !== null)) {
        failed = fail({ ...base, rule: "recovered", message: `${subject}: derived ${interval(cell)} by ${cell.attack}, true value ${value} (within +/- ${percent} %)` });
      }
    }
    count(cell.attack, narrow, failed);
  }

  const judgeGroup = (
    kind: "complement" | "revision",
    finding: Interval & { attack: AttackKind; derivation: string },
    subject: string,
    query: OracleQuery,
    measure: string,
  ): void => {
    const narrow = couldBeWithin(finding, percent);
    let failed = false;
    const base = { findingKind: kind, attack: finding.attack, subject, derivation: finding.derivation, relativeWidth: relativeWidth(finding) };
    if (narrow) {
      const answer = ask(query);
      const value = answer?.values[measure];
      if (!answer) {
        failed = fail({ ...base, rule: "oracle-silent", message: `${subject}: pinned to ${interval(finding)}, and the oracle cannot say whom it describes` });
      } else if (value !== undefined && outside(finding, value)) {
        misled.push(`${subject}: derived ${interval(finding)} by ${finding.attack}, true value ${value}`);
      } else if (value === undefined || within(finding, value, percent)) {
        const rule = breaks(answer);
        if (rule) {
          failed = fail({
            ...base,
            rule: `${kind}-${rule}`,
            message: `${subject}: pinned to ${interval(finding)} (true ${value ?? "not given"}); it describes ${answer.contributors} ${answer.population} contributor(s), the largest holding ${(answer.largestShare * 100).toFixed(1)} %`,
          });
        }
      }
    }
    count(finding.attack, narrow, failed);
  };
  for (const c of findings.complements) {
    judgeGroup("complement", c, `${figureText(c.figure)}.${c.concept} (${c.relation})`, { kind: "complement", figure: c.figure }, c.concept);
  }
  for (const r of findings.revisions) {
    judgeGroup("revision", r, `change of ${r.dataset}[${keyText(r.key)}].${r.measure}`, { kind: "revision", dataset: r.dataset, key: r.key, figure: r.figure }, r.measure);
  }
  for (const a of findings.attributes) {
    const subject = `${a.dataset}[${keyText(a.key)}]: ${a.dimension}=${a.childCode} for the whole group`;
    const answer = ask({ kind: "cell", dataset: a.dataset, key: a.key });
    const base = { findingKind: "attribute" as const, attack: "single-child" as AttackKind, subject, derivation: a.derivation, relativeWidth: null };
    let failed = false;
    if (!answer) failed = fail({ ...base, rule: "oracle-silent", message: `${subject}: the oracle cannot say how many contributors the group has` });
    else if (answer.contributors > 0 && answer.contributors < minimum[answer.population]) {
      failed = fail({ ...base, rule: "attribute-of-small-group", message: `${subject}: the group has ${answer.contributors} ${answer.population} contributor(s)` });
    }
    count("single-child", true, failed);
  }
  if (!findings.consistent) {
    failures.push({
      rule: "inconsistent-release",
      findingKind: "release",
      attack: "none",
      subject: findings.version,
      derivation: "the published values contradict the release's own declarations",
      relativeWidth: null,
      message: findings.warnings.filter((w) => w.includes("contradicts its own")).join("; "),
    });
  }

  const widthsByAttack = new Map<AttackKind, (number | null)[]>();
  for (const f of [...findings.cells, ...(findings.complements as ComplementFinding[])]) {
    const list = widthsByAttack.get(f.attack) ?? [];
    list.push(relativeWidth(f));
    widthsByAttack.set(f.attack, list);
  }
  const order = (a: AttackKind): number => ATTACK_ORDER.indexOf(a);
  return {
    passed: failures.length === 0,
    version: findings.version,
    previousVersion: findings.previousVersion,
    protectionIntervalPercent: percent,
    perAttack: [...tally].sort((a, b) => order(a[0]) - order(b[0])).map(([attack, t]) => ({ attack, ...t })),
    counts: {
      cells: findings.cells.length,
      complements: findings.complements.length,
      revisions: findings.revisions.length,
      attributes: findings.attributes.length,
      oracleCalls,
      misled: misled.length,
    },
    widths: [...widthsByAttack]
      .sort((a, b) => order(a[0]) - order(b[0]))
      .map(([attack, list]) => {
        const finite = list.filter((w): w is number => w !== null).sort((a, b) => a - b);
        return {
          attack,
          count: list.length,
          unbounded: list.length - finite.length,
          min: finite.length > 0 ? finite[0] : null,
          median: finite.length > 0 ? finite[Math.floor((finite.length - 1) / 2)] : null,
        };
      }),
    failures,
    misled,
    warnings: findings.warnings,
  };
}
