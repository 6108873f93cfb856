import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { wholeNumber } from "../../lib/cli/wholeNumber";
import { InputError } from "../../lib/raw/inputError";
import { tempDir } from "../helpers/rawCsv";
import { projectRoot, runScript } from "../helpers/runScript";
import { createSandboxProject, TSX_CLI } from "../helpers/sandboxProject";
import { openKeyStore } from "../../lib/privacy/keystore";
import { recordErasures } from "../../lib/privacy/ledgers";

const cli = (...args: string[]) => runScript("lib/cli/main.ts", ...args);

describe("the pipeline command", () => {
  test("unusable input: exit code 2 and one line naming the file and the fix, no stack trace", () => {
    const missing = path.join(tempDir(), "missing.csv.gz");
    const result = cli("--input", missing, "split");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`error: ${missing}: input file not found. Fix:`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("a wrong header names the missing columns", () => {
    const file = path.join(tempDir(), "other.csv");
    fs.writeFileSync(file, "InvoiceNo,StockCode\n1,2\n");
    const result = cli("--input", file, "split");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/wrong header for source profile "default" \(missing "record_type"/);
  });

  test("an unknown source profile lists the available ones", () => {
    const result = cli("--profile", "nope", "split");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/nope\.json: source profile not found\. Fix: use one of default, normalised, online-retail/);
  });

  test("a command's help is its own, and says which options are required (rights retention --as-of)", () => {
    const rights = cli("rights", "--help");
    expect(rights.status).toBe(0);
    expect(rights.stdout).toMatch(/^Usage: workbook rights \[options\] \[command\]/);
    const retention = cli("rights", "retention", "--help");
    expect(retention.status).toBe(0);
    expect(retention.stdout).toMatch(/--as-of <date>\s+required: the reference date/);
    const missing = cli("rights", "retention");
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("error: required option '--as-of <date>' not specified");
  });

  test("a word that is no command is named, with the commands that exist (it said \"too many arguments for 'run'\")", () => {
    const result = cli("cleansing");
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^error: cleansing: is not a command \(did you mean cleanse\?\)\. Fix: run `npm start` for the whole pipeline, or one of: split, cleanse, warehouse, marts, opendata, purge, generate, normalise, rights, /);
    expect(cli("nosuch").stderr).toMatch(/^error: nosuch: is not a command\. Fix:/m);
  });

  test("--help lists every stage", () => {
    const result = cli("--help");
    expect(result.stdout).toMatch(/split/);
    expect(result.stdout).toMatch(/cleanse/);
    expect(result.stdout).toMatch(/generate/);
  });
});

describe("a bad number or a busy port on the command line: exit 2 and one line naming the option and the fix", () => {
  const bench = (...args: string[]) => runScript("lib/bench/main.ts", ...args);
  const oneLine = (result: ReturnType<typeof cli>, message: string) => {
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 2, stderr: `error: ${message}` });
  };

  test("wholeNumber: whole numbers in range, underscores allowed; anything else names the option", () => {
    expect(wholeNumber("--rows", "1_000_000", { min: 1 })).toBe(1_000_000);
    expect(wholeNumber("--port", "0", { max: 65535 })).toBe(0);
    for (const [text, opts] of [["", {}], ["abc", {}], ["1.5", {}], ["-1", {}], ["0", { min: 1 }], ["65536", { max: 65535 }]] as const) {
      expect(() => wholeNumber("--x", text, opts)).toThrow(InputError);
    }
  });

  test("generate --rows below the generator's least (100): where it died in the generator with its stack", () => {
    oneLine(cli("generate", "--rows", "50", "--out", path.join(tempDir(), "never-written.csv.gz")), '--rows: "50" is not a whole number of at least 100. Fix: pass e.g. --rows 1000');
  });

  test("a key store that is not the one that wrote the ledgers: one line and the fix, nothing staged (erased customers came back)", () => {
    const sb = createSandboxProject();
    try {
      // An erasure recorded under the sandbox's own keys, then the pipeline run with a new key directory.
      recordErasures(path.join(sb.root, "outputs", "privacy"), openKeyStore({ dir: sb.keyDir, log: () => {} }), ["cp_0123456789abcdef0123456789abcdef"], "erasure-request");
      const other = path.join(path.dirname(sb.root), "other-keys");
      const run = spawnSync(process.execPath, [TSX_CLI, "lib/cli/main.ts", "split"], { cwd: sb.root, env: { ...sb.env, WORKBOOK_KEY_DIR: other }, encoding: "utf8" });
      expect(run.status).toBe(2);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr).toMatch(new RegExp(`^error: the erasure and rectification ledgers in .* were written under pseudonym key v1 of another key store than ${other}: .*Fix: set WORKBOOK_KEY_DIR`, "m"));
      expect(fs.existsSync(path.join(sb.root, "outputs", "staging", "split", "order_lines.parquet"))).toBe(false);
    } finally {
      fs.rmSync(path.dirname(sb.root), { recursive: true, force: true });
    }
  });

  test("the portal's --port, before anything is built: where a non-number reached Node as NaN (a RangeError and its stack)", () => {
    oneLine(cli("portal", "--serve", "--port", "abc"), '--port: "abc" is not a whole number from 0 to 65535. Fix: pass e.g. --port 8080');
  });

  test("the portal's port already in use: the message without its stack", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/main.ts", "portal", "--serve", "--port", String(port), "--out", path.join(tempDir(), "site")], { cwd: projectRoot, env: { ...process.env, WORKBOOK_PROGRESS: "0" } });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (status) => resolve({ status, stderr }));
      });
      expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 2, stderr: `error: port ${port} on 127.0.0.1 is in use: choose another with --port` });
    } finally {
      server.close();
    }
  });

  test("the benchmark's row counts, seed and runs: where --rows 0 printed a stack trace", () => {
    oneLine(bench("--rows", "0"), '--rows: "0" is not a whole number of at least 100. Fix: pass e.g. --rows 1000000');
    oneLine(bench("--scale", "1000,x"), '--scale: "x" is not a whole number of at least 100. Fix: pass e.g. --scale 1000000,2000000');
    // The generator's least: 50 rows ran the floor and died in the generator with its stack.
    oneLine(bench("--rows", "50"), '--rows: "50" is not a whole number of at least 100. Fix: pass e.g. --rows 1000000');
    oneLine(bench("--rows", "100", "--seed", "-1"), '--seed: "-1" is not a whole number. Fix: pass e.g. --seed 1000');
    oneLine(bench("queries", "--runs", "0"), '--runs: "0" is not a whole number of at least 1. Fix: pass e.g. --runs 15');
    oneLine(bench("defaults", "--only", "foo"), '--only: expected start or tests, got "foo". Fix: pass --only start or --only tests, or leave it out for both');
  });
});
