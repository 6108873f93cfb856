/**
 * The compliance matrix: every requirement of requirements.ts with its control and its
 * evidence, each piece of evidence checked against the repository as it is now:
 * - the test file exists and declares a test with exactly that name (read by testTitles.ts);
 * - the notebook or report exists, and so does the heading a `#anchor` names;
 * - when jest's JSON results are given, every case of that test passed.
 * A piece that fails any check makes the row a GAP, with the reason. A requirement still being
 * built shows as planned, with its issue.
 *
 * With results, a passing row reads exactly as without them, so the committed file does not
 * depend on whether the suite ran first.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { issueLabel } from "./issues";
import { documentAnchors } from "./linkCheck";
import { anchors, markdownTable } from "./markdown";
import { REQUIREMENTS, type Requirement, type RequirementGroup } from "./requirements";
import { testTitles, titlePattern, type TestTitle } from "./testTitles";

export type RowStatus = "evidence" | "planned" | "gap";

export interface MatrixRow {
  requirement: Requirement;
  status: RowStatus;
  /** Why the row is a GAP (empty otherwise). */
  gaps: string[];
  /** True when jest results were given and every case of the test passed. */
  testPassed?: boolean;
}

/** The subset of jest's `--json` output read here. */
export interface JestResults {
  testResults: {
    name: string;
    status?: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

export interface MatrixOptions {
  /** Project root; evidence paths are relative to it. */
  root: string;
  /** jest's JSON results; without them, tests are checked to exist, not to pass. */
  results?: JestResults;
  requirements?: readonly Requirement[];
  /** Documents about to be written (path relative to the root -> content): checked instead of the disk. */
  pending?: ReadonlyMap<string, string>;
}

/** Reads a jest `--json --outputFile` file, with a message naming it when it is not one. */
export function readJestResults(file: string): JestResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: not a jest JSON result file (${(error as Error).message}); write one with: npx jest --json --outputFile=${file}`);
  }
  if (!parsed || typeof parsed !== "object" || !Array.isArray((parsed as JestResults).testResults)) {
    throw new Error(`${file}: no testResults array; write it with: npx jest --json --outputFile=${file}`);
  }
  return parsed as JestResults;
}

/** Checks a `path` or `path#anchor` relative to `root`; returns the problem, or null. */
export function checkDocument(root: string, ref: string, pending?: ReadonlyMap<string, string>): string | null {
  const [path, anchor] = ref.split("#", 2);
  const full = join(root, path);
  const text = pending?.get(path);
  if (text === undefined && !existsSync(full)) return `${path} does not exist`;
  if (anchor === undefined) return null;
  const defined = text !== undefined && !path.endsWith(".ipynb") ? anchors(text) : documentAnchors(full);
  return defined.has(anchor) ? null : `${path} has no heading #${anchor}`;
}

function normalisePath(p: string): string {
  return p.replace(/\\/g, "/");
}

/** Evaluates every requirement's evidence. */
export function evaluateMatrix(opts: MatrixOptions): MatrixRow[] {
  const requirements = opts.requirements ?? REQUIREMENTS;
  const titlesByFile = new Map<string, TestTitle[] | null>();
  const titlesOf = (file: string): TestTitle[] | null => {
    if (!titlesByFile.has(file)) {
      const full = join(opts.root, file);
      titlesByFile.set(file, existsSync(full) ? testTitles(readFileSync(full, "utf8")) : null);
    }
    return titlesByFile.get(file)!;
  };

  const seen = new Set<string>();
  return requirements.map((requirement) => {
    if (seen.has(requirement.id)) throw new Error(`requirements: duplicate id ${requirement.id}`);
    seen.add(requirement.id);
    if (requirement.planned !== undefined) {
      if (requirement.evidence) throw new Error(`requirements: ${requirement.id} is both planned and evidenced; keep one`);
      return { requirement, status: "planned", gaps: [] };
    }
    const evidence = requirement.evidence;
    if (!evidence) return { requirement, status: "gap", gaps: ["no evidence and no planned issue"] };

    const gaps: string[] = [];
    const { file, name, describe } = evidence.test;
    const titles = titlesOf(file);
    let declared: TestTitle | undefined;
    if (titles === null) gaps.push(`${file} does not exist`);
    else {
      const candidates = titles.filter((t) => t.kind === "test" && t.title === name && (describe === undefined || t.ancestors.includes(describe)));
      if (candidates.length === 0) gaps.push(`no test named "${name}"${describe ? ` in describe "${describe}"` : ""} in ${file}`);
      else if (candidates.length > 1) gaps.push(`${candidates.length} tests named "${name}" in ${file}: add describe to the evidence`);
      else declared = candidates[0];
    }
    for (const ref of [evidence.notebook, evidence.report]) {
      if (ref === undefined) continue;
      const problem = checkDocument(opts.root, ref, opts.pending);
      if (problem) gaps.push(problem);
    }

    let testPassed: boolean | undefined;
    if (opts.results && declared) {
      const suffix = normalisePath(file);
      const suite = opts.results.testResults.find((r) => normalisePath(r.name).endsWith(`/${suffix}`) || normalisePath(r.name) === suffix);
      const pattern = titlePattern(declared.title, declared.each);
      const cases = (suite?.assertionResults ?? []).filter(
        (a) => pattern.test(a.title) && declared!.ancestors.every((anc, i) => a.ancestorTitles[i] === anc) && a.ancestorTitles.length === declared!.ancestors.length,
      );
      if (!suite) gaps.push(`${file} is not in the jest results`);
      else if (cases.length === 0) gaps.push(`"${name}" did not run (suite ${suite.status ?? "unknown"})`);
      else {
        const notPassed = cases.filter((c) => c.status !== "passed");
        if (notPassed.length > 0) gaps.push(`"${name}" ${[...new Set(notPassed.map((c) => c.status))].join("/")} in the jest results`);
        testPassed = notPassed.length === 0;
      }
    }
    return { requirement, status: gaps.length > 0 ? "gap" : "evidence", gaps, testPassed };
  });
}

export interface MatrixSummary {
  total: number;
  evidence: number;
  planned: number;
  gaps: number;
}

export function summarise(rows: readonly MatrixRow[]): MatrixSummary {
  return {
    total: rows.length,
    evidence: rows.filter((r) => r.status === "evidence").length,
    planned: rows.filter((r) => r.status === "planned").length,
    gaps: rows.filter((r) => r.status === "gap").length,
  };
}

export const MATRIX_REPORT = "reports/compliance-matrix.md";

/** A link from reports/ to a project file, shown as code. */
function link(ref: string, label?: string): string {
  return `[${label ?? `\`${ref.split("#")[0]}\``}](../${ref})`;
}

function evidenceCell(row: MatrixRow): string {
  const e = row.requirement.evidence;
  if (!e) return "";
  const parts = [`test: ${link(e.test.file)} › ${codeSpan(e.test.name)}`];
  if (e.notebook) parts.push(`notebook: ${link(e.notebook, refLabel(e.notebook))}`);
  if (e.report) parts.push(`report: ${link(e.report, refLabel(e.report))}`);
  return parts.join("<br>");
}

/** A code span that survives backticks inside (a test named after a `variable`) and keeps `<id>` literal. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

function refLabel(ref: string): string {
  const [path, anchor] = ref.split("#", 2);
  const base = path.split("/").pop()!.replace(/\.(md|ipynb)$/, "");
  return anchor ? `${base} #${anchor}` : base;
}

