/**
 * The extraction's grouping keys (lib/opendata/model/macros.sql): the queries group by a period
 * number and by the two numbers a pseudonym's hex digits write, and label the cells afterwards.
 * Those keys must group exactly as the text they stand for: one label per period, one group per
 * pseudonym (and per other value, null included), and a pseudonym that is not hex stops the query.
 */
import * as path from "node:path";
import { openNative, queryRows } from "../../lib/engine/native";
import { MODEL_DIR } from "../../lib/opendata/model/datasets";
import { renderSql } from "../../lib/warehouse/db";

let handle: Awaited<ReturnType<typeof openNative>>;

beforeAll(async () => {
  handle = await openNative();
  await handle.conn.run(renderSql(path.join(MODEL_DIR, "macros.sql")));
});

afterAll(() => {
  handle.conn.closeSync();
  handle.instance.closeSync();
});

describe("od_period_key and od_period_label", () => {
  // The expected text, spelled without printf: what od_period (the label of the key) must give.
  const expected: Record<string, string> = {
    month: "cast(month_key // 100 as varchar) || '-' || lpad(cast(month_key % 100 as varchar), 2, '0')",
    quarter: "cast(month_key // 100 as varchar) || '-Q' || cast((month_key % 100 + 2) // 3 as varchar)",
    year: "cast(month_key // 100 as varchar)",
  };
  test.each(["month", "quarter", "year"])("%s: the label of every month's key of 1990-2059 is its ISO 8601 text, one label per key; -1 is All", async (grain) => {
    const rows = await queryRows<{ months: number; wrong: number; keys: number; labels: number; all: string; march: string }>(
      handle.conn,
      `with months as (select y * 100 + m as month_key from range(1990, 2060) a(y), range(1, 13) b(m))
       select cast(count(*) as integer) as months,
              cast(count(*) filter (where od_period_label(od_period_key(month_key, '${grain}'), '${grain}') <> ${expected[grain]}
                                       or od_period(month_key, '${grain}') <> ${expected[grain]}) as integer) as wrong,
              cast(count(distinct od_period_key(month_key, '${grain}')) as integer) as keys,
              cast(count(distinct od_period(month_key, '${grain}')) as integer) as labels,
              od_period_label(-1, '${grain}') as "all",
              od_period(202403, '${grain}') as march
       from months`,
    );
    expect(rows[0]).toEqual({
      months: 840,
      wrong: 0,
      keys: rows[0].labels,
      labels: grain === "month" ? 840 : grain === "quarter" ? 280 : 70,
      all: "All",
      march: { month: "2024-03", quarter: "2024-Q1", year: "2024" }[grain],
    });
  });

  test("an unknown grain stops the query", async () => {
    await expect(queryRows(handle.conn, "select od_period_key(202403, 'week')")).rejects.toThrow(/od_period_key: unknown time grain week/);
    await expect(queryRows(handle.conn, "select od_period_label(202403, 'week')")).rejects.toThrow(/od_period_label: unknown time grain week/);
    await expect(queryRows(handle.conn, "select od_period(202403, 'week')")).rejects.toThrow(/od_period_key: unknown time grain week/);
  });
});

describe("od_customer_hi and od_customer_lo", () => {
  test("two values get the same pair exactly when they are the same value (pseudonyms, member names, null)", async () => {
    // Pseudonyms that share either half of their digits, the members' names, and null.
    const values = [
      "cp_0123456789abcdef0123456789abcdef",
      "cp_0123456789abcdeffedcba9876543210",
      "cp_fedcba98765432100123456789abcdef",
      "cp_00000000000000000000000000000000",
      "cp_00000000000000000000000000000001",
      "cp_ffffffffffffffffffffffffffffffff",
      "unknown",
      "erased",
      null,
    ];
    const list = values.map((v) => (v === null ? "null" : `'${v}'`)).join(", ");
    const [row] = await queryRows<{ pairs: number; wrong: number; groups: number }>(
      handle.conn,
      `with t as (select unnest([${list}]::varchar[]) as p),
            k as (select p, od_customer_hi(p) as hi, od_customer_lo(p) as lo from t)
       select cast(count(*) as integer) as pairs,
              cast(count(*) filter (where (a.p is not distinct from b.p) <> (a.hi is not distinct from b.hi and a.lo is not distinct from b.lo)) as integer) as wrong,
              (select cast(count(*) as integer) from (select distinct hi, lo from k)) as groups
       from k a, k b`,
    );
    expect(row).toEqual({ pairs: values.length ** 2, wrong: 0, groups: values.length });
  });

  test("a pseudonym's pair is the two halves of its hex digits", async () => {
    const [row] = await queryRows<{ hi: string; lo: string }>(
      handle.conn,
      "select cast(od_customer_hi(p) as varchar) as hi, cast(od_customer_lo(p) as varchar) as lo from (select 'cp_00000000000000ff0000000000000100' as p)",
    );
    expect(row).toEqual({ hi: "255", lo: "256" });
  });

  test("a value that is not 32 lowercase hex digits after cp_, nor a member name, stops the query rather than group wrongly", async () => {
    await expect(queryRows(handle.conn, "select od_customer_lo('cp_0123456789abcdef0123456789abcdeg')")).rejects.toThrow(/Could not convert string '0x0123456789abcdeg' to UINT64/);
    await expect(queryRows(handle.conn, "select od_customer_hi('cp_-123456789abcdef0123456789abcdef')")).rejects.toThrow(/Could not convert/);
    // Upper case would read as the same number as lower case: not a pseudonym, so it stops too.
    for (const other of ["cp_0123456789ABCDEF0123456789abcdef", "cp_0123", "C12345", ""]) {
      await expect(queryRows(handle.conn, `select od_customer_hi('${other}') as hi, od_customer_lo('${other}') as lo`)).rejects.toThrow(
        /od_customer_lo: a value that is neither a customer pseudonym \(cp_ and 32 lowercase hex digits\) nor a member name \(unknown, erased\)/,
      );
    }
  });
});
