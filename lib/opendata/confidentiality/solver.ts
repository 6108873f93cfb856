/**
 * The HiGHS LP solver (wasm, shipped inside the `highs` package: no network, no native build).
 * Loaded once per process: instantiating the wasm module costs far more than an audit's solves.
 */
import type { Highs } from "highs";

type Loader = (options?: object) => Promise<Highs>;

let runtime: Promise<Highs> | undefined;

export function loadSolver(): Promise<Highs> {
  if (!runtime) {
    // The package's CommonJS entry exports the loader itself; the default loader finds
    // highs.wasm next to it, so nothing is fetched.
    const exported = require("highs") as Loader | { default: Loader };
    const loader: Loader = typeof exported === "function" ? exported : exported.default;
    runtime = loader();
  }
  return runtime;
}