function statusCell(row: MatrixRow): string {
  if (row.status === "planned") return `planned: ${issueLabel(row.requirement.planned!)}`;
  if (row.status === "gap") return `**GAP**: ${row.gaps.join("; ")}`;
  return "evidence";
}

const GROUP_TITLES: Record<RequirementGroup, string> = {
  brief: "The brief",
  project: "Beyond the brief: the project's own requirements",
  gdpr: "GDPR articles applied",
  confidentiality: "Statistical confidentiality and trade secrets",
};

/** The matrix as markdown (reports/compliance-matrix.md). */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  const s = summarise(rows);
  const out: string[] = [
    "# Compliance matrix",
    "",
    "One row per requirement: the control that meets it and the evidence a reviewer can check, a",
    "jest test by file and exact name, and a notebook or report section. Generated by",
    "[`lib/compliance/matrix.ts`](../lib/compliance/matrix.ts) from the requirements written as data in",
    "[`lib/compliance/requirements.ts`](../lib/compliance/requirements.ts); every piece of evidence is checked",
    "(the test exists under that name, the file and heading exist, and, given jest's results, the test passed).",
    "Do not edit by hand: `npx tsx lib/compliance/cli.ts` regenerates it, `--strict` fails on a gap.",
    "The regulatory reasoning behind each row is in [the regulatory monitoring](regulatory-monitoring.md).",
    "",
    `**${s.total} requirements: ${s.evidence} with evidence, ${s.planned} planned, ${s.gaps} gaps.**`,
    "",
  ];
  for (const group of Object.keys(GROUP_TITLES) as RequirementGroup[]) {
    const inGroup = rows.filter((r) => r.requirement.group === group);
    if (inGroup.length === 0) continue;
    out.push(`## ${GROUP_TITLES[group]}`, "");
    out.push(
      markdownTable(
        ["id", "requirement", "source", "control", "evidence", "status"],
        inGroup.map((r) => [r.requirement.id, r.requirement.requirement, r.requirement.source, r.requirement.control, evidenceCell(r), statusCell(r)]),
      ),
    );
  }
  const planned = rows.filter((r) => r.status === "planned");
  if (planned.length > 0) {
    out.push("## Planned", "");
    const byIssue = new Map<string, string[]>();
    for (const r of planned) {
      const label = issueLabel(r.requirement.planned!);
      byIssue.set(label, [...(byIssue.get(label) ?? []), r.requirement.id]);
    }
    for (const [label, ids] of byIssue) out.push(`- ${label}: ${ids.join(", ")}`);
    out.push("");
  }
  return out.join("\n");
}
