/** Test helpers: every key store lives in a fresh temp directory, never in the project's .keys/. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openKeyStore, type KeyStore } from "../../lib/privacy/keystore";

export function tempDir(prefix = "workbook-privacy-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A key store in `<temp>/keys` (absent before the call, so it is created fresh); creation notices are collected, not printed. */
export function tempKeyStore(): { store: KeyStore; dir: string; root: string; messages: string[] } {
  const root = tempDir();
  const dir = path.join(root, "keys");
  const messages: string[] = [];
  const store = openKeyStore({ dir, log: (m) => messages.push(m) });
  return { store, dir, root, messages };
}

export function removeTemp(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}
