import * as path from "node:path";
import { openNative, sqlString } from "../../lib/engine/native";
import { CANONICAL_PATTERNS, canonicalSql } from "../../lib/cleanse/rules/canonical";
import { ruleSet } from "../../lib/cleanse/rules/index";
import { CLEANSING_POLICY, RuleName } from "../../lib/cleanse/missingValuePolicy";
import { loadProfile } from "../../lib/raw/profile";
import { projectRoot } from "../../lib/io/paths";

// The SQL fast path keeps a canonical value as it is instead of running its rule: that is only
// right if the rule returns every such value unchanged and valid.
const rules = ruleSet({ dateFormats: loadProfile("default").dateFormats });
const patterned = Object.keys(CANONICAL_PATTERNS) as RuleName[];

/** A deterministic generator of strings over an alphabet, biased towards the edge shapes. */
function* samples(alphabet: string, count: number, seed = 7): Generator<string> {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x);
  for (let i = 0; i < count; i++) {
    const length = 1 + (next() % 20);
    let s = "";
    for (let j = 0; j < length; j++) s += alphabet[next() % alphabet.length];
    yield s;
  }
}

describe("canonical values skip their rule only when the rule would keep them as they are", () => {
  const alphabet = "ABCXYZ019-_.,+ aé#/0123456789";
  test.each(patterned)("%s: every generated value the pattern accepts is its own clean value", (rule) => {
    const pattern = new RegExp(`^(?:${CANONICAL_PATTERNS[rule]})$`);
    let accepted = 0;
    for (const value of samples(alphabet, 200_000)) {
      if (!pattern.test(value)) continue;
      accepted++;
      expect({ value, cleaned: rules[rule](value) }).toEqual({ value, cleaned: { value, issue: null } });
    }
    expect(accepted).toBeGreaterThan(100);
  });

  test.each([
    ["code", "17850.0", false], ["code", "85123a", false], ["code", "CMD-00000001", true], ["code", " C1", false],
    ["integer", "007", false], ["integer", "-0", false], ["integer", "12", true], ["integer", "2147483648", false],
    ["decimal", "1,5", false], ["decimal", "+2.5", false], ["decimal", "-0.50", true], ["decimal", "01.5", false],
  ] as const)("%s %j canonical: %s", (rule, value, canonical) => {
    expect(new RegExp(`^(?:${CANONICAL_PATTERNS[rule]})$`).test(value)).toBe(canonical);
  });

  test("DuckDB reads each pattern as JavaScript does, and on the default export the rule keeps every value SQL keeps", async () => {
    const { instance, conn } = await openNative({ threads: 1 });
    try {
      const exportFile = path.join(projectRoot(), "data", "raw", "export.csv.gz");
      await conn.run(`create table raw as select * from read_csv(${sqlString(exportFile)}, all_varchar = true, header = true, strict_mode = false, ignore_errors = true)`);
      const mismatches: string[] = [];
      let checked = 0;
      for (const policy of CLEANSING_POLICY) {
        for (const [column, p] of Object.entries(policy.columns)) {
          const sql = canonicalSql(p.rule, "v");
          if (!sql) continue;
          const source = p.from ?? column;
          const reader = await conn.runAndReadAll(`select distinct "${source}" as v, ${sql} as canonical from raw where "${source}" is not null`);
          const [values, canonical] = reader.getColumnsJS() as [string[], boolean[]];
          const js = new RegExp(`^(?:${CANONICAL_PATTERNS[p.rule]})$`);
          let kept = 0;
          values.forEach((v, i) => {
            if (canonical[i] !== js.test(v)) mismatches.push(`${column} ${JSON.stringify(v)}: SQL says ${canonical[i]}`);
            if (!canonical[i]) return;
            kept++;
            const cleaned = rules[p.rule](v);
            if (cleaned.value !== v || cleaned.issue !== null) mismatches.push(`${column} ${JSON.stringify(v)}: the rule gives ${JSON.stringify(cleaned)}`);
          });
          checked += kept;
        }
      }
      expect(mismatches).toEqual([]);
      expect(checked).toBeGreaterThan(10_000);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
