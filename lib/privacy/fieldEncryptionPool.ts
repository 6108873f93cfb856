/**
 * Field encryption on every core: a warehouse build encrypts millions of personal fields (about
 * 4 million at 10 million rows), each an HMAC and an AES-GCM operation of some 20 µs in Node.
 * The pool hands batches to worker threads (one per core) and returns the ciphertexts in the
 * order of the batch; the function is envelope.ts `encryptFieldDeterministic` in every thread,
 * so the bytes are those of a single-threaded run.
 */
import * as path from "node:path";
import type { Worker } from "node:worker_threads";
import { tsWorker } from "../io/tsWorker";
import type { FieldBatchMessage } from "./fieldEncryptionWorker";

export interface FieldToEncrypt {
  /** 32-byte data key of the field's customer. */
  key: Buffer;
  aad: string;
  plaintext: string;
}

export class FieldEncryptionPool {
  #workers: Worker[] = [];
  #idle: Worker[] = [];
  #waiting: Array<{ resolve: (w: Worker) => void; reject: (e: Error) => void }> = [];
  #pending = new Map<number, { resolve: (c: string[]) => void; reject: (e: Error) => void }>();
  #nextId = 0;
  #failure: Error | undefined;

  constructor(threads: number) {
    for (let i = 0; i < Math.max(1, threads); i++) {
      const worker = tsWorker(path.join(__dirname, "fieldEncryptionWorker.ts"));
      worker.on("message", (m: { id: number; ciphertexts: string[] }) => {
        this.#pending.get(m.id)?.resolve(m.ciphertexts);
        this.#pending.delete(m.id);
        this.#release(worker);
      });
      worker.on("error", (err) => this.#fail(err));
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  /** Encrypts a batch (fields of one customer kept together are cheapest); ciphertexts in batch order. */
  async encrypt(fields: readonly FieldToEncrypt[]): Promise<string[]> {
    if (this.#failure) throw this.#failure;
    const keyIndex = new Int32Array(fields.length);
    const keys: Buffer[] = [];
    let last: Buffer | undefined;
    // The AADs and plaintexts travel as the UTF-8 bytes the worker encrypts, in one transferred
    // buffer (ends[2i]: end of field i's AAD, ends[2i + 1]: end of its plaintext): no string is
    // cloned into the worker, and no buffer made there from each one.
    const ends = new Int32Array(2 * fields.length);
    let size = 0;
    fields.forEach((f, i) => {
      if (f.key !== last) {
        keys.push(f.key);
        last = f.key;
      }
      keyIndex[i] = keys.length - 1;
      size += Buffer.byteLength(f.aad, "utf8");
      ends[2 * i] = size;
      size += Buffer.byteLength(f.plaintext, "utf8");
      ends[2 * i + 1] = size;
    });
    // Buffer.alloc, never a slice of Node's shared pool: the whole ArrayBuffer is transferred.
    const text = Buffer.alloc(size);
    fields.forEach((f, i) => {
      text.write(f.aad, i === 0 ? 0 : ends[2 * i - 1], "utf8");
      text.write(f.plaintext, ends[2 * i], "utf8");
    });
    const keyBytes = Buffer.alloc(32 * keys.length);
    keys.forEach((k, i) => k.copy(keyBytes, 32 * i));
    const worker = await this.#acquire();
    const id = this.#nextId++;
    const message: FieldBatchMessage = { id, keys: keyBytes, keyIndex, text, ends };
    return new Promise<string[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Transferred, not copied: once sent, the keys and plaintexts are no longer readable on this
      // side (the worker wipes them after use).
      worker.postMessage(message, [keyBytes.buffer, text.buffer, keyIndex.buffer, ends.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers = [];
  }

  #acquire(): Promise<Worker> {
    const w = this.#idle.pop();
    if (w) return Promise.resolve(w);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(worker: Worker): void {
    const next = this.#waiting.shift();
    if (next) next.resolve(worker);
    else this.#idle.push(worker);
  }

  #fail(err: Error): void {
    this.#failure = new Error(`field encryption worker failed: ${err.message}`);
    for (const p of this.#pending.values()) p.reject(this.#failure);
    this.#pending.clear();
    // Batches waiting for a worker would otherwise wait for ever (and the build with them).
    for (const w of this.#waiting) w.reject(this.#failure);
    this.#waiting = [];
  }
}
