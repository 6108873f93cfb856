/**
 * Ctrl+C reaches the command's own handler, whatever its main thread is doing. The npm scripts
 * start their TypeScript entry points with `node --import tsx`, not with the `tsx` command: tsx's
 * CLI runs the script in a child process, relays a Ctrl+C to it and, when the child has not
 * answered within about 60 ms (its main thread busy in a synchronous step), kills it with SIGKILL.
 * The pipeline's handler (lib/cli/runPipeline.ts `withRunLock`) then never ran: the run's work
 * directory, with the personal data it had staged, stayed until the next start, and the run lock
 * was left behind (seen once in five Ctrl+C at the start of the warehouse stage of `npm start`).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../helpers/runScript";

const scripts = (JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const FIXTURE = "tests/cli/fixtures/busyAtSigint.ts";

describe("Ctrl+C and the npm scripts", () => {
  test("every script that runs a TypeScript file starts it with node --import tsx, not the tsx command", () => {
    const typescript = Object.entries(scripts).filter(([, line]) => /\blib\/\S+\.ts\b/.test(line));
    expect(typescript.map(([name]) => name).sort()).toEqual(["bench", "fuzz", "notebooks", "portal", "reset", "start"]);
    for (const [name, line] of typescript) expect(`${name}: ${line}`).toMatch(new RegExp(`^${name}: node --import tsx lib/\\S+\\.ts\\b`));
  });

  test("a Ctrl+C while the main thread is busy runs the command's handler (npm start's launcher)", async () => {
    // npm start's own command line, with the fixture in place of lib/cli/main.ts, in a process
    // group of its own as a terminal runs it; the signal goes to the whole group, as Ctrl+C does.
    // (exec: the exit status is the command's, not that of the shell, which the signal stops.)
    const line = scripts.start.replace("lib/cli/main.ts", FIXTURE);
    expect(line).not.toBe(scripts.start);
    const child = spawn("sh", ["-c", `exec ${line}`], {
      cwd: projectRoot,
      detached: true,
      env: { ...process.env, PATH: `${path.join(projectRoot, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    for (let i = 0; i < 200 && !out.includes("ready"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain("ready");
    await new Promise((r) => setTimeout(r, 150)); // inside the 400 ms the main thread is blocked
    process.kill(-child.pid!, "SIGINT");
    expect(await exited).toBe(130);
    expect(out).toContain("handled");
  }, 30_000);
});
