/**
 * The encrypted core read by another session (the Open Data release, the rights commands): a
 * query that spills must run, its spill files encrypted. Before attachEncrypted set DuckDB's
 * mbedTLS write path for read-only attaches too, the first spill stopped the session with "read-only
 * crypto module" (found on the 10 M-row release under a lower memory limit).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openNative } from "../../lib/engine/native";
import { attachEncrypted, newCoreKey, openCoreForReading, openEncryptedDatabase } from "../../lib/privacy/coreEncryption";
import { removeTemp, tempKeyStore } from "./tempKeyStore";

const SPILLING_QUERY = "select count(*)::integer as n from (select md5(range::varchar) || repeat('x', 50) as s from range(1000000) order by s)";

describe("an encrypted core attached read-only", () => {
  test("runs a query that spills under a small memory limit, its spill files encrypted", async () => {
    const { store, root } = tempKeyStore();
    try {
      const file = path.join(root, "core.duckdb");
      const key = newCoreKey(store);
      const writer = await openEncryptedDatabase(file, key, { alias: "core" });
      await writer.connection.run("create table core.t as select range as i from range(10)");
      writer.close();

      const session = () => openNative({ memoryLimit: "40MB", threads: 1, tempDirectory: path.join(root, "spill") });
      // The control: the query does spill. A read-only attach with encrypted spills, without the
      // write path, stops at the first spill (what the release met).
      const control = await session();
      try {
        await control.conn.run("set temp_file_encryption = true");
        await control.conn.run(`attach '${file}' as core (encryption_key '${key.secret}', read_only)`);
        await expect(control.conn.run(SPILLING_QUERY)).rejects.toThrow(/read-only crypto module/);
      } finally {
        control.conn.closeSync();
        control.instance.closeSync();
      }
      const { instance, conn } = await session();
      try {
        await attachEncrypted(conn, file, "core", key, { readOnly: true });
        expect((await conn.runAndReadAll("select current_setting('temp_file_encryption') as e")).getRowObjectsJS()).toEqual([{ e: true }]);
        expect((await conn.runAndReadAll(SPILLING_QUERY)).getRowObjectsJS()).toEqual([{ n: 1000000 }]);
        expect((await conn.runAndReadAll("select count(*)::integer as n from core.t")).getRowObjectsJS()).toEqual([{ n: 10 }]);
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    } finally {
      removeTemp(root);
    }
  }, 120_000);
});

test("reading a core that is not there says who builds it, and creates no empty database in its place", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "core-missing-"));
  try {
    const file = path.join(dir, "core.duckdb");
    await expect(openCoreForReading(file)).rejects.toThrow(`${file} not found: the warehouse is built by \`npm start\``);
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
