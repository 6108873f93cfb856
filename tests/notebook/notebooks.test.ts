import { chmodSync, mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  KERNEL_NAME,
  errorExcerpt,
  findProjectRoot,
  kernelSpec,
  listNotebooks,
  normaliseNotebook,
  runNotebooks,
  serialiseNotebook,
  writeKernelSpec,
  type Notebook,
} from "../../lib/cli/notebooks";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "notebooks-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kernel spec", () => {
  test("starts tslab from the resolved project root, connection file as $1", () => {
    const root = join(dir, "project");
    const file = writeKernelSpec(root);
    expect(file).toBe(join(root, ".jupyter", "kernels", KERNEL_NAME, "kernel.json"));
    const spec = JSON.parse(readFileSync(file, "utf8"));
    expect(spec.argv).toEqual([
      "/bin/sh",
      "-c",
      `cd ${resolve(root)} && exec node_modules/.bin/tslab kernel --config-path "$1"`,
      "tslab",
      "{connection_file}",
    ]);
    expect(spec).toMatchObject({ display_name: "TypeScript (tslab)", language: "typescript", env: { TZ: "UTC" } });
  });

  test("resolves a relative root and shell-quotes a root with spaces or quotes", () => {
    expect(kernelSpec(".").argv[2]).toBe(`cd ${process.cwd()} && exec node_modules/.bin/tslab kernel --config-path "$1"`);
    expect(kernelSpec("/srv/my work/it's").argv[2]).toBe(
      `cd '/srv/my work/it'\\''s' && exec node_modules/.bin/tslab kernel --config-path "$1"`,
    );
  });

  test("the project root is the directory of package.json", () => {
    expect(findProjectRoot(__dirname)).toBe(resolve(__dirname, "..", ".."));
  });
});

function executedNotebook(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# Title\nWhat this step proves." },
      {
        cell_type: "code",
        metadata: { execution: { "iopub.execute_input": "2025-01-01T10:00:00.000Z" }, tags: ["keep"] },
        execution_count: null,
        source: ["showTable(rows);\n", "rows.length"],
        outputs: [
          { output_type: "stream", name: "stdout", text: ["first "] },
          { output_type: "stream", name: "stdout", text: "chunk\nsecond line\n" },
          { output_type: "stream", name: "stderr", text: "warn\n" },
          {
            output_type: "display_data",
            metadata: {},
            data: { "text/html": "<table>\n<tr></tr>\n</table>\n", "image/png": "iVBORw0KGgo=" },
            transient: { display_id: "5f1d9a" },
          },
        ],
      },
    ],
  };
}

describe("normaliseNotebook", () => {
  test("drops timestamps and display ids, keeps outputs and tags, names the project kernel", () => {
    const nb = normaliseNotebook(executedNotebook());
    const code = nb.cells[1];
    expect(code.metadata).toEqual({ tags: ["keep"] });
    expect(nb.metadata.kernelspec).toEqual({ display_name: "TypeScript (tslab)", language: "typescript", name: KERNEL_NAME });
    expect(code.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: ["first chunk\n", "second line\n"] },
      { output_type: "stream", name: "stderr", text: ["warn\n"] },
      { output_type: "display_data", metadata: {}, data: { "text/html": ["<table>\n", "<tr></tr>\n", "</table>\n"], "image/png": "iVBORw0KGgo=" } },
    ]);
    expect(serialiseNotebook(nb)).not.toMatch(/2025-01-01|5f1d9a/);
  });

  test("gives every cell an id derived from its position and source, not a random one", () => {
    const first = normaliseNotebook(executedNotebook());
    const second = normaliseNotebook(executedNotebook());
    expect(first.nbformat_minor).toBe(5);
    expect(first.cells.map((c) => c.id)).toEqual(second.cells.map((c) => c.id));
    expect(new Set(first.cells.map((c) => c.id)).size).toBe(2);
  });

  test("is idempotent and serialises with sorted keys, 1-space indent and a final newline", () => {
    const once = serialiseNotebook(normaliseNotebook(executedNotebook()));
    const twice = serialiseNotebook(normaliseNotebook(JSON.parse(once)));
    expect(twice).toBe(once);
    expect(once.endsWith("}\n")).toBe(true);
    expect(once.startsWith('{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": ')).toBe(true);
  });
});

