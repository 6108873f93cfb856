import { Command } from "commander";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { RunLockedError } from "../io/runLock";
import { InputError } from "../raw/inputError";
import { defaultConfig, type PipelineConfig } from "./config";
import { cappedRows } from "./rowsCap";
import { STAGE_ORDER, type StageResult } from "./pipeline";
import { portalCommand } from "./portal";
import { releaseReportCommand } from "./releaseReport";
import { profileCommand } from "./profileCheck";
import { rightsCommand } from "./rights";
import { completeInterruptedPublication, runPipeline, withRunLock } from "./runPipeline";
import { sourceForRerun } from "./source";
import { wholeNumber } from "./wholeNumber";
import { runStageAlone } from "./stageAlone";

/**
 * `npm start` (package.json: `node --import tsx lib/cli/main.ts`) runs the whole pipeline on the bundled export
 * as one transaction; `npm start -- <stage>` runs one stage alone; `npm start -- rights ...`,
 * `generate`, `portal`: the other commands. `--input` and `--profile` go before or after the
 * command. Unusable input prints one clear message and exits 2; previous outputs stay in place.
 */
const program = new Command()
  .name("workbook")
  .description("Retail data workbook: split, cleanse, warehouse, marts and Open Data release")
  .option("-i, --input <file>", "raw export (CSV or .csv.gz; default: data/raw/export.csv.gz; rights commands: the export the current warehouse was built from)")
  .option("-p, --profile <name>", "source profile in data/sources/", "default")
  .option("--withdraw-previous", "Open Data: publish a release that revises the current one and take the current one offline (published figures are otherwise final)");

program
  .command("run", { isDefault: true })
  .description(`run every stage in order (${STAGE_ORDER.join(" → ")}) as one transaction: the new outputs become current together, only when every gate passed`)
  // A word that is no command lands here (the default command): a typo such as `cleansing` said
  // "too many arguments for 'run'"; it is named instead, with the commands that exist.
  .allowExcessArguments()
  .action(async (_options: unknown, command: Command) => {
    if (command.args.length > 0) throw unknownCommand(command.args[0]);
    report(await runPipeline(config(), STAGE_ORDER, "npm start"));
  });

for (const stage of STAGE_ORDER) {
  program
    .command(stage)
    .description(`run the ${stage} stage alone, on the outputs of the stage before it`)
    .action(async () => {
      const cfg = config();
      report(await withRunLock(cfg, `npm start -- ${stage}`, () => runStageAlone(cfg, stage)));
    });
}

program
  .command("generate")
  .description("generate the synthetic raw export (deterministic)")
  .option("-r, --rows <n>", "rows to generate (default: the bundled export's)")
  .option("-s, --seed <n>", "seed (default: the bundled export's)")
  .option("-o, --out <file>", "output file, .csv or .csv.gz (default: data/raw/export.csv.gz)")
  .action(async (o: { rows?: string; seed?: string; out?: string }) => {
    const { generateRawExport } = await import("../raw/generator");
    const { DEFAULT_EXPORT, GENERATOR_MIN_ROWS } = await import("../raw/defaults");
    const out = o.out !== undefined ? path.resolve(o.out) : path.join(projectRoot(), DEFAULT_EXPORT.path);
    const rows = cappedRows(wholeNumber("--rows", o.rows ?? String(DEFAULT_EXPORT.rows), { min: GENERATOR_MIN_ROWS }));
    const seed = wholeNumber("--seed", o.seed ?? String(DEFAULT_EXPORT.seed));
    const summary = await generateRawExport({ outPath: out, rows, seed });
    console.log(`wrote ${summary.rows} rows to ${path.relative(process.cwd(), out) || out}`);
  });

program
  .command("normalise")
  .description("write a wide export (--input, default the bundled one) as an ERP's eight files, the worked example of a multi-file source profile (data/sources/normalised.json)")
  .requiredOption("-o, --out <dir>", "directory for the eight .csv.gz files (created; files of the same names are replaced)")
  .action(async (o: { out: string }) => {
    const { profile } = program.opts<{ profile: string }>();
    if (profile !== "default") {
      throw new InputError(`--profile ${profile}`, "normalise reads an export in the raw contract's own layout", "leave out --profile (the default profile), or normalise the export this profile's queries yield");
    }
    const { normaliseExport } = await import("../raw/normalised");
    const out = path.resolve(o.out);
    // config() resolves --input, or the bundled export without it.
    const rows = await normaliseExport(config().input, out);
    const relative = path.relative(process.cwd(), out);
    const where = relative === "" || relative.startsWith("..") ? out : relative;
    console.log(`wrote ${Object.entries(rows).map(([table, n]) => `${table} ${n}`).join(", ")} rows to ${where}/`);
    console.log(`run it: npm start -- --input ${where}/ --profile normalised`);
  });

// Whatever the command, a publication interrupted after its commit point is completed first.
program.hook("preAction", () => completeInterruptedPublication(defaultConfig({ log: (m) => console.error(m) })));

program.addCommand(rightsCommand(config, rerunConfig));
program.addCommand(releaseReportCommand(() => program.opts<{ input?: string; profile: string }>()));
program.addCommand(portalCommand());
program.addCommand(profileCommand());

function unknownCommand(word: string): InputError {
  const names = program.commands.map((c) => c.name()).filter((n) => n !== "run");
  const near = names.filter((n) => n.startsWith(word.slice(0, 3).toLowerCase()) || word.toLowerCase().startsWith(n));
  return new InputError(word, `is not a command${near.length ? ` (did you mean ${near.join(" or ")}?)` : ""}`, `run \`npm start\` for the whole pipeline, or one of: ${names.join(", ")} (\`npm start -- --help\` says what each does)`);
}

function config(): PipelineConfig {
  const o = program.opts<{ input?: string; profile: string; withdrawPrevious?: boolean }>();
  return defaultConfig({ input: o.input, profile: o.profile, withdrawPrevious: o.withdrawPrevious });
}

/** A rerun by a rights command: the current warehouse's own source unless --input names another. */
function rerunConfig(): PipelineConfig {
  const o = program.opts<{ input?: string; profile: string }>();
  const explicitProfile = program.getOptionValueSource("profile") === "cli" ? o.profile : undefined;
  const source = sourceForRerun(defaultConfig({ log: () => {} }).warehouseDir, { input: o.input, profile: explicitProfile });
  return defaultConfig(source);
}

function report(results: StageResult[]) {
  console.log("\nsummary");
  for (const r of results) console.log(`  ${r.stage.padEnd(10)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.summary}`);
}

program.parseAsync().catch(async (err: unknown) => {
  // The errors that name their cause and fix: a line, exit 2. The privacy modules are loaded only
  // here, so that `--help` does not load them (issue 24).
  const { KeyStoreError } = await import("../privacy/keystore");
  const { LedgerError } = await import("../privacy/ledgers");
  const { CoreEncryptionError } = await import("../privacy/coreEncryption");
  if (err instanceof InputError || err instanceof RunLockedError || err instanceof KeyStoreError || err instanceof LedgerError || err instanceof CoreEncryptionError) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
