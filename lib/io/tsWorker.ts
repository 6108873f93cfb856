/**
 * A worker thread running one of the library's TypeScript modules. The worker loads it through
 * tsx's require hook, whatever runs the caller (tsx, jest, the notebook kernel): the caller's own
 * loader does not reach a new thread.
 */
import { Worker, type WorkerOptions } from "node:worker_threads";

export function tsWorker(modulePath: string, options: Omit<WorkerOptions, "eval"> = {}): Worker {
  const bootstrap = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(modulePath)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
