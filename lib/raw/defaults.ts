/**
 * The committed default export. The row count keeps the gzip file under about 8 MB (measured:
 * see data/README.md), small enough for git, large enough for every defect to show up hundreds
 * of times. What the rows describe (customers, carriers, suppliers) is set from published figures
 * (data/README.md, "Sources"), not from what the release's confidentiality rules would need.
 */
export const DEFAULT_EXPORT = { path: "data/raw/export.csv.gz", rows: 115000, seed: 20240601 } as const;

/** The fewest rows the generator writes: below it, some record kinds and defects would not occur at all (lib/raw/generator.ts). */
export const GENERATOR_MIN_ROWS = 100;
