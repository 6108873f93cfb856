/**
 * The rules of a large value map on every core. A map's distinct values are cleaned in JavaScript
 * while DuckDB waits (at 10 M rows some 5.8 million phone spellings through libphonenumber-js, and
 * 1.9 million emails): the pool cuts each batch into one slice per worker thread and puts the
 * results back in the batch's order, so the map holds the same rows as a single-threaded run.
 *
 * Used only for a map large enough to pay for it (POOL_MIN_VALUES), and started by the first one:
 * a thread loads the rules' modules (libphonenumber-js's metadata, Arquero) in about half a second
 * while the calling thread waits, and the costliest rule (phone) takes about 4 µs a value.
 */
import * as path from "node:path";
import type { Worker } from "node:worker_threads";
import { tsWorker } from "../io/tsWorker";
import type { RuleName } from "./missingValuePolicy";
import type { CleanedBatch } from "./ruleBatch";
import type { RuleContext } from "./rules/index";
import type { RuleSliceMessage } from "./ruleWorker";

/**
 * Maps of fewer distinct values to clean are cleaned on the calling thread. Measured on the
 * cleanse stage with the pool for every map of 20,000 values or more: the bundled export 3.2-3.5 s
 * -> 3.8 s (the workers' start-up not earned back); 1 M rows (maps of 520,000 phone spellings,
 * 200,000 emails, 100,000 streets) 15.6-16.3 s both ways; 10 M rows 167.2 -> 150.3 and 150.7 s.
 * With this threshold: the bundled export 3.4 s (no worker starts), 1 M rows 15.8-16.0 s, 10 M rows
 * 157.7 s; the same bytes every time.
 */
export const POOL_MIN_VALUES = 250_000;

type Answer = { id: number; error?: string } & Partial<CleanedBatch>;

export class RulePool {
  #workers: Worker[] | undefined;
  #pending = new Map<number, { resolve: (b: CleanedBatch) => void; reject: (e: Error) => void }>();
  #nextId = 0;
  #failure: Error | undefined;

  constructor(
    private readonly context: RuleContext,
    readonly threads: number,
  ) {}

  /** Whether a map of `n` distinct values to clean goes to the pool (more than one thread, and a map large enough). */
  wants(n: number): boolean {
    return this.threads > 1 && n >= POOL_MIN_VALUES;
  }

  /** Cleans a batch with the named rule: one slice per thread, results in the batch's order. */
  async clean(rule: RuleName, raws: readonly string[], contexts: readonly (string | null)[]): Promise<CleanedBatch> {
    const workers = this.#start();
    const size = Math.ceil(raws.length / workers.length);
    const slices = await Promise.all(
      workers.map((worker, w) => this.#send(worker, { id: this.#nextId++, rule, raws: raws.slice(w * size, (w + 1) * size), contexts: contexts.slice(w * size, (w + 1) * size) })),
    );
    return { values: slices.flatMap((s) => s.values), issues: slices.flatMap((s) => s.issues) };
  }

  async close(): Promise<void> {
    const workers = this.#workers ?? [];
    this.#workers = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #start(): Worker[] {
    if (this.#failure) throw this.#failure;
    if (this.#workers) return this.#workers;
    this.#workers = Array.from({ length: this.threads }, () => {
      const worker = tsWorker(path.join(__dirname, "ruleWorker.ts"), { workerData: this.context });
      worker.on("message", (m: Answer) => {
        const pending = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.error !== undefined) pending?.reject(new Error(`cleansing rule worker: ${m.error}`));
        else pending?.resolve({ values: m.values!, issues: m.issues! });
      });
      worker.on("error", (err) => this.#fail(err));
      return worker;
    });
    return this.#workers;
  }

  #send(worker: Worker, message: RuleSliceMessage): Promise<CleanedBatch> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  #fail(err: Error): void {
    this.#failure = new Error(`cleansing rule worker failed: ${err.message}`);
    for (const p of this.#pending.values()) p.reject(this.#failure);
    this.#pending.clear();
  }
}
