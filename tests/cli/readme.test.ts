/**
 * Every command README.md and data/README.md show works as written: this test reads them, takes
 * every command line they quote (the lines of their ```bash blocks, and the `npm ...`, `npx ...`,
 * `bash ...`, `sudo ...` spans of their prose; `a && b` is two commands), and runs each, in README
 * order (README.md's, then those data/README.md adds), in a copy of the project (tests/helpers/sandboxProject.ts), failing on a non-zero exit.
 *
 * Small inputs, without editing the README's text: the copy's bundled export has 10,000 rows
 * (SMALL_EXPORT_ROWS, tests/helpers/smallExport.ts, says why not fewer), `other.csv.gz` is an
 * export of the same size and layout, ../shared/.../online_retail.csv.gz is the first rows of the
 * real one (when ../shared is there), and WORKBOOK_MAX_ROWS=10000 caps the
 * rows that `generate` and the benchmark produce (lib/cli/rowsCap.ts). The portal is served on a
 * free port through WORKBOOK_PORTAL_PORT and stopped with Ctrl+C (SIGINT), as a user stops it.
 *
 * Not run here, each for its reason, and each checked to be run by CI (.ci/run) instead: the
 * commands that install things or that are this test suite or CI itself. The commands that
 * execute the notebooks or the benchmark take minutes each: `npm test` only checks that CI runs
 * them; `npm run test:e2e` (WORKBOOK_README_SLOW=1, which CI runs right after `npm test`) runs
 * this file with those commands only, in README order, in a copy where `npm start` ran first
 * (`npm run bench -- notebooks` reads its outputs).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { createSandboxProject, type SandboxProject } from "../helpers/sandboxProject";
import { projectRoot } from "../helpers/runScript";
import { sharedDataset } from "../helpers/rawCsv";
import { recordSkip } from "../helpers/skip";
import { SMALL_EXPORT_ROWS } from "../helpers/smallExport";

export interface ReadmeCommand {
  line: string;
  /** The README heading it appears under. */
  section: string;
}

/** The command lines README.md quotes, in order, each once (the first time it appears). */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  let section = "(top)";
  let fence: string | null = null;
  let paragraph: string[] = [];
  const add = (text: string) => {
    for (const part of text.split("&&")) {
      const line = part.trim().replace(/\s+/g, " ");
      if (line && !out.some((c) => c.line === line)) out.push({ line, section });
    }
  };
  // Prose: code spans may wrap across lines, so a paragraph is read whole. A command may start
  // with environment assignments (`PORTAL_SCREENSHOTS=1 npx jest ...`).
  const flush = () => {
    for (const m of paragraph.join(" ").matchAll(/`([^`]+)`/g)) if (/^([A-Z_][A-Z0-9_]*=\S+ )*(npm|npx|bash|sudo) /.test(m[1].trim())) add(m[1]);
    paragraph = [];
  };
  for (const raw of markdown.split("\n")) {
    const fenceMatch = /^```(\w*)/.exec(raw.trim());
    if (fenceMatch) {
      flush();
      fence = fence === null ? fenceMatch[1] || "text" : null;
      continue;
    }
    if (fence !== null) {
      // A shell comment starts at a '#' after whitespace.
      if (["bash", "sh", "shell", "console"].includes(fence)) add(raw.replace(/(^|\s)#.*$/, ""));
      continue;
    }
    const heading = /^#+\s+(.*)$/.exec(raw);
    if (heading || raw.trim() === "") flush();
    if (heading) section = heading[1];
    else paragraph.push(raw);
  }
  flush();
  return out;
}

/** Commands this test does not run, why, and where they run instead. */
const ELSEWHERE: { match: RegExp; why: string; ranBy: RegExp }[] = [
  { match: /^npm ci$/, why: "reinstalls the node_modules this suite is running on", ranBy: /^step "npm ci" npm ci$/m },
  { match: /^npm test$/, why: "it is this suite", ranBy: /^step "npm test" npm test /m },
  { match: /^npm run test:e2e$/, why: "it is this file again, with the commands that take minutes", ranBy: /^step "npm run test:e2e" npm run test:e2e /m },
  { match: /^bash \.ci\/run$/, why: "it is CI, which runs this suite", ranBy: /^set -euo pipefail$/m },
  { match: /^npx jest tests\/portal$/, why: "those tests are part of npm test", ranBy: /^step "npm test" npm test /m },
  { match: /^PORTAL_SCREENSHOTS=1 npx jest tests\/portal\/browser\.test\.ts$/, why: "it rewrites the committed screenshots; npm test runs the same file, which writes them when the release is the committed one", ranBy: /^step "npm test" npm test /m },
  { match: /^sudo apt-get install /, why: "it installs system packages (CI's first step installs them when missing)", ranBy: /apt-get install -y --no-install-recommends "\$\{missing\[@\]\}"/ },
  { match: /^npm run notebooks$/, why: "it executes every notebook in place (minutes)", ranBy: /^step "npm run notebooks" npm run notebooks$/m },
];
/** Commands that take minutes: run by `npm run test:e2e` (WORKBOOK_README_SLOW=1), and only there. */
const SLOW = [/^npm run bench( |$)/, /^npm run reset$/];
const SLOW_ENABLED = process.env.WORKBOOK_README_SLOW === "1";
const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };

