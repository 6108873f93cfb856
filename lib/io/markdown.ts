/**
 * The few markdown facts the generated reports need, shared by the compliance generators, the
 * HTML renderer, the link check and the glossary (lib/notebook/glossary.ts): GitHub's heading
 * anchors, the relative links of a document, and a table builder. One definition of each, so
 * that a link a generator writes is checked by exactly the rules that will resolve it on the
 * code host. It sits on the lowest floor because every floor above may write a report.
 */

/**
 * A heading's text as GitHub renders it before slugging: inline code loses its backticks, a
 * link keeps its text, emphasis markers go.
 */
export function headingText(markdownHeading: string): string {
  return markdownHeading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/\*(.+?)\*/g, "$1")
    .trim();
}

/**
 * GitHub's anchor for a heading (the github-slugger rules): lower case, every character that is
 * not a letter, mark, digit, connector (`_`), space or hyphen removed, spaces to hyphens.
 * Duplicates are numbered by `slugger()`.
 */
export function githubSlug(text: string): string {
  return headingText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** A slugger that numbers repeated anchors as GitHub does (`a`, `a-1`, `a-2`). */
export function slugger(): (text: string) => string {
  const seen = new Map<string, number>();
  return (text) => {
    const base = githubSlug(text);
    let slug = base;
    let n = seen.get(base) ?? 0;
    while (seen.has(slug)) slug = `${base}-${++n}`;
    seen.set(base, n);
    seen.set(slug, 0);
    return slug;
  };
}

/** Lines of `markdown` outside fenced code blocks, with their 1-based line numbers. */
export function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  markdown.split("\n").forEach((text, i) => {
    const opening = /^\s*(```+|~~~+)/.exec(text);
    if (fence !== null) {
      if (opening && opening[1].startsWith(fence)) fence = null;
      return;
    }
    if (opening) {
      fence = opening[1];
      return;
    }
    out.push({ line: i + 1, text });
  });
  return out;
}

/** The ATX headings of a markdown document, in order. */
export function headings(markdown: string): { level: number; text: string; line: number }[] {
  const out: { level: number; text: string; line: number }[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(text);
    if (m) out.push({ level: m[1].length, text: m[2], line });
  }
  return out;
}

/** The anchors a markdown document defines (GitHub rules, duplicates numbered). */
export function anchors(markdown: string): Set<string> {
  const slug = slugger();
  return new Set(headings(markdown).map((h) => slug(h.text)));
}

export interface MarkdownLink {
  line: number;
  text: string;
  target: string;
}

/** Inline links and images `[text](target)` outside code blocks and code spans. */
export function links(markdown: string): MarkdownLink[] {
  const out: MarkdownLink[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const withoutCode = text.replace(/`+[^`]*`+/g, (span) => " ".repeat(span.length));
    for (const m of withoutCode.matchAll(/!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ line, text: m[1], target: m[2] });
    }
  }
  return out;
}

/** True for a link that leaves the repository (a scheme such as https: or mailto:). */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

/** Escapes a table cell: a pipe would end the cell, a newline the row. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A GitHub markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(tableCell).join(" | ")} |`;
  return [line(header), `| ${header.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n") + "\n";
}

/** Parses the first markdown table found after the heading `headingTextWanted` (for tests and checks). */
export function tableAfterHeading(markdown: string, headingTextWanted: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^#{1,6}\s/.test(l) && headingText(l.replace(/^#+\s*/, "")) === headingTextWanted);
  if (start < 0) throw new Error(`no heading "${headingTextWanted}"`);
  let i = start + 1;
  while (i < lines.length && !lines[i].startsWith("|")) {
    if (/^#{1,6}\s/.test(lines[i])) throw new Error(`no table under "${headingTextWanted}"`);
    i++;
  }
  const rows: string[][] = [];
  for (; i < lines.length && lines[i].startsWith("|"); i++) {
    const cells = splitRow(lines[i]);
    if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue;
    rows.push(cells);
  }
  return rows;
}

/** Splits `| a | b \| c |` into cells, honouring escaped pipes. */
export function splitRow(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\" && inner[i + 1] === "|") {
      current += "|";
      i++;
    } else if (inner[i] === "|") {
      cells.push(current.trim());
      current = "";
    } else current += inner[i];
  }
  cells.push(current.trim());
  return cells;
}
