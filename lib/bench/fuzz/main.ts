import { Command } from "commander";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import { fuzzKeyStore, runFuzzCase, type FuzzOutcome } from "./runCase";
import { fuzzedExport, loadBaseExport, type ShapeFamily, type ShapeOptions } from "./shapes";

/**
 * The bound on split and cleanse together, in seconds per MiB of input, on any fuzzed file.
 * Justification: measured by this script on the 2-core development machine, the cases of 1 MiB
 * or more (fields of MiBs, rows repeated) run at under 0.5 s/MiB; the bound leaves some sixty
 * times that for a loaded machine and the worst shapes. Work that grows faster than the input
 * (issue 26: a 1 MiB field kept a gate busy for 14 minutes) is far beyond it.
 */
export const SECONDS_PER_MIB_BOUND = 30;
/**
 * Files under 1 MiB are charged as 1 MiB: their time is the fixed cost of the two stages (two
 * DuckDB engines, some forty SQL passes, about 2 s), not work per byte.
 */
const MIN_CHARGED_MIB = 1;
/** A case still running after this many times its bound is hung: the run stops and says how to replay it. */
const HANG_FACTOR = 3;

/** The bench's shapes: fields up to 4 MiB and rows repeated up to 40 times, so that seconds per MiB mean something. */
const BENCH_SHAPES: ShapeOptions = { longFieldChars: 4 << 20, maxRepeat: 40 };
const FAMILIES: ShapeFamily[] = ["well-formed", "damaged", "unusable"];

/**
 * `npm run fuzz [-- --runs N --seed S]`: N fuzzed exports (lib/bench/fuzz/shapes.ts) through split
 * and cleanse, each checked as the jest suite checks them (tests/fuzz/), and timed: prints the
 * worst seconds per MiB and fails (exit 1) on a broken promise or a case beyond the bound. The
 * seed is printed first; `--seed S --path P` replays the failing case fast-check names.
 */
const program = new Command()
  .name("fuzz")
  .description("fuzzed exports through split and cleanse: no crash, no hang, every record accounted for")
  .option("--runs <n>", "cases to run", "100")
  .option("--seed <n>", "fast-check seed (default: a new one, printed)")
  .option("--path <p>", "replay one case of a failed run (with its --seed)")
  .action(async (o: { runs: string; seed?: string; path?: string }) => {
    const runs = Number(o.runs);
    if (!Number.isInteger(runs) || runs <= 0) throw new Error(`--runs: ${JSON.stringify(o.runs)} is not a positive integer`);
    const seed = o.seed !== undefined ? Number(o.seed) : Date.now() % 2 ** 31;
    console.log(`fuzz: ${runs} cases, seed ${seed} (replay: npm run fuzz -- --runs ${runs} --seed ${seed})`);
    const base = await loadBaseExport();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-fuzz-"));
    const keys = fuzzKeyStore();
    const results: (FuzzOutcome & { family: ShapeFamily })[] = [];
    const shape = fc.constantFrom(...FAMILIES).chain((family) => fuzzedExport(base, family, BENCH_SHAPES).map((fuzz) => ({ family, fuzz })));
    try {
      const details = await fc.check(
        fc.asyncProperty(shape, async ({ family, fuzz }) => {
          const charged = Math.max(MIN_CHARGED_MIB, fuzz.bytes.length / 2 ** 20);
          const hang = setTimeout(() => {
            console.error(`fuzz: a case of ${mib(fuzz.bytes.length)} MiB still runs after ${(HANG_FACTOR * SECONDS_PER_MIB_BOUND * charged).toFixed(0)} s (hung): ${fuzz.mutations.join("; ").slice(0, 500)}`);
            console.error(`replay: npm run fuzz -- --seed ${seed} (the case is among the first ${results.length + 1})`);
            process.exit(1);
          }, HANG_FACTOR * SECONDS_PER_MIB_BOUND * charged * 1000);
          let result: FuzzOutcome;
          try {
            result = await runFuzzCase(fuzz, work, keys.keyStore);
          } finally {
            clearTimeout(hang);
          }
          results.push({ ...result, family });
          const perMib = result.seconds / charged;
          console.log(`#${results.length} ${family.padEnd(11)} ${result.outcome.padEnd(11)} ${mib(result.bytes).padStart(6)} MiB ${result.seconds.toFixed(2).padStart(6)} s ${perMib.toFixed(2).padStart(6)} s/MiB`);
          const problems = [...result.problems];
          if (fuzz.unusable && result.outcome !== "input-error") problems.push("an unusable file was not refused");
          if (perMib > SECONDS_PER_MIB_BOUND) problems.push(`${result.seconds.toFixed(1)} s for ${mib(result.bytes)} MiB: ${perMib.toFixed(1)} s/MiB, beyond the bound of ${SECONDS_PER_MIB_BOUND}`);
          if (problems.length) throw new Error(`${problems.join("\n")}\nmutations:\n  ${fuzz.mutations.join("\n  ").slice(0, 2000)}`);
        }),
        { seed, numRuns: runs, ...(o.path ? { path: o.path } : {}) },
      );
      summarise(results);
      if (details.failed) {
        console.error(`\nfuzz: FAILED after ${details.numRuns} cases (shrunk ${details.numShrinks} times)`);
        console.error(String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance));
        console.error(`replay: npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath}`);
        process.exitCode = 1;
      } else {
        console.log(`fuzz: ${details.numRuns} cases passed, seed ${seed}`);
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
      keys.dispose();
    }
  });

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(2);
}

function summarise(results: (FuzzOutcome & { family: ShapeFamily })[]): void {
  if (!results.length) return;
  const ratio = (r: FuzzOutcome) => r.seconds / Math.max(MIN_CHARGED_MIB, r.bytes / 2 ** 20);
  for (const family of FAMILIES) {
    const of = results.filter((r) => r.family === family);
    const outcomes = ["completed", "input-error", "crashed"].map((o) => `${of.filter((r) => r.outcome === o).length} ${o}`).join(", ");
    console.log(`${family.padEnd(12)} ${String(of.length).padStart(4)} cases: ${outcomes}`);
  }
  const worst = results.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
  const big = results.filter((r) => r.bytes >= 2 ** 20);
  const worstBig = big.length ? big.reduce((a, b) => (b.seconds / b.bytes > a.seconds / a.bytes ? b : a)) : undefined;
  const total = results.reduce((n, r) => n + r.bytes, 0);
  console.log(`input: ${mib(total)} MiB in all, largest case ${mib(Math.max(...results.map((r) => r.bytes)))} MiB; ${big.length} cases of 1 MiB or more`);
  console.log(`worst: ${ratio(worst).toFixed(2)} s/MiB (${worst.seconds.toFixed(2)} s for ${mib(worst.bytes)} MiB, files under ${MIN_CHARGED_MIB} MiB charged as ${MIN_CHARGED_MIB}); bound ${SECONDS_PER_MIB_BOUND} s/MiB`);
  if (worstBig) console.log(`worst of the cases of 1 MiB or more: ${(worstBig.seconds / (worstBig.bytes / 2 ** 20)).toFixed(2)} s/MiB (${worstBig.seconds.toFixed(2)} s for ${mib(worstBig.bytes)} MiB)`);
}

program.parseAsync().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(2);
});
