/**
 * `npm run portal`: builds the static Open Data portal of the current release into
 * outputs/opendata/site/ (lib/portal/build.ts), atomically (a failed build leaves the previous
 * site in place), and says how big it is.
 *
 *   npm run portal                          build from outputs/opendata/current.json
 *   npm run portal -- --serve               build, then serve on http://127.0.0.1:8000/ (Ctrl+C stops)
 *   npm run portal -- --release <dir> --out <dir>
 *   npm run portal -- --pii-scan            also scan the built site for the warehouse's personal values
 *                                           (staging the export again, in a temporary directory, when npm start purged it)
 *
 * Registered in lib/cli/main.ts with `program.addCommand(portalCommand())`.
 */
import { Command } from "commander";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { replaceDirAtomically } from "../io/atomicDir";
import { projectRoot } from "../io/paths";
import { buildSite, type SiteSummary } from "../portal/build";
import { formatBytes } from "../portal/html";
import type { KnownValueSource } from "../portal/piiScan";
import { currentReleaseDir, loadRelease, PortalReleaseError } from "../portal/release";
import { PortInUseError, serveSite } from "../portal/serve";
import { defaultConfig } from "./config";
import { withPersonalStaging } from "./stageAlone";
import { wholeNumber } from "./wholeNumber";

interface PortalOptions {
  release?: string;
  out?: string;
  serve?: boolean;
  port: string;
  host: string;
  piiScan?: boolean;
}

const shown = (p: string) => path.relative(process.cwd(), p) || ".";

export function describeSite(summary: SiteSummary): string[] {
  const parts = Object.entries(summary.bytesByPart)
    .sort((a, b) => b[1] - a[1])
    .map(([part, bytes]) => `${part} ${formatBytes(bytes)}`);
  const largest = [...summary.files].sort((a, b) => b.bytes - a.bytes)[0];
  return [
    `built ${shown(summary.outDir)}: release ${summary.version}, ${summary.datasets.length} datasets, ${summary.pages.length} pages, ${summary.charts} charts`,
    `size: ${formatBytes(summary.totalBytes)} in ${summary.files.length} files (${parts.join(", ")}; largest: ${largest.path}, ${formatBytes(largest.bytes)})`,
  ];
}

export function portalCommand(): Command {
  return new Command("portal")
    .description("build the static Open Data portal of the current release into outputs/opendata/site/")
    .option("--release <dir>", "a release directory (default: the one outputs/opendata/current.json names)")
    .option("--out <dir>", "where to write the site (default: outputs/opendata/site)")
    .option("--serve", "serve the site on localhost after building it (Ctrl+C stops)")
    .option("--port <n>", "port for --serve (default: $WORKBOOK_PORTAL_PORT, else 8000)", process.env.WORKBOOK_PORTAL_PORT || "8000")
    .option("--host <host>", "interface for --serve", "127.0.0.1")
    .option("--pii-scan", "scan the built site for the warehouse's personal values (needs the warehouse; the purged staging is rebuilt in a temporary directory)")
    .action(async (o: PortalOptions) => {
      try {
        await portal(o);
      } catch (err) {
        // A missing release, a tampered file, an absent warehouse: one message with the fix, no stack.
        if (!(err instanceof PortalReleaseError || err instanceof PortalUsageError || err instanceof PortInUseError)) throw err;
        console.error(`error: ${err.message}`);
        process.exitCode = 2;
      }
    });
}

class PortalUsageError extends Error {}

/**
 * Runs `scan` against the warehouse's personal values. They are read from the cleansed staging;
 * `npm start` purges it at its end (GDPR Art. 5(1)(e)), so when it is gone the export the
 * warehouse was built from is staged again in a private temporary directory, scanned against,
 * and deleted (lib/cli/stageAlone.ts).
 */
async function withKnownValueSource<T>(root: string, scan: (source: KnownValueSource) => Promise<T>): Promise<T> {
  const { warehouseSources } = await import("../portal/piiScan");
  const sources = warehouseSources(root);
  if (sources.available) return scan(sources);
  const live = defaultConfig({ log: (m) => console.log(`pii scan: ${m}`) });
  const corePath = path.join(live.warehouseDir, "core.duckdb");
  if (!existsSync(corePath)) throw new PortalUsageError(`--pii-scan: ${sources.reason}`);
  return withPersonalStaging(live, (stagingDir) => scan({ corePath, cleanDir: path.join(stagingDir, "clean") }));
}

async function portal(o: PortalOptions): Promise<void> {
  // Checked before the build: a wrong port used to reach Node as NaN (a RangeError and its stack).
  const port = o.serve ? wholeNumber("--port", o.port, { max: 65535, example: "8080" }) : 0;
  const root = projectRoot();
  const releaseDir = path.resolve(o.release ?? currentReleaseDir(path.join(root, "outputs", "opendata")));
  const outDir = path.resolve(o.out ?? path.join(root, "outputs", "opendata", "site"));
  const summary = await replaceDirAtomically(outDir, (work) => buildSite({ releaseDir, outDir: work }));
  for (const line of describeSite({ ...summary, outDir })) console.log(line);

  if (o.piiScan) {
    const { scanSite, siteVocabulary } = await import("../portal/piiScan");
    const release = loadRelease(releaseDir);
    const site = await withKnownValueSource(root, (source) => scanSite(outDir, release, source, siteVocabulary(release, releaseDir)));
    const known = Object.values(site.knownValues).reduce((a, b) => a + b, 0);
    const hits = site.hits.map((h) => `${h.file}: ${h.kind} x${h.occurrences}`).join("; ");
    console.log(
      `pii scan: ${site.filesScanned} files, ${site.bytesScanned} bytes, ${known} known values: ${site.passed ? "no personal value found" : `FOUND ${hits}`} ` +
        `(${site.verbatimCopies.length} vendor files not searched: byte-identical to node_modules)`,
    );
    if (!site.passed) process.exitCode = 1;
  }

  if (o.serve) {
    const server = await serveSite(outDir, { host: o.host, port });
    console.log(`serving ${shown(outDir)} on ${server.url} (Ctrl+C stops)`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close().then(resolve);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  } else {
    console.log(`open it: npm run portal -- --serve, then ${`http://${o.host}:${o.port}/`} (or copy the folder to any static host)`);
  }
}
