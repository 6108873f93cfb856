import * as path from "node:path";
import { MODELS_DIR } from "../../lib/warehouse/build";
import { openDatabase, query, renderSql, run } from "../../lib/warehouse/db";
import { createMacros } from "../../lib/warehouse/staging";
import { createHolidays } from "../../lib/warehouse/holidays";

/** Run dim_date.sql over a minimal staging with facts dated in the given years. */
async function calendarFor(dates: string[], country = "FR") {
  const db = await openDatabase(":memory:");
  try {
    await createMacros(db.connection);
    const values = dates.map((d) => `(date '${d}')`).join(", ");
    await run(db.connection, `create temp view stg_order_lines as select d as order_date, cast(null as date) as ship_date, cast(null as date) as delivery_date from (values ${values}) t(d)`);
    await run(db.connection, "create temp view stg_stock_snapshots as select cast(null as date) as snapshot_date");
    await createHolidays(db.connection, country);
    await run(db.connection, `create temp table dim_date as ${renderSql(path.join(MODELS_DIR, "dim_date.sql"))}`);
    return await query<Record<string, unknown>>(db.connection, "select * from dim_date order by date_key");
  } finally {
    db.close();
  }
}

describe("dim_date", () => {
  test("covers whole years, has the unknown member, ISO attributes", async () => {
    const days = await calendarFor(["2020-06-15", "2021-02-03"]);
    expect(days.length).toBe(366 + 365 + 1);
    expect(days[0]).toMatchObject({ date_key: -1, calendar_date: null });
    const jan1 = days.find((d) => d.date_key === 20210101)!;
    // 1 January 2021 is a Friday in ISO week 53 of 2020
    expect(jan1).toMatchObject({ iso_weekday: 5, iso_week: 53, iso_year: 2020, year: 2021, quarter: 1, is_holiday: true, holiday_name: "Nouvel An", is_working_day: false });
    expect(days.find((d) => d.date_key === 20200229)).toMatchObject({ is_month_end: true, month_name: "February" });
  });

  test("French movable holidays follow Easter (the date-holidays calendar)", async () => {
    const days = await calendarFor(["2019-01-01", "2025-01-01", "2008-01-01"]);
    const holiday = (key: number) => days.find((d) => d.date_key === key)?.holiday_name;
    // Easter 2019: 21 April; 2025: 20 April
    expect(holiday(20190422)).toBe("Lundi de Pâques");
    expect(holiday(20190530)).toBe("Ascension");
    expect(holiday(20190610)).toBe("Lundi de Pentecôte");
    expect(holiday(20250421)).toBe("Lundi de Pâques");
    expect(holiday(20250529)).toBe("Ascension");
    expect(holiday(20250609)).toBe("Lundi de Pentecôte");
    // 2008: Ascension fell on 1 May: one row, both names
    expect(holiday(20080501)).toBe("Ascension / Fête du travail");
    expect(days.filter((d) => d.year === 2025 && d.is_holiday).length).toBe(11);
  });

  test("the holidays are the business's country's (the source profile's), not France's everywhere", async () => {
    const gb = await calendarFor(["2011-06-01"], "GB");
    const name = (key: number) => gb.find((d) => d.date_key === key)?.holiday_name ?? null;
    expect(name(20110714)).toBeNull(); // no Fête nationale in the United Kingdom
    expect(name(20110422)).toBe("Good Friday");
    expect(name(20111226)).toBe("Boxing Day");
    const de = await calendarFor(["2023-06-01"], "DE");
    expect(de.find((d) => d.date_key === 20231003)?.holiday_name).toBe("Tag der Deutschen Einheit");
  });
});
