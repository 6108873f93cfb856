/**
 * The fixtures several test files share (tests/helpers/sharedFixture.ts): built once per run,
 * each caller gets its own copy with its paths, and a failed build is not kept.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sharedFixture } from "../helpers/sharedFixture";

const unique = `fixture-test-${process.pid}-${Date.now()}`;

test("built once for concurrent callers; each gets its own copy, paths in the value pointing into it", async () => {
  let builds = 0;
  const build = async (dir: string) => {
    builds++;
    await new Promise((resolve) => setTimeout(resolve, 100));
    fs.writeFileSync(path.join(dir, "data.txt"), "built");
    return { file: path.join(dir, "data.txt") };
  };
  const [a, b] = await Promise.all([sharedFixture(`${unique}-a`, build), sharedFixture(`${unique}-a`, build)]);
  expect(builds).toBe(1);
  expect(a.dir).not.toBe(b.dir);
  expect(a.value.file).toBe(path.join(a.dir, "data.txt"));
  fs.writeFileSync(a.value.file, "changed by one test");
  expect(fs.readFileSync(b.value.file, "utf8")).toBe("built");
  const c = await sharedFixture(`${unique}-a`, build, fs.mkdtempSync(path.join(os.tmpdir(), "fixture-into-")));
  expect(fs.readFileSync(c.value.file, "utf8")).toBe("built");
  expect(builds).toBe(1);
});

test("a failed build is not kept: the next caller builds again (and meets its own error)", async () => {
  let builds = 0;
  const failing = async () => {
    builds++;
    throw new Error("build failed");
  };
  await expect(sharedFixture(`${unique}-b`, failing)).rejects.toThrow("build failed");
  await expect(sharedFixture(`${unique}-b`, failing)).rejects.toThrow("build failed");
  expect(builds).toBe(2);
  const ok = await sharedFixture(`${unique}-b`, async (dir) => (fs.writeFileSync(path.join(dir, "x"), "1"), 42));
  expect(ok.value).toBe(42);
});
