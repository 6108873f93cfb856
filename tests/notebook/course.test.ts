import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brokenGlossaryLinks, unlinkedFirstUses } from "../../lib/notebook/glossary";

// The workbook as a course (STYLE.md §3, issue 25): each notebook opens with what it teaches and
// proves, shows the code it runs read from its file, ends with exercises whose solutions are
// executed notebooks of their own, closes with what it wrote, links the glossary at the first
// use of each term, and states no figure in prose (figures are computed by code cells).

const root = resolve(__dirname, "..", "..");
const dir = join(root, "notebooks");

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: { output_type: string; data?: Record<string, string[] | string>; text?: string[] | string }[];
}
const text = (v: string[] | string | undefined) => (Array.isArray(v) ? v.join("") : (v ?? ""));
const read = (file: string): Cell[] => JSON.parse(readFileSync(file, "utf8")).cells;
const markdownOf = (cells: Cell[]) => cells.filter((c) => c.cell_type === "markdown").map((c) => text(c.source)).join("\n\n");
const codeOf = (cells: Cell[]) => cells.filter((c) => c.cell_type === "code").map((c) => text(c.source)).join("\n");
const outputsOf = (cells: Cell[]) =>
  cells.flatMap((c) => c.outputs ?? []).map((o) => [text(o.text), ...Object.values(o.data ?? {}).map(text)].join("\n")).join("\n");

const notebooks = readdirSync(dir).filter((f) => /^\d\d_.*\.ipynb$/.test(f)).sort();

test("there are the nine notebooks of the course, 00 to 08", () => {
  expect(notebooks.map((f) => f.slice(0, 2))).toEqual(["00", "01", "02", "03", "04", "05", "06", "07", "08"]);
});

describe.each(notebooks)("%s", (name) => {
  const cells = read(join(dir, name));
  const markdown = markdownOf(cells);
  const solutions = join(dir, "solutions", name.replace(/\.ipynb$/, "_solutions.ipynb"));

  test("opens with what it teaches and what it proves, and closes with what it wrote", () => {
    const first = text(cells[0].source);
    expect(first).toMatch(/^# \d\d · /);
    expect(first).toContain("**What you will learn.**");
    expect(first).toContain("**What this notebook proves.**");
    const headings = markdown.split("\n").filter((l) => l.startsWith("## "));
    expect(headings[headings.length - 1]).toBe("## What this notebook wrote");
  });

  test("shows the code it runs, read from its file", () => {
    expect(codeOf(cells)).toMatch(/\bshow(Sql|Source|AndRunSql)\(/);
    const shown = outputsOf(cells);
    expect(shown).toMatch(/\[`(lib|notebooks)\/[^`]+\.(sql|ts)`\]\(\.\.\/(lib|notebooks)\//);
    // 00 runs no query, and cleansing (02) is TypeScript rules whose results DuckDB joins back:
    // they show their policy and rules. Every other notebook runs SQL and shows it.
    if (!["00_regulatory_monitoring.ipynb", "02_cleansing.ipynb"].includes(name)) expect(shown).toMatch(/```sql\n/);
  });

  test("ends with two or three exercises, each solved in an executed solutions notebook", () => {
    const tryIt = markdown.slice(markdown.indexOf("## Try it"));
    expect(markdown).toContain("## Try it");
    const exercises = tryIt.slice(0, tryIt.indexOf("\n## ", 3) < 0 ? undefined : tryIt.indexOf("\n## ", 3)).split("\n").filter((l) => /^\d\. /.test(l));
    expect(exercises.length).toBeGreaterThanOrEqual(2);
    expect(exercises.length).toBeLessThanOrEqual(3);
    expect(tryIt).toContain(`(solutions/${name.replace(/\.ipynb$/, "_solutions.ipynb")})`);
    expect(existsSync(solutions)).toBe(true);
    const solved = read(solutions);
    const solvedHeadings = markdownOf(solved).split("\n").filter((l) => /^## Exercise \d/.test(l));
    expect(solvedHeadings).toHaveLength(exercises.length);
    // Executed: the code of every exercise has run and shown its answer, and nothing failed.
    const sections: Cell[][] = [];
    for (const c of solved) {
      if (c.cell_type === "markdown" && /^## Exercise \d/m.test(text(c.source))) sections.push([]);
      else if (sections.length > 0 && c.cell_type === "code") sections[sections.length - 1].push(c);
    }
    expect(sections).toHaveLength(exercises.length);
    for (const cells of sections) expect(cells.flatMap((c) => c.outputs ?? []).length).toBeGreaterThan(0);
    expect(solved.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error")).toEqual([]);
  });

  test("links the glossary at the first use of every term, and only to terms it defines", () => {
    expect(markdown).toMatch(/\]\(\.\.\/reports\/glossary\.md#/);
    expect(unlinkedFirstUses(markdown)).toEqual([]);
    expect(brokenGlossaryLinks(markdown)).toEqual([]);
  });

  test("states no figure in prose: counts, amounts and shares come out of code cells", () => {
    const prose = markdown
      .replace(/```[\s\S]*?```/g, "")
      .replace(/`[^`]*`/g, "")
      .replace(/\]\([^)]*\)/g, "]");
    expect(prose.match(/\b\d{1,3}(,\d{3})+\b|\b\d+\.\d+\b|\d\s?%/g) ?? []).toEqual([]);
  });

  test("has no error output", () => {
    expect(cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error")).toEqual([]);
  });
});
