/**
 * The page shell shared by every page of the portal, and the small helpers pages are written
 * with. Pages are plain HTML that reads without JavaScript (tables, static SVG charts, download
 * links); scripts only add sorting, filtering, live charts and the SQL console.
 *
 * Accessibility (WCAG 2.1 AA as the target): one <h1> per page, landmarks (header, nav, main,
 * footer), a skip link, `lang`, labels on every control, visible focus, colours of at least
 * 4.5:1 contrast (lib/portal/assets/site.css; checked in the browser tests), a layout that
 * reflows to a phone's width without horizontal scrolling of the page (wide tables scroll
 * inside their own focusable region).
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A template tag that escapes every interpolated string (arrays are joined; `raw()` values pass as they are). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Raw(out);
}

export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (s: string) => new Raw(s);

function render(v: unknown): string {
  if (v instanceof Raw) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  if (v === null || v === undefined || v === false) return "";
  return escapeHtml(String(v));
}

/** JSON inside a <script type="application/json">: `<` escaped so no value can close the element. */
export function jsonScript(id: string, value: unknown): Raw {
  return raw(`<script type="application/json" id="${escapeHtml(id)}">${JSON.stringify(value).replace(/</g, "\\u003c")}</script>`);
}

/** Release text with `code` spans (the README's markdown): escaped, the spans as <code>. */
export function inlineCode(text: string): Raw {
  return raw(escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>"));
}

/** 1234567.5 -> "1,234,567.5", digits as published (no rounding, no locale lookup: same bytes everywhere). */
export function groupDigits(text: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!m) return text;
  return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] ?? "");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export interface PageOptions {
  title: string;
  /** Path from the page to the site root: "" for top-level pages, "../" for datasets/*.html. */
  root: string;
  /** Which top navigation entry is the current page. */
  current: "catalogue" | "console" | "dataset";
  description: string;
  releaseVersion: string;
  body: Raw;
  /** Elements for <head> after the stylesheet (scripts, import map). */
  head?: Raw;
}

export function page(o: PageOptions): string {
  const nav = (href: string, label: string, key: PageOptions["current"]) =>
    html`<li><a href="${o.root}${href}"${o.current === key ? raw(' aria-current="page"') : raw("")}>${label}</a></li>`;
  return `<!doctype html>
${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Retail open data ${o.releaseVersion}</title>
<meta name="description" content="${o.description}">
<link rel="icon" href="${o.root}assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${o.root}assets/site.css">
${o.head ?? raw("")}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<p class="site-name"><a href="${o.root}index.html">Retail open data</a> <span class="version">release ${o.releaseVersion}</span></p>
<nav aria-label="Site">
<ul>
${nav("index.html", "Catalogue", "catalogue")}
${nav("console.html", "SQL console", "console")}
</ul>
</nav>
</header>
<main id="main" tabindex="-1">
${o.body}
</main>
<footer class="site-footer">
<p>Static site generated from release ${o.releaseVersion} by <code>npm run portal</code>. Every figure comes from the published files; confidential cells are flagged <span class="flag">c</span>, never shown as zero.</p>
</footer>
</body>
</html>`}
`;
}
