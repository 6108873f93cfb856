/**
 * withMemoryLimit (lib/warehouse/db.ts): the steps of the warehouse build with a memory limit of
 * their own (the protect step's encryption, dim_customer) run under it, and the build's limit is
 * back afterwards, whether the step succeeded or threw.
 */
import { openNative, queryRows } from "../../lib/engine/native";
import { withMemoryLimit } from "../../lib/warehouse/db";

test("a step runs under its own memory limit, and the build's comes back after it, even when it throws", async () => {
  const { instance, conn } = await openNative({ memoryLimit: "2GB", threads: 1 });
  // DuckDB reads a limit back rounded ('1.8 GiB' for 2GB): compare with how it reads each one back.
  const shown = async (limit?: string) => {
    if (limit) await conn.run(`set memory_limit = '${limit}'`);
    return (await queryRows<{ m: string }>(conn, "select current_setting('memory_limit') as m"))[0].m;
  };
  const build = await shown("2GB");
  const own = await shown("1GB");
  expect(own).not.toBe(build);
  await shown("2GB");

  const inside = await withMemoryLimit(conn, "1GB", "2GB", () => shown());
  expect(inside).toBe(own);
  expect(await shown()).toBe(build);

  await expect(
    withMemoryLimit(conn, "1GB", "2GB", async () => {
      expect(await shown()).toBe(own);
      throw new Error("the step failed");
    }),
  ).rejects.toThrow("the step failed");
  expect(await shown()).toBe(build);
  conn.closeSync();
  instance.closeSync();
});
