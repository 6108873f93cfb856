/**
 * The whole attack on a release of about 3,000 rows over 6 tables: every hidden cell gets a
 * finding, no finding excludes the true value (the intruder's facts are sound on realistic
 * data), and the LP shortcut gives the intervals that solving every side gives. The time is
 * logged, not asserted (the benchmark script, not a unit test, holds speed targets).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { attackRelease, judgeFindings } from "../../../lib/opendata/attack";
import { parseCsv } from "../../../lib/opendata/publish/csv";
import { largeRelease } from "./largeRelease";
import { oracleFor, tempDir, writeRelease } from "./world";

describe("a release of about 3,000 rows over 6 tables", () => {
  const { world, tables } = largeRelease();
  const dir = writeRelease(tempDir("attack-large-"), world, tables, "v-large");

  test("every hidden cell is attacked and every derived interval holds the true value", async () => {
    let rows = 0;
    let hiddenValues = 0;
    for (const t of tables) {
      const records = parseCsv(readFileSync(path.join(dir, `${t.name}.csv`), "utf8")).slice(1);
      rows += records.length;
      hiddenValues += records.filter((r) => r[r.length - 1] === "c").length * t.measures.length;
    }
    expect(rows).toBeGreaterThan(2800);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const findings = await attackRelease({ releaseDir: dir });
    const used = process.cpuUsage(cpu);
    console.log(
      `red team on ${rows} rows over ${tables.length} tables: ${Math.round(performance.now() - started)} ms wall, ` +
        `${Math.round((used.user + used.system) / 1000)} ms CPU, ${findings.stats.unknowns} unknowns, ${findings.stats.constraints} constraints, ` +
        `${findings.stats.components} LP groups, ${findings.stats.lpSolves} LP solves`,
    );
    expect(findings.consistent).toBe(true);
    expect(findings.cells).toHaveLength(hiddenValues);
    const verdict = judgeFindings(findings, oracleFor(world, tables));
    expect(verdict.misled).toEqual([]);
    // The naive publisher of the fixture leaks; the attacker says so.
    expect(verdict.passed).toBe(false);
  });

  test("proving LP sides from solutions already seen gives the intervals of two solves per cell", async () => {
    const customers = tables.filter((t) => t.name === "customer-sales-by-region-age-gender");
    const small = writeRelease(tempDir("attack-customers-"), world, customers, "v-customers");
    const quick = await attackRelease({ releaseDir: small });
    const slow = await attackRelease({ releaseDir: small, everyLpSide: true });
    expect(slow.stats.lpSolves).toBeGreaterThan(quick.stats.lpSolves);
    const intervals = (f: typeof quick) => f.cells.map((c) => [c.lower, c.upper]);
    const a = intervals(quick);
    const b = intervals(slow);
    expect(a).toHaveLength(b.length);
    a.forEach(([lower, upper], i) => {
      expect(lower).toBeCloseTo(b[i][0], 1);
      expect(upper).toBeCloseTo(b[i][1], 1);
    });
  });
});
