import { resolve } from "node:path";
import { evaluateMatrix, renderMatrix, summarise, type JestResults } from "../../lib/compliance/matrix";
import type { Requirement } from "../../lib/compliance/requirements";
import { testTitles, titlePattern } from "../../lib/compliance/testTitles";

const root = resolve(__dirname, "..", "..");

const existing: Requirement = {
  id: "T01",
  group: "brief",
  requirement: "Splitter",
  source: "test",
  control: "split",
  evidence: {
    test: { file: "tests/split/split.test.ts", name: "never stages the payment card number" },
    notebook: "notebooks/02_cleansing.ipynb#the-policy-as-data",
  },
};

describe("the compliance matrix", () => {
  test("shows a GAP when the cited test name does not exist", () => {
    const renamed: Requirement = { ...existing, id: "T02", evidence: { test: { file: "tests/split/split.test.ts", name: "never stages the card number" } } };
    const rows = evaluateMatrix({ root, requirements: [existing, renamed] });
    expect(rows.map((r) => r.status)).toEqual(["evidence", "gap"]);
    expect(rows[1].gaps).toEqual(['no test named "never stages the card number" in tests/split/split.test.ts']);
    const markdown = renderMatrix(rows);
    expect(markdown).toContain("**2 requirements: 1 with evidence, 0 planned, 1 gaps.**");
    expect(markdown).toMatch(/\| T02 \|.*\*\*GAP\*\*: no test named "never stages the card number"/);
  });

  test("a missing test file, notebook or heading is a GAP naming it", () => {
    const rows = evaluateMatrix({
      root,
      requirements: [
        { ...existing, id: "T03", evidence: { test: { file: "tests/nowhere.test.ts", name: "x" } } },
        { ...existing, id: "T04", evidence: { ...existing.evidence!, notebook: "notebooks/02_cleansing.ipynb#no-such-heading" } },
        { ...existing, id: "T05", evidence: { ...existing.evidence!, report: "reports/no-such-report.md" } },
      ],
    });
    expect(rows.map((r) => r.gaps)).toEqual([
      ["tests/nowhere.test.ts does not exist"],
      ["notebooks/02_cleansing.ipynb has no heading #no-such-heading"],
      ["reports/no-such-report.md does not exist"],
    ]);
  });

  test("a planned requirement names its issue and cites no evidence", () => {
    const rows = evaluateMatrix({ root, requirements: [{ id: "T06", group: "brief", requirement: "Portal", source: "brief", control: "site", planned: "portal" }] });
    expect(rows[0].status).toBe("planned");
    expect(renderMatrix(rows)).toContain("planned: issue #7 (Static Open Data portal)");
  });

  test("with jest results, a failing or absent test is a GAP and a passing one reads as without results", () => {
    const suite = (title: string, status: string): JestResults["testResults"][number] => ({
      name: `${root}/tests/split/split.test.ts`,
      assertionResults: [{ ancestorTitles: ["the data splitter"], title, status }],
    });
    const passing: JestResults = { testResults: [suite("never stages the payment card number", "passed")] };
    const failing: JestResults = { testResults: [suite("never stages the payment card number", "failed")] };
    const without = evaluateMatrix({ root, requirements: [existing] });
    const passed = evaluateMatrix({ root, requirements: [existing], results: passing });
    expect(passed[0]).toMatchObject({ status: "evidence", testPassed: true });
    expect(renderMatrix(passed)).toBe(renderMatrix(without));
    expect(evaluateMatrix({ root, requirements: [existing], results: failing })[0].gaps).toEqual(['"never stages the payment card number" failed in the jest results']);
    expect(evaluateMatrix({ root, requirements: [existing], results: { testResults: [] } })[0].gaps).toEqual(["tests/split/split.test.ts is not in the jest results"]);
  });

  test("an .each title matches every case jest ran, and all must pass", () => {
    const atomic: Requirement = { ...existing, evidence: { test: { file: "tests/warehouse/atomic.test.ts", name: "a failure injected after %s leaves the previous warehouse usable" } } };
    const results = (second: string): JestResults => ({
      testResults: [
        {
          name: `${root}/tests/warehouse/atomic.test.ts`,
          assertionResults: [
            { ancestorTitles: ["atomic build"], title: "a failure injected after protect leaves the previous warehouse usable", status: "passed" },
            { ancestorTitles: ["atomic build"], title: "a failure injected after gates leaves the previous warehouse usable", status: second },
          ],
        },
      ],
    });
    expect(evaluateMatrix({ root, requirements: [atomic], results: results("passed") })[0].status).toBe("evidence");
    expect(evaluateMatrix({ root, requirements: [atomic], results: results("failed") })[0].status).toBe("gap");
  });

  test("the project's requirements all have evidence or a planned issue: no gap", () => {
    const rows = evaluateMatrix({ root });
    expect(rows.filter((r) => r.status === "gap").map((r) => `${r.requirement.id}: ${r.gaps.join("; ")}`)).toEqual([]);
    const s = summarise(rows);
    expect(s.evidence).toBeGreaterThan(0);
    expect(s.evidence + s.planned).toBe(s.total);
  });
});

describe("test titles read from source", () => {
  test("nested describes, modifiers, .each titles and escaped quotes", () => {
    const source = [
      "describe('outer', () => {",
      '  // test("commented out", () => {});',
      '  describe("inner {braces}", () => {',
      '    it.skip("says \\"hi\\"", () => { const s = "test(\\"fake\\")"; });',
      "  });",
      "  test.each([[1, 2]])('adds %i and %i', (a, b) => {});",
      "});",
      "test(`top level`, () => {});",
      "test(name, () => {});",
    ].join("\n");
    expect(testTitles(source).map((t) => [t.kind, t.title, t.ancestors.join(" > "), t.each])).toEqual([
      ["describe", "outer", "", false],
      ["describe", "inner {braces}", "outer", false],
      ["test", 'says "hi"', "outer > inner {braces}", false],
      ["test", "adds %i and %i", "outer", true],
      ["test", "top level", "", false],
    ]);
    expect(titlePattern("adds %i and %i", true).test("adds 1 and 2")).toBe(true);
    expect(titlePattern("holds 86 % of it", false).test("holds 86 % of it")).toBe(true);
  });

  test("a describe under an alias (describe or describe.skip chosen at run time) is still an ancestor", () => {
    const source = [
      "const describeInBrowser = hasChromium ? describe : describe.skip;",
      'describeInBrowser("in the browser", () => {',
      '  test("renders", () => {});',
      '  testWithProfiles("validates", () => {});',
      "});",
    ].join("\n");
    expect(testTitles(source).map((t) => [t.kind, t.title, t.ancestors.join(" > ")])).toEqual([
      ["describe", "in the browser", ""],
      ["test", "renders", "in the browser"],
      ["test", "validates", "in the browser"],
    ]);
  });
});