test("errorExcerpt shows the failing cell (1-based) and its error output", () => {
  const report = { cell: 3, source: 'const n: number = "x";', output: "1:7 - Type 'string' is not assignable to type 'number'.\n" };
  const stderr = `[NbConvertApp] Converting notebook x.ipynb\n@@notebook-cell-error@@ ${JSON.stringify(report)}\nTraceback...\n`;
  expect(errorExcerpt(stderr)).toBe(
    ["cell 4:", '    const n: number = "x";', "error:", "    1:7 - Type 'string' is not assignable to type 'number'."].join("\n"),
  );
  const timeout = [
    "[NbConvertApp] Converting notebook x.ipynb",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3/dist-packages/nbclient/client.py", line 852, in _async_handle_timeout',
    "nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed, after 3 seconds.",
    "Here is a preview of the cell contents:",
  ].join("\n");
  expect(errorExcerpt(timeout)).toBe(
    "    nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed, after 3 seconds.\n    Here is a preview of the cell contents:",
  );
});

test("listNotebooks runs all notebooks in name order, or the named ones", () => {
  const root = join(dir, "listing");
  mkdirSync(join(root, "notebooks"), { recursive: true });
  for (const name of ["10_b.ipynb", "01_a.ipynb", "notes.md"]) writeFileSync(join(root, "notebooks", name), "{}");
  expect(listNotebooks(root)).toEqual([join(root, "notebooks", "01_a.ipynb"), join(root, "notebooks", "10_b.ipynb")]);
  expect(listNotebooks(root, ["10_b", "notebooks/01_a.ipynb"])).toEqual([
    join(root, "notebooks", "10_b.ipynb"),
    join(root, "notebooks", "01_a.ipynb"),
  ]);
  expect(() => listNotebooks(root, ["99_missing"])).toThrow("No notebook 99_missing.ipynb");
});

describe("runNotebooks, with a stand-in for jupyter nbconvert", () => {
  // A fake `jupyter` on PATH "executes" the working copy (its last argument) by giving its first
  // cell an output; the real kernel is exercised by `npm run notebooks` in CI.
  let root: string;
  let original: string;
  const env = { ...process.env };
  beforeAll(() => {
    root = join(dir, "running");
    const bin = join(root, "bin");
    mkdirSync(join(root, "notebooks"), { recursive: true });
    mkdirSync(join(root, "node_modules", ".bin"), { recursive: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(root, "package.json"), "{}");
    writeFileSync(join(root, "node_modules", ".bin", "tslab"), "");
    const fake = `#!/usr/bin/env node
const fs = require("fs");
const file = process.argv[process.argv.length - 1];
const nb = JSON.parse(fs.readFileSync(file, "utf8"));
nb.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: ["ran\\n"] }];
fs.writeFileSync(file, JSON.stringify(nb));
`;
    for (const name of ["jupyter", "jupyter-nbconvert"]) {
      writeFileSync(join(bin, name), fake);
      chmodSync(join(bin, name), 0o755);
    }
    const nb: Notebook = {
      cells: [{ cell_type: "code", source: ["1 + 1"], metadata: {}, outputs: [], execution_count: null }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    } as unknown as Notebook;
    original = serialiseNotebook(normaliseNotebook(nb));
    writeFileSync(join(root, "notebooks", "01_a.ipynb"), original);
    process.env.PATH = `${bin}:${process.env.PATH}`;
  });
  afterAll(() => {
    process.env.PATH = env.PATH;
  });

  test("write: false executes and times the notebooks but leaves notebooks/ as it is (the benchmark)", async () => {
    const lines: string[] = [];
    const runs = await runNotebooks([], { root, write: false, log: (l) => lines.push(l) });
    expect(runs).toEqual([{ notebook: join("notebooks", "01_a.ipynb"), seconds: expect.any(Number), changed: true }]);
    expect(lines[0]).toMatch(/^notebooks\/01_a\.ipynb {2}\d+\.\d s {2}\(differs, not written\)$/);
    expect(readFileSync(join(root, "notebooks", "01_a.ipynb"), "utf8")).toBe(original);
  });

  test("by default the executed notebook replaces the committed one", async () => {
    const lines: string[] = [];
    await runNotebooks([], { root, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/\(updated\)$/);
    expect(readFileSync(join(root, "notebooks", "01_a.ipynb"), "utf8")).toContain("ran");
  });
});
