import { Command } from "commander";
import * as path from "node:path";
import { InputError } from "../raw/inputCheck";
import { defaultConfig, runStages, STAGE_ORDER, StageName } from "./pipeline";
import { portalCommand } from "./portal";
import { releaseReportCommand } from "./releaseReport";
import { profileCommand } from "./profileCheck";
import { rightsCommand } from "./rights";

/**
 * `npm start` runs the whole pipeline on the bundled export; `npm start -- <stage>` runs one stage.
 * Errors on unusable input print one clear message and exit 2; previous outputs stay in place.
 */
const program = new Command()
  .name("workbook")
  .description("Retail data workbook: split, cleanse, warehouse, marts and Open Data release")
  .option("-i, --input <file>", "raw export (CSV or .csv.gz)", undefined)
  .option("-p, --profile <name>", "source profile in data/sources/ (default: the company's export)", "default")
  .option("--withdraw-previous", "Open Data: publish a release that revises the current one and take the current one offline (published figures are otherwise final)");

program
  .command("run", { isDefault: true })
  .description(`run every stage in order (${STAGE_ORDER.join(" → ")})`)
  .action(async () => report(await runStages(config())));

for (const stage of STAGE_ORDER) {
  program
    .command(stage)
    .description(`run the ${stage} stage alone`)
    .action(async () => report(await runStages(config(), [stage as StageName])));
}

program
  .command("generate")
  .description("generate the synthetic raw export (deterministic)")
  .option("-r, --rows <n>", "rows to generate")
  .option("-s, --seed <n>", "seed")
  .option("-o, --out <file>", "output file (.csv or .csv.gz)")
  .action(async (o: { rows?: string; seed?: string; out?: string }) => {
    const { generateRawExport } = await import("../raw/generator");
    const { DEFAULT_EXPORT } = await import("../raw/defaults");
    const out = path.resolve(o.out ?? DEFAULT_EXPORT.path);
    const summary = await generateRawExport({ outPath: out, rows: Number(o.rows ?? DEFAULT_EXPORT.rows), seed: Number(o.seed ?? DEFAULT_EXPORT.seed) });
    console.log(`wrote ${summary.rows} rows to ${path.relative(process.cwd(), out)}`);
  });

program.addCommand(rightsCommand(config));
program.addCommand(releaseReportCommand(() => program.opts<{ input?: string; profile: string }>()));
program.addCommand(portalCommand());
program.addCommand(profileCommand());

function config() {
  const o = program.opts<{ input?: string; profile: string; withdrawPrevious?: boolean }>();
  return defaultConfig({ input: o.input, profile: o.profile, withdrawPrevious: o.withdrawPrevious });
}

function report(results: { stage: string; seconds: number; rows: number; summary: string }[]) {
  console.log("\nsummary");
  for (const r of results) console.log(`  ${r.stage.padEnd(10)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.summary}`);
}

program.parseAsync().catch((err: unknown) => {
  if (err instanceof InputError) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
