/**
 * One thread of the field-encryption pool (fieldEncryptionPool.ts): encrypts the batches it is
 * sent with the same function as everywhere else (envelope.ts `encryptFieldDeterministic`).
 * Keys arrive as 32-byte slices of one buffer and are never sent back.
 */
import { parentPort } from "node:worker_threads";
import { encryptFieldDeterministic } from "./envelope";

export interface FieldBatchMessage {
  id: number;
  /** The data keys of the batch's customers, 32 bytes each, concatenated. */
  keys: Uint8Array;
  /** Per field: the index of its key in `keys`, its AAD and its plaintext. */
  keyIndex: Int32Array;
  aads: string[];
  plaintexts: string[];
}

parentPort!.on("message", (m: FieldBatchMessage) => {
  const keys = Buffer.from(m.keys.buffer, m.keys.byteOffset, m.keys.byteLength);
  const ciphertexts: string[] = new Array(m.plaintexts.length);
  let last = -1;
  let key = Buffer.alloc(0);
  for (let i = 0; i < m.plaintexts.length; i++) {
    if (m.keyIndex[i] !== last) {
      last = m.keyIndex[i];
      key = keys.subarray(last * 32, last * 32 + 32);
    }
    ciphertexts[i] = encryptFieldDeterministic(key, m.plaintexts[i], m.aads[i]) as string;
  }
  keys.fill(0);
  parentPort!.postMessage({ id: m.id, ciphertexts });
});
