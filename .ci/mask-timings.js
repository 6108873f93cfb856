#!/usr/bin/env node
/**
 * Reads a notebook (stdin) and writes it (stdout) with its measured timings blanked, so that CI
 * compares everything else of it byte for byte (.ci/masked.txt lists the notebooks it applies
 * to). What is a timing, and nothing else:
 * - in an HTML or Markdown table, the cells of a column whose header holds "(ms)", "speed-up"
 *   or "verdict" (the verdict is read off the same measurements);
 * - "built in <n> ms" (an index's build time), "(<n> ms here)" (a sort's time), "<n> KiB of
 *   storage" (the blocks DuckDB allocated for an index in this run), and how many optimisations
 *   "pay off on this run" (read off the same timings as the verdicts);
 * - a chart (SVG) whose axis is "(ms)": its bars and ticks are the measurements.
 * Usage: node .ci/mask-timings.js < notebooks/05_optimization.ipynb
 */
const fs = require("node:fs");

const MEASURED_HEADER = /\(ms\)|speed-up|verdict/i;
const MASK = "#";

function maskHtmlTables(html) {
  return html.replace(/<table>[\s\S]*?<\/table>/g, (table) => {
    const headers = [...table.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => m[1]);
    const measured = new Set(headers.map((h, i) => (MEASURED_HEADER.test(h) ? i : -1)).filter((i) => i >= 0));
    return table.replace(/<tr>([\s\S]*?)<\/tr>/g, (row, inner) => {
      let i = -1;
      return `<tr>${inner.replace(/(<td[^>]*>)([\s\S]*?)(<\/td>)/g, (cell, open, text, close) => (measured.has(++i) ? `${open}${MASK}${close}` : cell))}</tr>`;
    });
  });
}

function maskMarkdownTables(text) {
  const lines = text.split("\n");
  let measured = null;
  return lines
    .map((line) => {
      if (!/^\|.*\|$/.test(line.trim())) {
        measured = null;
        return line;
      }
      const cells = line.trim().slice(1, -1).split("|");
      if (measured === null) {
        measured = new Set(cells.map((c, i) => (MEASURED_HEADER.test(c) ? i : -1)).filter((i) => i >= 0));
        return line;
      }
      if (cells.every((c) => /^\s*:?-+:?\s*$/.test(c))) return line;
      return `|${cells.map((c, i) => (measured.has(i) ? ` ${MASK} ` : c)).join("|")}|`;
    })
    .join("\n");
}

function maskText(text) {
  return maskMarkdownTables(maskHtmlTables(text))
    .replace(/built in \d+(\.\d+)? ms/g, `built in ${MASK} ms`)
    .replace(/\(\d+(\.\d+)? ms here\)/g, `(${MASK} ms here)`)
    // An index's storage is what DuckDB allocated for it in this run (whole blocks, which vary).
    .replace(/\d+ KiB of storage/g, `${MASK} KiB of storage`)
    // How many optimisations pay off on this run is read off the same timings as the verdicts.
    .replace(/Verdict of the library: \*\*\d+ of (\d+)\*\* pay off on this run( \([^)]*\))?\./g, `Verdict of the library: **${MASK} of $1** pay off on this run.`);
}

function joinLines(value) {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "";
}

const nb = JSON.parse(fs.readFileSync(0, "utf8"));
for (const cell of nb.cells ?? []) {
  for (const output of cell.outputs ?? []) {
    if (output.text) output.text = maskText(joinLines(output.text));
    for (const mime of Object.keys(output.data ?? {})) {
      const text = joinLines(output.data[mime]);
      if (mime === "image/svg+xml") output.data[mime] = /\(ms\)</.test(text) ? "(a chart of measured timings)" : text;
      else if (typeof text === "string" && text) output.data[mime] = maskText(text);
    }
  }
}
process.stdout.write(JSON.stringify(nb, null, 1) + "\n");
