import { Cleaned, invalid, ok } from "./cleaned";

/**
 * Parses the mixed date formats of an export with the strptime formats of its source profile
 * (tried in order; the first that matches a real calendar date wins), and returns ISO 8601
 * `YYYY-MM-DD`. The time of day, when present, is dropped: every fact here has a day grain.
 */
export function makeDateParser(formats: string[], range: { min: string; max: string } = { min: "1900-01-01", max: "2100-12-31" }): (raw: string) => Cleaned {
  const compiled = formats.map(compileFormat);
  return (raw: string) => {
    const text = raw.trim();
    for (const format of compiled) {
      const iso = isoDateOf(format, text);
      if (iso === null) continue;
      if (iso < range.min || iso > range.max) return invalid("IMPLAUSIBLE_DATE");
      return ok(iso);
    }
    return invalid("INVALID_DATE");
  };
}

/** The ISO date `text` writes in one compiled format, or null when it does not match or names no calendar day. */
export function isoDateOf({ regex, fields }: ReturnType<typeof compileFormat>, text: string): string | null {
  const m = regex.exec(text);
  if (!m) return null;
  const part = (f: string) => {
    const i = fields.indexOf(f);
    return i === -1 ? undefined : Number(m[i + 1]);
  };
  let year = part("Y") ?? part("y");
  if (fields.includes("y")) year = 2000 + (year as number);
  const month = part("m");
  const day = part("d");
  if (year === undefined || month === undefined || day === undefined || !isCalendarDate(year, month, day)) return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DIRECTIVES: Record<string, string> = {
  Y: "(\\d{4})",
  y: "(\\d{2})",
  m: "(\\d{1,2})",
  d: "(\\d{1,2})",
  H: "\\d{1,2}",
  M: "\\d{2}",
  S: "\\d{2}(?:\\.\\d+)?",
  z: "(?:Z|[+-]\\d{2}:?\\d{2})",
};

export function compileFormat(format: string): { regex: RegExp; fields: string[] } {
  const fields: string[] = [];
  let pattern = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === "%" && i + 1 < format.length) {
      const d = format[++i];
      const re = DIRECTIVES[d];
      if (!re) throw new Error(`date format ${format}: unsupported directive %${d}`);
      if (re.startsWith("(") && !re.startsWith("(?:")) fields.push(d);
      pattern += re;
    } else {
      pattern += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  // Compact formats such as %Y%m%d need fixed widths to be unambiguous.
  if (/%Y%m%d/.test(format)) pattern = pattern.replace("(\\d{4})(\\d{1,2})(\\d{1,2})", "(\\d{4})(\\d{2})(\\d{2})");
  // An optional trailing time or zone keeps `2023-04-05T10:00:00Z` parseable by `%Y-%m-%dT%H:%M:%S`.
  return { regex: new RegExp(`^${pattern}(?:Z|[+-]\\d{2}:?\\d{2})?$`), fields };
}
