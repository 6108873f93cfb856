import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../io/paths";
import { timedRun, type CommandRun, type TimedRun } from "./results";

/**
 * The README's two commands timed as a user runs them, on the default data
 * (`npm run bench -- defaults`): `npm start` (target 30 s) and `npm test` (target 4 minutes).
 * Each runs in its own process from the project's root, exactly as typed; the time is the wall
 * time of the whole command, start-up included.
 */

/** Seconds per stage from `npm start`'s closing summary (lines `  <stage>  <seconds> s  <what it did>`). */
export function startParts(output: string): { name: string; seconds: number }[] {
  const at = output.lastIndexOf("\nsummary\n");
  if (at < 0) return [];
  const parts: { name: string; seconds: number }[] = [];
  for (const line of output.slice(at + "\nsummary\n".length).split("\n")) {
    const m = /^ {2}([a-z_]+)\s+([0-9]+(?:\.[0-9]+)?) s\b/.exec(line);
    if (m) parts.push({ name: m[1], seconds: Number(m[2]) });
  }
  return parts;
}

interface JestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  testResults: { name: string; startTime: number; endTime: number }[];
}

/** Counts and the `top` slowest test files of a `jest --json` report (file paths relative to `root`). */
export function testParts(report: JestJson, root: string, top = 8): Pick<CommandRun, "parts" | "tests"> {
  const files = report.testResults
    .map((r) => ({ name: path.relative(root, r.name).split(path.sep).join("/"), seconds: Math.max(0, r.endTime - r.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds || (a.name < b.name ? -1 : 1));
  return {
    parts: files.slice(0, top),
    tests: { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + (report.numTodoTests ?? 0), files: report.testResults.length },
  };
}

async function timed(command: string, args: string[], log: (m: string) => void): Promise<{ run: TimedRun; exitCode: number; output: string }> {
  log(`$ ${[command, ...args].join(" ")}`);
  const { run, result: r } = await timedRun(() =>
    spawnSync(command, args, { cwd: projectRoot(), encoding: "utf8", maxBuffer: 256 * 2 ** 20, env: { ...process.env, WORKBOOK_PROGRESS: "0" } }),
  );
  if (r.error) throw new Error(`${command} ${args.join(" ")} did not start: ${r.error.message}`);
  return { run, exitCode: r.status ?? 1, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** `npm start` on the bundled default export, as the README shows it. */
export async function timeStart(log: (m: string) => void): Promise<CommandRun> {
  const t = await timed("npm", ["start"], log);
  if (t.exitCode !== 0) log(t.output.split("\n").slice(-15).join("\n"));
  return { command: "npm start", ...t.run, exitCode: t.exitCode, parts: startParts(t.output) };
}

/** `npm test`, as the README shows it, with jest's JSON report for the counts and the slowest files. */
export async function timeTests(log: (m: string) => void): Promise<CommandRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workbook-bench-tests-"));
  const report = path.join(dir, "jest.json");
  try {
    const t = await timed("npm", ["test", "--", "--json", `--outputFile=${report}`], log);
    if (!fs.existsSync(report)) throw new Error(`npm test wrote no report (exit ${t.exitCode}):\n${t.output.split("\n").slice(-20).join("\n")}`);
    const parsed = testParts(JSON.parse(fs.readFileSync(report, "utf8")) as JestJson, projectRoot());
    return { command: "npm test", ...t.run, exitCode: t.exitCode, ...parsed };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
