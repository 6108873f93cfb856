/**
 * Rows of the generated exports that tests run the whole pipeline on (the README's commands, the
 * interruption tests, the benchmark's own run). Not fewer: the Open Data release costs the most on
 * the tiniest exports, where primary suppression flags most cells and the protection's search and
 * audits work through large groups of unknown figures. Measured on commit 994973b (one run each,
 * 2 cores, nothing else running): 2,000-row exports took 24 to 34 s a run, 21 to 30 s of it the
 * release; 10,000-row exports 7 to 11 s, 3.6 to 6.8 s of it the release.
 */
export const SMALL_EXPORT_ROWS = 10_000;
