"use strict";
/**
 * Loads an ES module from CommonJS code: `esmImport("vega")`.
 *
 * Why this file exists: vega and vega-lite are ESM-only and vega has top-level await, so
 * `require()` cannot load them. TypeScript cells (tslab), jest (swc) and tsx all compile
 * `.ts` files to CommonJS, which rewrites `await import("vega")` into `require("vega")`.
 * A `.cjs` file is never transpiled, so the `import()` below stays a real dynamic import.
 *
 * Under jest, test code runs inside a `vm` context whose dynamic `import()` is refused
 * unless node runs with `--experimental-vm-modules`. There we import through node's own
 * (main context) loader instead, so plain `jest` works: the module is loaded once per
 * worker, outside jest's module registry (jest.mock cannot replace it).
 */
const vm = require("node:vm");

const inMainContext = vm.runInThisContext("globalThis") === globalThis;

let mainContextImport = null;
function importFromMainContext(specifier) {
  if (mainContextImport !== null) return mainContextImport(specifier);
  // Node flags this loader option as experimental once per process, on the first import; in a
  // test run that is noise, so that one warning (and only it) is dropped during that call.
  const nodeProcess = vm.runInThisContext("process");
  const emitWarning = nodeProcess.emitWarning;
  nodeProcess.emitWarning = function (warning, ...rest) {
    if (String(warning).includes("USE_MAIN_CONTEXT_DEFAULT_LOADER")) return;
    return emitWarning.call(this, warning, ...rest);
  };
  try {
    mainContextImport = new vm.Script("(specifier) => import(specifier)", {
      filename: __filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext();
    return mainContextImport(specifier);
  } finally {
    nodeProcess.emitWarning = emitWarning;
  }
}

/** @type {(specifier: string) => Promise<any>} */
module.exports = inMainContext ? (specifier) => import(specifier) : importFromMainContext;
