/**
 * The public holidays dim_date marks, for the business's country (its source profile's
 * `country`, carried by the staging manifests), from `date-holidays`: a maintained calendar of
 * some 200 countries and their regions, instead of a hand table that only knew France. Loaded
 * as the TEMP table `ref_holidays(holiday_date, holiday_name)` that dim_date.sql joins; only
 * nationwide public holidays count (not regional days, observances or bank holidays of one region).
 */
import Holidays from "date-holidays";
import type { DuckDBConnection } from "@duckdb/node-api";
import { query, run } from "./db";

/** The years a fact has a date in (dim_date's span), from the staged facts. */
async function factYears(connection: DuckDBConnection): Promise<number[]> {
  const [span] = await query<{ first: number | null; last: number | null }>(
    connection,
    `select cast(min(y) as integer) as first, cast(max(y) as integer) as last from (
       select year(order_date) as y from stg_order_lines union all select year(ship_date) from stg_order_lines
       union all select year(delivery_date) from stg_order_lines union all select year(snapshot_date) from stg_stock_snapshots)`,
  );
  if (span.first === null || span.last === null) return [];
  return Array.from({ length: span.last - span.first + 1 }, (_, i) => span.first! + i);
}

/** The nationwide public holidays of `country` (ISO 3166-1 alpha-2) in `years`: date and name, in the country's language. */
export function publicHolidays(country: string, years: number[]): { date: string; name: string }[] {
  const calendar = new Holidays();
  calendar.init(country);
  if (!calendar.getCountries()[country]) throw new Error(`date-holidays has no calendar for country "${country}" (the source profile's "country")`);
  const out: { date: string; name: string }[] = [];
  for (const year of years) {
    for (const h of calendar.getHolidays(year)) {
      if (h.type === "public") out.push({ date: h.date.slice(0, 10), name: h.name });
    }
  }
  return out;
}

export async function createHolidays(connection: DuckDBConnection, country: string): Promise<number> {
  const holidays = publicHolidays(country, await factYears(connection));
  await run(connection, "create or replace temp table ref_holidays (holiday_date date, holiday_name varchar)");
  if (holidays.length) {
    const values = holidays.map((h) => `(date '${h.date}', '${h.name.replace(/'/g, "''")}')`).join(", ");
    await run(connection, `insert into ref_holidays values ${values}`);
  }
  return holidays.length;
}
