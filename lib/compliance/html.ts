/**
 * A minimal markdown-to-HTML renderer for the subset the generated reports use: ATX headings
 * (with GitHub's anchors as ids, so `#fragment` links work in both copies), paragraphs, flat
 * bullet and numbered lists, GFM tables, fenced code, and inline code spans, links, **strong**
 * and *emphasis*. No markdown library is installed (package-lock.json has none), and the
 * reports only need this much; anything else is rendered as escaped text, never as raw HTML.
 *
 * The output is a pure function of the input: a self-contained page with its style inline, no
 * script, no date, no external resource.
 */
import { escapeHtml } from "../notebook/display";
import { slugger, splitRow } from "./markdown";

/** Inline markdown to HTML: code spans first (their content is literal), then links and emphasis. */
export function renderInline(text: string): string {
  const parts = text.split(/(`+[^`]*?`+)/g);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.replace(/^`+\s?|\s?`+$/g, ""))}</code>`;
      let html = escapeHtml(part);
      html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, href: string) => `<a href="${href}">${label}</a>`);
      html = html.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
      html = html.replace(/(^|[^*\w])\*(?!\s)(.+?)\*(?!\w)/g, "$1<em>$2</em>");
      return html;
    })
    .join("");
}

/** Links inside code spans stay code; a link whose label holds a code span keeps it. */
function renderInlineWithLinkedCode(text: string): string {
  // `[`lib/x.ts`](../lib/x.ts)`: the code span sits inside the link label. Render the label on
  // its own, then wrap it, so the backticks do not split the link in two.
  return text
    .split(/(\[(?:[^\[\]]|\[[^\]]*\])*\]\([^)\s]+\))/g)
    .map((chunk, i) => {
      if (i % 2 === 0) return renderInline(chunk);
      const m = /^\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)$/.exec(chunk)!;
      return `<a href="${escapeHtml(m[2])}">${renderInline(m[1])}</a>`;
    })
    .join("");
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.5;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px;font-size:.88em}pre{background:#f6f8fa;padding:.8rem;overflow:auto}
h1,h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem}a{color:#0969da}`;

/** Renders a markdown document to a self-contained HTML page. */
export function markdownToHtml(markdown: string, title: string): string {
  const lines = markdown.replace(/\r\n/g, "\n").split("\n");
  const slug = slugger();
  const out: string[] = [];
  let i = 0;
  const isBlank = (l: string) => l.trim() === "";
  const isListItem = (l: string) => /^(\s*)([-*]|\d+\.)\s+/.test(l);
  const startsBlock = (l: string) => /^#{1,6}\s/.test(l) || /^```/.test(l) || l.startsWith("|") || isListItem(l);
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level} id="${escapeHtml(slug(heading[2]))}">${renderInlineWithLinkedCode(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^```/.test(line)) {
      const lang = line.replace(/^```/, "").trim();
      const body: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) body.push(lines[i]);
      i++;
      out.push(`<pre><code${lang ? ` class="language-${escapeHtml(lang)}"` : ""}>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    if (line.startsWith("|")) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith("|"); i++) rows.push(splitRow(lines[i]));
      const [head, , ...body] = rows;
      out.push("<table>");
      out.push(`<thead><tr>${head.map((c) => `<th>${renderInlineWithLinkedCode(c)}</th>`).join("")}</tr></thead>`);
      out.push("<tbody>");
      for (const row of body) out.push(`<tr>${row.map((c) => `<td>${renderInlineWithLinkedCode(c)}</td>`).join("")}</tr>`);
      out.push("</tbody>");
      out.push("</table>");
      continue;
    }
    if (isListItem(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items: string[] = [];
      for (; i < lines.length; i++) {
        const l = lines[i];
        if (isListItem(l)) items.push(l.replace(/^\s*([-*]|\d+\.)\s+/, ""));
        else if (!isBlank(l) && /^\s+/.test(l) && items.length > 0) items[items.length - 1] += " " + l.trim();
        else break;
      }
      const tag = ordered ? "ol" : "ul";
      out.push(`<${tag}>`);
      for (const item of items) out.push(`<li>${renderInlineWithLinkedCode(item)}</li>`);
      out.push(`</${tag}>`);
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && !isBlank(lines[i]) && !(paragraph.length > 0 && startsBlock(lines[i])); i++) paragraph.push(lines[i].trim());
    out.push(`<p>${renderInlineWithLinkedCode(paragraph.join(" "))}</p>`);
  }
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...out,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
