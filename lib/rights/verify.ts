/**
 * Proof of erasure (GDPR Art. 17 with Art. 5(2) accountability): every file under outputs/ and
 * every text column of both databases is searched for every identifier the person had. The
 * report names where a hit is and what kind of value it was, never the value (a verification
 * report must not itself become a copy of erased data).
 *
 * - `.duckdb` files are queried (core with its database key: otherwise its encrypted pages
 *   would hide a clear value from a byte search), every VARCHAR column, case-insensitively;
 * - `.parquet` files are queried the same way (their pages are compressed: a byte search would
 *   miss a clear value);
 * - `.gz` files are decompressed; every other file is searched as text, case-insensitively.
 * The ledgers and the audit log in outputs/privacy are expected to hold the pseudonym (that is
 * how the erasure is applied at every load): those hits are reported apart, as expected.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openNative, queryRows, sqlIdent, sqlString } from "../engine/native";
import { attachEncrypted, coreKeyFor } from "../privacy/coreEncryption";
import type { KeyStore } from "../privacy/keystore";
import { ERASURE_LEDGER_FILE, RECTIFICATION_LEDGER_FILE, RIGHTS_AUDIT_FILE } from "../privacy/ledgers";

export interface VerificationHit {
  file: string;
  table?: string;
  column?: string;
  kind: string;
  rows: number;
}

export interface ErasureVerification {
  passed: boolean;
  filesScanned: number;
  columnsScanned: number;
  identifiersSearched: Record<string, number>;
  hits: VerificationHit[];
  /** Pseudonym references in the ledgers/audit log: by design, not personal values. */
  expectedReferences: VerificationHit[];
}

const EXPECTED_PSEUDONYM_FILES = new Set([ERASURE_LEDGER_FILE, RECTIFICATION_LEDGER_FILE, RIGHTS_AUDIT_FILE]);

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

async function scanTables(conn: DuckDBConnection, catalog: string, identifiers: Record<string, string[]>, file: string, hits: VerificationHit[]): Promise<number> {
  const columns = await queryRows<{ s: string; t: string; c: string }>(
    conn,
    `select table_schema as s, table_name as t, column_name as c from information_schema.columns
     where table_catalog = ${sqlString(catalog)} and data_type = 'VARCHAR' order by all`,
  );
  for (const { s, t, c } of columns) {
    const source = `${sqlIdent(catalog)}.${sqlIdent(s)}.${sqlIdent(t)}`;
    await scanColumn(conn, source, c, identifiers, (kind, rows) => hits.push({ file, table: `${s}.${t}`, column: c, kind, rows }));
  }
  return columns.length;
}

async function scanColumn(conn: DuckDBConnection, source: string, column: string, identifiers: Record<string, string[]>, hit: (kind: string, rows: number) => void): Promise<void> {
  const counts = Object.entries(identifiers)
    .map(([kind, values]) => `count(*) filter (where ${values.map((v) => `contains(lower(${sqlIdent(column)}), ${sqlString(v.toLowerCase())})`).join(" or ")})::bigint as ${sqlIdent(kind)}`)
    .join(", ");
  const [row] = await queryRows<Record<string, number>>(conn, `select ${counts} from ${source}`);
  for (const [kind, n] of Object.entries(row)) if (Number(n) > 0) hit(kind, Number(n));
}

export async function verifyErasure(opts: {
  outputsDir: string;
  keyStore: KeyStore;
  /** kind -> values (from `subjectIdentifiers`); must include `pseudonym`. */
  identifiers: Record<string, string[]>;
  /** Directories to search besides outputs/ (e.g. reports/). */
  extraDirs?: string[];
}): Promise<ErasureVerification> {
  const identifiers = Object.fromEntries(Object.entries(opts.identifiers).filter(([, v]) => v.length > 0));
  const hits: VerificationHit[] = [];
  const expected: VerificationHit[] = [];
  const roots = [opts.outputsDir, ...(opts.extraDirs ?? [])];
  const files = roots.flatMap((r) => walk(r)).filter((f) => !/\.duckdb\.wal$|\.tmp-/.test(f));
  let columnsScanned = 0;
  const { instance, conn } = await openNative();
  try {
    for (const file of files) {
      const rel = path.relative(path.dirname(opts.outputsDir), file);
      if (file.endsWith(".duckdb")) {
        const key = coreKeyFor(file, opts.keyStore);
        if (key) await attachEncrypted(conn, file, "scanned", key, { readOnly: true });
        else await conn.run(`attach ${sqlString(file)} as scanned (read_only)`);
        try {
          columnsScanned += await scanTables(conn, "scanned", identifiers, rel, hits);
        } finally {
          await conn.run("detach scanned");
        }
      } else if (file.endsWith(".parquet")) {
        const cols = await queryRows<{ column_name: string; column_type: string }>(conn, `describe select * from read_parquet(${sqlString(file)})`);
        for (const c of cols.filter((c) => c.column_type === "VARCHAR")) {
          columnsScanned++;
          await scanColumn(conn, `read_parquet(${sqlString(file)})`, c.column_name, identifiers, (kind, rows) => hits.push({ file: rel, column: c.column_name, kind, rows }));
        }
      } else {
        let bytes = fs.readFileSync(file);
        if (file.endsWith(".gz")) bytes = zlib.gunzipSync(bytes);
        const text = bytes.toString("utf8").toLowerCase();
        for (const [kind, values] of Object.entries(identifiers)) {
          const n = values.reduce((sum, v) => sum + text.split(v.toLowerCase()).length - 1, 0);
          if (n === 0) continue;
          const h = { file: rel, kind, rows: n };
          if (kind === "pseudonym" && EXPECTED_PSEUDONYM_FILES.has(path.basename(file))) expected.push(h);
          else hits.push(h);
        }
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return {
    passed: hits.length === 0,
    filesScanned: files.length,
    columnsScanned,
    identifiersSearched: Object.fromEntries(Object.entries(identifiers).map(([k, v]) => [k, v.length])),
    hits,
    expectedReferences: expected,
  };
}