const markdown = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
/** README.md's commands, then those data/README.md adds (the raw contract, source profiles), each once. */
const commands = [...readmeCommands(markdown)];
for (const c of readmeCommands(fs.readFileSync(path.join(projectRoot, "data", "README.md"), "utf8"))) {
  if (!commands.some((k) => k.line === c.line)) commands.push({ line: c.line, section: `data/README.md: ${c.section}` });
}
/** Files the commands write outside the sandbox (README.md's larger export, data/README.md's examples): removed afterwards unless they were there before. */
const OUTSIDE_SANDBOX = ["/tmp/big.csv.gz", "/tmp/big.defects.json", "/tmp/seed7.csv.gz", "/tmp/seed7.defects.json", "/tmp/normalised"];
const ciScript = fs.readFileSync(path.join(projectRoot, ".ci", "run"), "utf8");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** A long-running command (the portal's server): started, checked while it runs, stopped with Ctrl+C. */
async function runServer(sb: SandboxProject, line: string, env: NodeJS.ProcessEnv, port: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn("bash", ["-c", `exec ${line}`], { cwd: sb.root, env: { ...sb.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const serving = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`on http://127.0.0.1:${port}/`)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", () => reject(new Error(`${line} stopped before serving:\n${output}`)));
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  try {
    await serving;
    const page = await fetch(`http://127.0.0.1:${port}/`);
    output += `\nGET / -> ${page.status}\n`;
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
  } finally {
    // Ctrl+C reaches the whole foreground group: npm and node (gone already if it failed).
    try {
      process.kill(-child.pid!, "SIGINT");
    } catch {
      // no such group: it stopped by itself, and `serving` says why
    }
  }
  return { ...(await closed), output };
}

describe("every command README.md shows works as written", () => {
  let sb: SandboxProject;
  let port: number;
  const env: NodeJS.ProcessEnv = { WORKBOOK_MAX_ROWS: String(SMALL_EXPORT_ROWS) };
  const existedBefore = new Set(OUTSIDE_SANDBOX.filter((f) => fs.existsSync(f)));

  beforeAll(async () => {
    sb = createSandboxProject({ rows: SMALL_EXPORT_ROWS });
    // `npm start -- --input other.csv.gz`: another file with the same layout.
    const other = sb.cli("generate", "--rows", String(SMALL_EXPORT_ROWS), "--seed", "7", "--out", "other.csv.gz");
    expect(other.status).toBe(0);
    // `--input ../shared/datasets/online-retail/online_retail.csv.gz`: its first rows, when ../shared is here.
    const december = sharedDataset("online_retail_2010-12.csv");
    if (december) {
      const target = path.join(sb.root, "..", "shared", "datasets", "online-retail", "online_retail.csv.gz");
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const head = fs.readFileSync(december, "utf8").split("\n").slice(0, 8001).join("\n") + "\n";
      fs.writeFileSync(target, zlib.gzipSync(head));
      // `profile check --input ../shared/datasets/online-retail/online_retail_2010-12.csv`: the same first rows.
      fs.writeFileSync(path.join(path.dirname(target), "online_retail_2010-12.csv"), head);
    }
    port = await freePort();
    env.WORKBOOK_PORTAL_PORT = String(port);
    if (SLOW_ENABLED) {
      // Only the commands that take minutes run in this mode; the benchmark of the notebooks reads
      // what `npm start` (the README's first command) writes.
      const start = sb.shell("npm start", { env, timeoutMs: 1_500_000 });
      expect({ status: start.status, stderr: start.stderr.slice(-3000) }).toEqual({ status: 0, stderr: expect.any(String) });
    }
  }, 1_800_000);

  afterAll(() => {
    if (sb) fs.rmSync(path.dirname(sb.root), { recursive: true, force: true });
    for (const f of OUTSIDE_SANDBOX) if (!existedBefore.has(f)) fs.rmSync(f, { recursive: true, force: true });
  });

  test("README.md quotes commands, and this test knows how to run or where to find each", () => {
    expect(commands.filter((c) => SLOW.some((re) => re.test(c.line))).length).toBeGreaterThan(0);
    expect(commands.length).toBeGreaterThan(15);
    expect(commands.map((c) => c.line)).toEqual(
      expect.arrayContaining(["npm start -- split", "npm start -- rights --help", "npm start -- generate --rows 1000000 --out /tmp/big.csv.gz", "npm start -- normalise --out /tmp/normalised", "npm start -- --input /tmp/normalised/ --profile normalised"]),
    );
    // Every file a command writes outside the sandbox is one this test removes.
    for (const c of commands) for (const m of c.line.matchAll(/--out (\/tmp\/\S+)/g)) expect(OUTSIDE_SANDBOX).toContain(m[1].replace(/\/$/, ""));
  });

  for (const [i, { line, section }] of commands.entries()) {
    const elsewhere = ELSEWHERE.find((e) => e.match.test(line));
    const name = `#${i + 1} \`${line}\` (${section})`;
    if (elsewhere) {
      if (SLOW_ENABLED) continue; // checked in npm test
      test(`${name}: not run here (${elsewhere.why}); CI runs it`, () => {
        expect(ciScript).toMatch(elsewhere.ranBy);
      });
      continue;
    }
    const slow = SLOW.some((re) => re.test(line));
    if (slow !== SLOW_ENABLED) {
      // npm test: the commands that take minutes belong to npm run test:e2e, which CI runs after it.
      // npm run test:e2e: the others ran in npm test.
      if (!SLOW_ENABLED) {
        test(`${name}: takes minutes, run by \`npm run test:e2e\` (WORKBOOK_README_SLOW=1); CI runs it`, () => {
          expect(packageJson.scripts["test:e2e"]).toMatch(/WORKBOOK_README_SLOW=1 .*jest .*tests\/cli\/readme\.test\.ts/);
          expect(ciScript).toMatch(/^step "npm run test:e2e" npm run test:e2e/m);
        });
      }
      continue;
    }
    const needsShared = line.includes("../shared/") && !sharedDataset("online_retail_2010-12.csv");
    if (needsShared) {
      recordSkip(`${line}: ../shared/datasets/online-retail/ is absent`, "put the shared datasets beside the project, in ../shared/");
      test.skip(name, () => {});
      continue;
    }
    test(
      `${name} ${line.includes("--serve") ? "serves, and stops on Ctrl+C" : "exits 0"}`,
      async () => {
        if (line.includes("--serve")) {
          // It serves until Ctrl+C, as the README says: npm then ends by that SIGINT (a shell
          // shows 130); an error exit (a port in use, a missing release) is a failure.
          const served = await runServer(sb, line, env, port);
          const stoppedByCtrlC = served.code === 0 || served.code === 130 || served.signal === "SIGINT";
          expect({ line, code: served.code, signal: served.signal, stoppedByCtrlC, output: served.output.slice(-3000) }).toEqual({
            line,
            code: served.code,
            signal: served.signal,
            stoppedByCtrlC: true,
            output: expect.stringContaining("GET / -> 200"),
          });
          return;
        }
        const result = sb.shell(line, { env, timeoutMs: 1_500_000 });
        // A failure shows the end of what the command wrote (both streams), so that CI's log says why.
        const tail = result.status === 0 ? "" : `${result.stdout.slice(-2000)}\n--- stderr ---\n${result.stderr.slice(-3000)}`;
        expect({ line, status: result.status, tail }).toEqual({ line, status: 0, tail: "" });
        if (/--help$/.test(line)) expect(result.stdout).toMatch(/^Usage: workbook rights /m);
      },
      1_800_000,
    );
  }
});
