/**
 * The value maps' rules on worker threads (lib/cleanse/rulePool.ts): a large batch is cut into one
 * slice per thread and put back in order, so a map built with the pool holds exactly the rows of
 * one built on the calling thread.
 */
import { openNative, queryRows } from "../../lib/engine/native";
import { buildValueMap } from "../../lib/cleanse/applyRules";
import { cleanBatch } from "../../lib/cleanse/ruleBatch";
import { POOL_MIN_VALUES, RulePool } from "../../lib/cleanse/rulePool";
import { ruleSet, type RuleContext } from "../../lib/cleanse/rules/index";
import type { RuleName } from "../../lib/cleanse/missingValuePolicy";

jest.setTimeout(60_000);

const context: RuleContext = { dateFormats: ["%d/%m/%Y", "%Y-%m-%d"], phoneCountry: "FR" };
const rules = ruleSet(context);

/** Phone numbers in several spellings and countries, some invalid, with the row's country as context. */
function phones(n: number): { raws: string[]; contexts: (string | null)[] } {
  const raws: string[] = [];
  const contexts: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    const digits = String(10_000_000 + ((i * 7919) % 89_999_999)).padStart(8, "0");
    const spelling = i % 5;
    raws.push(
      spelling === 0 ? `06${digits}` : spelling === 1 ? `+33 6 ${digits.replace(/(\d\d)(?=\d)/g, "$1 ")}` : spelling === 2 ? `030 ${digits}` : spelling === 3 ? `12${i}` : `(0)6-${digits}`,
    );
    contexts.push(spelling === 2 ? "DE" : i % 7 === 0 ? null : "FR");
  }
  return { raws, contexts };
}

describe("the rule pool", () => {
  test("a batch cleaned on two threads gives the values and issues of the calling thread, in order", async () => {
    const pool = new RulePool(context, 2);
    try {
      const { raws, contexts } = phones(5001); // an odd count: the slices are not the same size
      const inline = cleanBatch(rules.phone, raws, contexts);
      expect(inline.issues.filter((x) => x !== null).length).toBeGreaterThan(100);
      expect(inline.values.filter((x) => x !== null).length).toBeGreaterThan(1000);
      expect(await pool.clean("phone", raws, contexts)).toEqual(inline);
      const emails = raws.map((r, i) => (i % 3 === 0 ? `Person.${i}@Example.FR ` : i % 3 === 1 ? `person${i}@@example.fr` : `p${i}@exemple.com`));
      expect(await pool.clean("email", emails, contexts.map(() => null))).toEqual(cleanBatch(rules.email, emails, contexts.map(() => null)));
    } finally {
      await pool.close();
    }
  });

  test("only a large map with more than one thread goes to the workers", () => {
    expect(new RulePool(context, 1).wants(10 * POOL_MIN_VALUES)).toBe(false);
    expect(new RulePool(context, 2).wants(POOL_MIN_VALUES - 1)).toBe(false);
    expect(new RulePool(context, 2).wants(POOL_MIN_VALUES)).toBe(true);
  });

  test("a rule that fails in a worker fails the batch with the worker's message", async () => {
    const pool = new RulePool(context, 2);
    try {
      await expect(pool.clean("no-such-rule" as RuleName, ["a", "b"], [null, null])).rejects.toThrow(/^cleansing rule worker: .*not a function/);
    } finally {
      await pool.close();
    }
  });

  test("a value map built with the pool holds exactly the rows of one built without it (more than one batch)", async () => {
    const { instance, conn } = await openNative({ threads: 2 });
    // Every map goes to the workers, however small (the real pool waits for POOL_MIN_VALUES).
    const pool = new RulePool(context, 2);
    pool.wants = () => true;
    const clean = jest.spyOn(pool, "clean");
    try {
      const n = 60_000; // above buildValueMap's batch of 50,000: two batches, each cut in two
      const { raws, contexts } = phones(n);
      await conn.run("create table staged (phone varchar, country varchar)");
      const appender = await conn.createAppender("staged");
      raws.forEach((r, i) => {
        appender.appendVarchar(r);
        if (contexts[i] === null) appender.appendNull();
        else appender.appendVarchar(contexts[i]!);
        appender.endRow();
      });
      appender.closeSync();
      const built = [];
      for (const [mapTable, withPool] of [["map_inline", false], ["map_pool", true]] as const) {
        built.push(await buildValueMap(conn, { staged: "staged", column: "phone", mapTable, rule: rules.phone, context: "country", pool: withPool ? { pool, rule: "phone" } : undefined }));
      }
      expect(built[0].mapped).toBeGreaterThan(50_000);
      expect(clean).toHaveBeenCalledTimes(2); // the pooled map's two batches, and only those
      expect(built[1]).toEqual(built[0]);
      const read = (t: string) => queryRows<{ raw: string; ctx: string | null; value: string | null; issue: string | null }>(conn, `select * from ${t}`);
      const [inline, pooled] = [await read("map_inline"), await read("map_pool")];
      expect(pooled.length).toBe(built[0].mapped);
      expect(inline.length).toBe(built[0].mapped);
      // Same rows in the same order (counted rather than diffed: a diff of 60,000 rows takes minutes).
      const differing = pooled.filter((row, i) => JSON.stringify(row) !== JSON.stringify(inline[i]));
      expect({ differing: differing.length, first: differing[0] }).toEqual({ differing: 0, first: undefined });
    } finally {
      await pool.close();
      conn.closeSync();
      instance.closeSync();
    }
  });
});
