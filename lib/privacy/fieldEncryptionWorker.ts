/**
 * One thread of the field-encryption pool (fieldEncryptionPool.ts): encrypts the batches it is
 * sent with the same construction as everywhere else (envelope.ts `encryptFieldBytesDeterministic`, what
 * `encryptFieldDeterministic` computes). Keys arrive as 32-byte slices of one buffer and are never sent back.
 */
import { parentPort } from "node:worker_threads";
import { encryptFieldBytesDeterministic } from "./envelope";

export interface FieldBatchMessage {
  id: number;
  /** The data keys of the batch's customers, 32 bytes each, concatenated. */
  keys: Uint8Array;
  /** Per field: the index of its key in `keys`. */
  keyIndex: Int32Array;
  /** Per field, one after the other: the UTF-8 bytes of its AAD, then of its plaintext. */
  text: Uint8Array;
  /** Per field i: ends[2i] where its AAD ends in `text`, ends[2i + 1] where its plaintext ends. */
  ends: Int32Array;
}

parentPort!.on("message", (m: FieldBatchMessage) => {
  const keys = Buffer.from(m.keys.buffer, m.keys.byteOffset, m.keys.byteLength);
  const text = Buffer.from(m.text.buffer, m.text.byteOffset, m.text.byteLength);
  const ciphertexts: string[] = new Array(m.keyIndex.length);
  let last = -1;
  let key = Buffer.alloc(0);
  let start = 0;
  for (let i = 0; i < ciphertexts.length; i++) {
    if (m.keyIndex[i] !== last) {
      last = m.keyIndex[i];
      key = keys.subarray(last * 32, last * 32 + 32);
    }
    const aadEnd = m.ends[2 * i];
    const end = m.ends[2 * i + 1];
    ciphertexts[i] = encryptFieldBytesDeterministic(key, text.subarray(aadEnd, end), text.subarray(start, aadEnd));
    start = end;
  }
  keys.fill(0);
  text.fill(0);
  parentPort!.postMessage({ id: m.id, ciphertexts });
});
