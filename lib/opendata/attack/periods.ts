/**
 * Period codes as calendar ranges, so that "2024" in one table, "All" of a table covering 2024
 * only and a table without a period dimension over 2024 are recognised as the same period, and
 * twelve months tile their year across tables.
 */
import type { PeriodRange } from "./types";

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The range an ISO period code covers (YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD), or null. */
export function periodRange(code: string): PeriodRange | null {
  let m = /^(\d{4})$/.exec(code);
  if (m) return { start: `${m[1]}-01-01`, end: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/.exec(code);
  if (m) {
    const year = Number(m[1]);
    const q = Number(m[2]);
    const last = q * 3;
    return { start: `${m[1]}-${pad(last - 2)}-01`, end: `${m[1]}-${pad(last)}-${pad(lastDayOfMonth(year, last))}` };
  }
  m = /^(\d{4})-(\d{2})$/.exec(code);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    return { start: `${m[1]}-${m[2]}-01`, end: `${m[1]}-${m[2]}-${pad(lastDayOfMonth(Number(m[1]), month))}` };
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(code);
  if (m) return { start: code, end: code };
  return null;
}

export function rangeKey(range: PeriodRange): string {
  return `${range.start}..${range.end}`;
}

function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

/** The grain of a range, used to find sets of ranges that tile a longer one. */
export function rangeLength(range: PeriodRange): number {
  return dayNumber(range.end) - dayNumber(range.start) + 1;
}

/**
 * Among `candidates` (ranges strictly inside `whole`), the subsets of one grain that cover
 * `whole` exactly, without gap or overlap: each is a sum relation an intruder writes down for
 * an additive measure (twelve months make their year).
 */
export function tilings(whole: PeriodRange, candidates: PeriodRange[]): PeriodRange[][] {
  const start = dayNumber(whole.start);
  const end = dayNumber(whole.end);
  const inside = candidates.filter((r) => dayNumber(r.start) >= start && dayNumber(r.end) <= end && !(r.start === whole.start && r.end === whole.end));
  const byGrain = new Map<string, PeriodRange[]>();
  for (const r of inside) {
    const grain = grainOf(r);
    const list = byGrain.get(grain) ?? [];
    list.push(r);
    byGrain.set(grain, list);
  }
  const result: PeriodRange[][] = [];
  for (const grain of [...byGrain.keys()].sort()) {
    const list = byGrain.get(grain)!.slice().sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let cursor = start;
    let ok = true;
    for (const r of list) {
      if (dayNumber(r.start) !== cursor) {
        ok = false;
        break;
      }
      cursor = dayNumber(r.end) + 1;
    }
    if (ok && cursor === end + 1 && list.length > 1) result.push(list);
  }
  return result;
}

/** Year, quarter, month or day by length; anything else is its own grain. */
function grainOf(range: PeriodRange): string {
  const n = rangeLength(range);
  if (n === 1) return "day";
  if (n >= 28 && n <= 31) return "month";
  if (n >= 90 && n <= 92) return "quarter";
  if (n === 365 || n === 366) return "year";
  return `days-${n}`;
}
