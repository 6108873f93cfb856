/**
 * `npm run bench -- pii-scan`: the release gate's personal-data scan (lib/opendata/gates/piiScan.ts)
 * timed per MB of text, with the known values of a real warehouse of N rows, and the memory its
 * automata take. The scan must cost the bytes it reads, whatever the known values: the texts
 * include a 1 MiB field, and the known values a 1 MiB value (issue 26: the old substring search
 * took 104 s on the release's 164 KB with one 4,007-character value).
 *
 * Not a timed unit test: the numbers are printed, for a reader to compare with the target.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { buildMatcher, matcherMemory } from "../opendata/gates/knownValueMatcher";
import { knownValueScanner, type KnownValue, type ScanInput } from "../opendata/gates/piiScan";

export interface PiiScanTiming {
  text: string;
  bytes: number;
  seconds: number;
  secondsPerMiB: number;
  hits: number;
}

export interface PiiScanBench {
  /** The warehouse's known values (the 1 MiB value left out). */
  knownValues: number;
  longestKnownValue: number;
  /** Build and weight of the automata of the warehouse's values (heap and array buffers after a garbage collection). */
  buildSeconds: number;
  automataBytes: number;
  states: number;
  words: number;
  timings: PiiScanTiming[];
}

const MiB = 1 << 20;

function collectGarbage(): () => void {
  setFlagsFromString("--expose_gc");
  return runInNewContext("gc") as () => void;
}

function usedBytes(gc: () => void): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** A deterministic text of `bytes` bytes: CSV lines of words, some of them known values. */
function csvText(known: readonly KnownValue[], bytes: number): string {
  const parts: string[] = ["geo_name,category,units\r\n"];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    // One line in a hundred carries a known value; the others ordinary labels and numbers.
    const label = i % 100 === 0 && known.length > 0 ? known[(i * 7919) % known.length].value : `Région ${i % 13} Nouvelle-Aquitaine`;
    const line = `"${label}",Catégorie ${i % 17},${(i * 37) % 100000}\r\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join("");
}

function files(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

/**
 * Times the gate on: the release in `releaseDir` (if given), a 16 MiB CSV text, a 1 MiB field of
 * one word and a 1 MiB field of one-letter words, with `known` plus a 1 MiB known value. The
 * automata are built once (timed and weighed apart), then each text is scanned.
 */
export function benchPiiScan(known: readonly KnownValue[], releaseDir: string | null, log: (m: string) => void = console.log): PiiScanBench {
  const longValue = { kind: "street", value: `${"B ".repeat(MiB / 2 - 1)}B` };
  const values = [...known, longValue];
  const gc = collectGarbage();

  // The automata of the warehouse's values alone: their build time and weight, per known value
  // (the figure to scale to a larger export: known values grow with its customers).
  const before = usedBytes(gc);
  let started = process.hrtime.bigint();
  knownValueScanner(known);
  const buildSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const automataBytes = usedBytes(gc) - before;
  // States and distinct words of one automaton of every value (the gate splits them in three).
  const memory = matcherMemory(buildMatcher(known.map((k) => Buffer.from(k.value, "utf8").toString("latin1"))));
  log(`known values of the warehouse: ${known.length.toLocaleString("en")}`);
  log(
    `automata: ${memory.states.toLocaleString("en")} states, ${memory.words.toLocaleString("en")} distinct words, built in ${buildSeconds.toFixed(2)} s, ` +
      `${(automataBytes / MiB).toFixed(1)} MiB of heap and buffers (${(automataBytes / Math.max(known.length, 1)).toFixed(0)} bytes per known value)`,
  );
  // Then with the 1 MiB value too, for the scans below.
  started = process.hrtime.bigint();
  const scanner = knownValueScanner(values);
  log(`with a 1 MiB known value too (${longValue.value.length.toLocaleString("en")} characters, ${(MiB / 2).toLocaleString("en")} words): built in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s`);

  const inputs: { text: string; input: ScanInput }[] = [];
  if (releaseDir) {
    // Its bytes only (no decoded Parquet cells), and no public vocabulary: its hits are words that are also names.
    const release = files(releaseDir).map((f) => readFileSync(path.join(releaseDir, f)));
    inputs.push({ text: `release ${path.basename(releaseDir)} (${release.length} files, bytes only)`, input: { name: "release", bytes: Buffer.concat(release) } });
  }
  const csv = csvText(known, 16 * MiB);
  inputs.push({ text: "16 MiB of CSV lines, 1 in 100 with a known value", input: { name: "lines.csv", bytes: Buffer.from(csv, "utf8"), textCells: csv } });
  inputs.push({ text: "a 1 MiB field of one word", input: { name: "word.csv", bytes: Buffer.from(`street\r\n${"A".repeat(MiB)}\r\n`) } });
  inputs.push({ text: "a 1 MiB field of one-letter words (the 1 MiB known value inside)", input: { name: "words.csv", bytes: Buffer.from(`street\r\n"x ${longValue.value} x"\r\n`) } });

  const timings: PiiScanTiming[] = [];
  for (const { text, input } of inputs) {
    started = process.hrtime.bigint();
    const result = scanner.scan([input]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const bytes = result.bytesScanned;
    const timing = { text, bytes, seconds, secondsPerMiB: seconds / (bytes / MiB), hits: result.hits.reduce((n, h) => n + h.occurrences, 0) };
    timings.push(timing);
    log(`${text}: ${(bytes / MiB).toFixed(2)} MiB in ${seconds.toFixed(2)} s, ${timing.secondsPerMiB.toFixed(3)} s per MiB, ${timing.hits.toLocaleString("en")} hits`);
  }
  return { knownValues: known.length, longestKnownValue: longValue.value.length, buildSeconds, automataBytes, states: memory.states, words: memory.words, timings };
}

/**
 * `times` times the known values, as a larger export would hold them: every copy of an identifier,
 * pseudonym, email, phone, street or full name made distinct (another number, another pseudonym),
 * first and last names shared (a larger export has more customers, not more first names). For
 * the memory at 10 M rows from the warehouse of 1 M: the known values grow with the customers.
 */
export function scaledKnownValues(known: readonly KnownValue[], times: number): KnownValue[] {
  const shared = new Set(["first_name", "last_name", "supplier_contact_name", "birth_date"]);
  const scaled: KnownValue[] = [...known];
  for (let copy = 1; copy < times; copy++) {
    for (const k of known) {
      if (shared.has(k.kind)) continue;
      const value =
        k.kind === "customer_pseudonym" ? `${k.value.slice(0, -2)}${copy.toString(16).padStart(2, "0")}` : k.kind.includes("email") ? `${copy}${k.value}` : `${k.value}${copy}`;
      scaled.push({ kind: k.kind, value });
    }
  }
  return scaled;
}

/** The release directory outputs/opendata/current.json names, or null. */
export function currentRelease(opendataDir: string): string | null {
  try {
    const pointer = JSON.parse(readFileSync(path.join(opendataDir, "current.json"), "utf8")) as { path: string };
    const dir = path.join(opendataDir, pointer.path);
    return statSync(dir).isDirectory() ? dir : null;
  } catch {
    return null;
  }
}
