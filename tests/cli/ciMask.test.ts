/**
 * CI compares notebook 05 byte for byte except its measured timings (.ci/mask-timings.js): the
 * mask must hide a different timing, and nothing else, so that any other change still fails CI.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../helpers/runScript";

const MASK = path.join(projectRoot, ".ci", "mask-timings.js");
const masked = (text: string) => spawnSync(process.execPath, [MASK], { input: text, encoding: "utf8" }).stdout;

function notebook(html: string, markdown: string, svg: string): string {
  return JSON.stringify({
    cells: [{ cell_type: "code", source: [], outputs: [{ output_type: "display_data", data: { "text/html": html, "text/markdown": markdown, "image/svg+xml": svg } }] }],
  });
}

const table = (ms: string, verdict: string, build: string, name = "idx_a", storage = "768") =>
  `<table><thead><tr><th>optimisation</th><th>without (ms)</th><th>speed-up</th><th>verdict</th><th>cost</th></tr></thead><tbody><tr><td>${name}</td><td>${ms}</td><td>1.2×</td><td>${verdict}</td><td>built in ${build} ms; ${storage} KiB of storage; a sort of 96,173 rows (${build} ms here)</td></tr></tbody></table>`;
const md = (ms: string) => `| optimisation | with (ms) | cost |\n| --- | ---: | --- |\n| \`idx_a\` | ${ms} | 36 files instead of 1 |`;

test("two runs that differ only in their measurements mask to the same bytes (timings, and the storage DuckDB allocated for an index)", () => {
  const a = notebook(table("1.32", "does not pay off", "27"), md("4.22"), "<svg><text>median (ms)</text><rect width='12'/></svg>");
  const b = notebook(table("9.99", "pays off", "31", "idx_a", "512"), md("2.17"), "<svg><text>median (ms)</text><rect width='99'/></svg>");
  expect(masked(a)).toBe(masked(b));
  expect(masked(a)).toContain("# KiB of storage");
  expect(masked(a)).toContain("(# ms here)");
  expect(masked(a)).toContain("36 files instead of 1");
});

test("any other difference survives the mask: a name, a file count, a chart that is not of timings", () => {
  const base = masked(notebook(table("1.32", "pays off", "27"), md("4.22"), "<svg><text>rows</text></svg>"));
  expect(masked(notebook(table("1.32", "pays off", "27", "idx_b"), md("4.22"), "<svg><text>rows</text></svg>"))).not.toBe(base);
  expect(masked(notebook(table("1.32", "pays off", "27"), md("4.22").replace("36 files", "37 files"), "<svg><text>rows</text></svg>"))).not.toBe(base);
  expect(masked(notebook(table("1.32", "pays off", "27"), md("4.22"), "<svg><text>rowz</text></svg>"))).not.toBe(base);
});

test("CI applies it to notebook 05, which is no longer exempt as a whole", () => {
  const list = (f: string) => fs.readFileSync(path.join(projectRoot, ".ci", f), "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  expect(list("masked.txt")).toContain("notebooks/05_optimization.ipynb");
  expect(list("nondeterministic.txt")).not.toContain("notebooks/05_optimization.ipynb");
  // The committed notebook itself goes through it.
  const committed = fs.readFileSync(path.join(projectRoot, "notebooks", "05_optimization.ipynb"), "utf8");
  expect(JSON.parse(masked(committed)).cells.length).toBe(JSON.parse(committed).cells.length);
});

test("the count of optimisations that pay off on this run is masked with the verdicts it is read from", () => {
  const sentence = (n: number, which: string) => notebook("", `96,173 sales lines; median of 9 runs. Verdict of the library: **${n} of 6** pay off on this run${which}.`, "");
  expect(masked(sentence(0, ""))).toBe(masked(sentence(1, " (idx_dim_customer_pseudonym)")));
  expect(masked(sentence(0, ""))).toContain("**# of 6** pay off on this run.");
  expect(masked(sentence(0, "").replace("96,173", "96,174"))).not.toBe(masked(sentence(0, "")));
});
