/**
 * The markdown helpers moved to lib/io/markdown.ts, below every floor that writes a report (the
 * glossary of lib/notebook/ uses them too); the compliance modules still import them from here.
 */
export * from "../io/markdown";
