/** jest: TypeScript through swc, emitted as CommonJS. ESM-only packages are transformed too. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.(t|j|mj)s$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
  transformIgnorePatterns: ["/node_modules/(?!(arquero|@uwdata/flechette)/)"],
  testTimeout: 120000,
  maxWorkers: 2,
  // The longest files first, from jest's cache or, on a fresh clone, a committed run (tests/helpers/sequencer.js).
  testSequencer: "<rootDir>/tests/helpers/sequencer.js",
  // One directory per run for the fixtures several files share (tests/helpers/sharedFixture.ts).
  globalSetup: "<rootDir>/tests/helpers/globalSetup.js",
  globalTeardown: "<rootDir>/tests/helpers/globalTeardown.js",
  // Skipped suites say why, and how to run them, at the end of the run (tests/helpers/skip.ts).
  reporters: ["default", "<rootDir>/tests/helpers/skipReporter.js"],
};
