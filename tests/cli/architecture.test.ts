/**
 * The library's floors (the map of the style guide, adapted to what the code does): data flows
 * from the raw export down to the release, and a module imports only from its own folder or a
 * floor below its own, never from one above, and never in a circle. Type-only and dynamic
 * imports count: a circle of types is still a circle a reader has to untangle.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { projectRoot } from "../helpers/runScript";

/** Lowest first. A folder (or top-level file) of lib/ that is not listed fails the test: place it. */
const FLOORS: string[][] = [
  ["policy", "io"], // thresholds and rules as data; files, paths, locks, progress bars
  ["engine"], // DuckDB connections and settings
  ["raw"], // the export contract, the generator, source profiles
  ["split"],
  ["cleanse"],
  ["quality"], // profiles and reports of the staged data
  ["privacy"], // keys, pseudonyms, encryption, ledgers, the staging purge: used by every stage below
  ["warehouse"],
  ["marts"],
  ["opendata"],
  ["rights"], // the data subjects' rights and the privacy records: they read the warehouse and marts
  ["charts"],
  ["notebook"],
  ["portal"],
  ["cli"], // the pipeline and the commands
  ["bench"], // the benchmark drives the pipeline's stages
  ["compliance"], // the monitoring document and the matrix read everything's titles
];

const LIB = path.join(projectRoot, "lib");

function folderOf(file: string): string {
  const first = path.relative(LIB, file).split(path.sep)[0];
  return first.replace(/\.ts$/, "");
}

function floorOf(folder: string): number {
  return FLOORS.findIndex((floor) => floor.includes(folder));
}

function libFiles(dir = LIB): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

interface Import {
  from: string;
  to: string;
  line: number;
}

/** Every relative import of every lib file, resolved to a file (static, type-only, dynamic, require). */
function imports(files: string[]): Import[] {
  const out: Import[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const info = ts.preProcessFile(text, true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith(".")) continue;
      const base = path.resolve(path.dirname(file), ref.fileName);
      const target = [`${base}.ts`, path.join(base, "index.ts"), base].find((c) => c.endsWith(".ts") && fs.existsSync(c));
      if (!target) continue; // a .sql or .json file: data, not a module
      out.push({ from: file, to: target, line: ts.getLineAndCharacterOfPosition(ts.createSourceFile(file, text, ts.ScriptTarget.Latest), ref.pos).line + 1 });
    }
  }
  return out;
}

/** Strongly connected components of more than one file (Tarjan), each a circle of imports. */
function cycles(files: string[], edges: Import[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push(component.map((f) => path.relative(projectRoot, f)).sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

describe("the library's architecture (the floors of the style guide's map)", () => {
  const files = libFiles();
  const edges = imports(files);

  test("the checker sees the imports (it found hundreds, type-only and dynamic ones included)", () => {
    expect(edges.length).toBeGreaterThan(300);
    const rel = (e: Import) => `${path.relative(projectRoot, e.from)} -> ${path.relative(projectRoot, e.to)}`;
    // A type-only import and a dynamic import(), both known to exist:
    expect(edges.map(rel)).toContain("lib/cli/opendataStage.ts -> lib/cli/config.ts");
    expect(edges.map(rel)).toContain("lib/cli/main.ts -> lib/raw/generator.ts");
    // And it finds a circle when there is one.
    const a = path.join(LIB, "a.ts");
    const b = path.join(LIB, "b.ts");
    expect(cycles([a, b], [{ from: a, to: b, line: 1 }, { from: b, to: a, line: 1 }])).toEqual([["lib/a.ts", "lib/b.ts"]]);
  });

  test("every folder of lib/ has a floor", () => {
    const unplaced = [...new Set(files.map(folderOf))].filter((f) => floorOf(f) < 0).sort();
    expect(unplaced).toEqual([]);
  });

  test("no module imports from a floor above its own", () => {
    const upward = edges
      .filter((e) => folderOf(e.from) !== folderOf(e.to) && floorOf(folderOf(e.to)) > floorOf(folderOf(e.from)))
      .map((e) => `${path.relative(projectRoot, e.from)}:${e.line} imports ${path.relative(projectRoot, e.to)} (floor "${folderOf(e.to)}" is above "${folderOf(e.from)}")`);
    expect(upward).toEqual([]);
  });

  test("no import cycle", () => {
    expect(cycles(files, edges)).toEqual([]);
  });
});
