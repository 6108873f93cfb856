/**
 * Dates as day numbers and precomputed ISO strings: formatting a Date per row would dominate the
 * cost of a 10 M-row export, slicing a cached string does not.
 */

const DAY_MS = 86_400_000;

export function parseIsoDay(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`calendar: expected a YYYY-MM-DD date, got "${iso}"`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

export function isoOfDay(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** A run of consecutive days from `firstIso`, each with its ISO string, month and weekday. */
export class DayTable {
  readonly iso: string[];
  /** 0 = January. */
  readonly monthOfYear: Uint8Array;
  /** 0 = Sunday. */
  readonly weekday: Uint8Array;
  readonly year: Uint16Array;
  readonly firstEpochDay: number;

  constructor(firstIso: string, length: number) {
    this.firstEpochDay = parseIsoDay(firstIso);
    this.iso = new Array(length);
    this.monthOfYear = new Uint8Array(length);
    this.weekday = new Uint8Array(length);
    this.year = new Uint16Array(length);
    for (let i = 0; i < length; i++) {
      const date = new Date((this.firstEpochDay + i) * DAY_MS);
      this.iso[i] = date.toISOString().slice(0, 10);
      this.monthOfYear[i] = date.getUTCMonth();
      this.weekday[i] = date.getUTCDay();
      this.year[i] = date.getUTCFullYear();
    }
  }

  get length(): number {
    return this.iso.length;
  }

  /** True when day `i` is the last day of its month (the stock snapshot day). */
  isMonthEnd(i: number): boolean {
    const next = new Date((this.firstEpochDay + i + 1) * DAY_MS);
    return next.getUTCDate() === 1;
  }
}

export function daysBetween(fromIso: string, toIsoExclusive: string): number {
  return parseIsoDay(toIsoExclusive) - parseIsoDay(fromIso);
}

/** The ISO date `years` calendar years after `iso` (2022-01-01 + 3 -> 2025-01-01). */
export function addYears(iso: string, years: number): string {
  return `${String(Number(iso.slice(0, 4)) + years).padStart(4, "0")}${iso.slice(4)}`;
}
