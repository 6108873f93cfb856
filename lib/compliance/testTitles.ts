/**
 * The titles a jest test file declares, read from its source without running it: every
 * `describe(...)`, `test(...)` and `it(...)` (with `.only`, `.skip`, `.concurrent` and
 * `.each(...)` forms), with the titles of the describe blocks around each. This is how the
 * compliance matrix proves that the test it cites as evidence exists under that exact name.
 *
 * A scanner, not a parser: it skips strings, template literals and comments while matching
 * braces, which is all that test files written in the usual style need. A title that is not a
 * plain string literal (a variable, a template with `${}`) is not listed, so evidence can never
 * cite it: name the test with a literal.
 */

export interface TestTitle {
  kind: "describe" | "test";
  title: string;
  /** Titles of the enclosing describe blocks, outermost first. */
  ancestors: string[];
  /** A `.each` title: `%s`, `%d`, `$name`... are filled per case by jest. */
  each: boolean;
  line: number;
}

/** Index just past the string or template literal starting at `start` (a quote character). */
function skipString(src: string, start: number): number {
  const quote = src[start];
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") i += 2;
    else if (c === quote) return i + 1;
    else if (quote === "`" && c === "$" && src[i + 1] === "{") i = skipBalanced(src, i + 1, "{", "}");
    else i++;
  }
  return i;
}

/** Index just past a comment starting at `start`, or `start` if none starts there. */
function skipComment(src: string, start: number): number {
  if (src.startsWith("//", start)) {
    const end = src.indexOf("\n", start);
    return end < 0 ? src.length : end + 1;
  }
  if (src.startsWith("/*", start)) {
    const end = src.indexOf("*/", start + 2);
    return end < 0 ? src.length : end + 2;
  }
  return start;
}

/** Index just past the group opened at `start` (`src[start] === open`), skipping strings and comments. */
function skipBalanced(src: string, start: number, open: string, close: string): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const c = src[i];
    const afterComment = skipComment(src, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(src, i);
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return src.length;
}

/** The value of a plain string literal at `start`, or null (a template with substitutions is not plain). */
function readLiteral(src: string, start: number): { value: string; end: number } | null {
  const quote = src[start];
  if (quote !== '"' && quote !== "'" && quote !== "`") return null;
  const end = skipString(src, start);
  const body = src.slice(start + 1, end - 1);
  if (quote === "`" && body.includes("${")) return null;
  let value = "";
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "\\") {
      value += body[i];
      continue;
    }
    const next = body[++i];
    const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };
    if (next === "u" && body[i + 1] === "{") {
      const close = body.indexOf("}", i);
      value += String.fromCodePoint(parseInt(body.slice(i + 2, close), 16));
      i = close;
    } else if (next === "u") {
      value += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (next === "x") {
      value += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else value += escapes[next] ?? next;
  }
  return { value, end };
}

// `describe` also under an alias whose name starts with it (`const describeInBrowser = hasChromium
// ? describe : describe.skip`): jest reports its title among the test's ancestors all the same.
// `test` likewise under an alias `testWith...` (`const testWithProfiles = testIf(...)`, tests/helpers/skip.ts).
const CALL = /\b(describe\w*|test(?:With\w*)?|it)((?:\.(?:only|skip|concurrent|failing))*)(\.each)?\b/y;

/** Every describe/test/it title of a test file's source, in source order. */
export function testTitles(source: string): TestTitle[] {
  const found: (TestTitle & { at: number; bodyEnd: number })[] = [];
  let i = 0;
  const lineAt = (index: number) => source.slice(0, index).split("\n").length;
  while (i < source.length) {
    const c = source[i];
    const afterComment = skipComment(source, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(source, i);
      continue;
    }
    const before = i > 0 ? source[i - 1] : "";
    CALL.lastIndex = i;
    const m = /[\w$.]/.test(before) ? null : CALL.exec(source);
    if (!m) {
      i++;
      continue;
    }
    let j = i + m[0].length;
    const each = m[3] !== undefined;
    if (each) {
      while (/\s/.test(source[j] ?? "")) j++;
      if (source[j] === "(") j = skipBalanced(source, j, "(", ")");
      else if (source[j] === "`") j = skipString(source, j);
    }
    while (/\s/.test(source[j] ?? "")) j++;
    if (source[j] !== "(") {
      i += m[0].length;
      continue;
    }
    const callStart = j;
    j++;
    while (/\s/.test(source[j] ?? "")) j++;
    const literal = readLiteral(source, j);
    if (!literal) {
      i = j;
      continue;
    }
    const callEnd = skipBalanced(source, callStart, "(", ")");
    found.push({
      kind: m[1].startsWith("describe") ? "describe" : "test",
      title: literal.value,
      ancestors: [],
      each,
      line: lineAt(i),
      at: i,
      bodyEnd: callEnd,
    });
    // Continue inside the call: nested describes and tests are found in the same pass.
    i = literal.end;
  }
  // Ancestors: the describes whose call spans the title, outermost first.
  const describes = found.filter((t) => t.kind === "describe");
  for (const t of found) {
    t.ancestors = describes.filter((d) => d !== t && d.at < t.at && d.bodyEnd > t.at).map((d) => d.title);
  }
  return found.map(({ at: _at, bodyEnd: _bodyEnd, ...t }) => t);
}

/**
 * A regular expression matching the titles jest gives the cases of an `.each` title
 * (`%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%p`, `%#` and `$name` placeholders), or the title itself.
 */
export function titlePattern(title: string, each: boolean): RegExp {
  if (!each) return new RegExp(`^${escapeRegExp(title)}$`);
  const parts = title.split(/(%%|%[sdifjop#]|\$[A-Za-z_][\w.]*)/g);
  const body = parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegExp(part);
      return part === "%%" ? "%" : "[\\s\\S]+?";
    })
    .join("");
  return new RegExp(`^${body}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
