/**
 * The kinds of data-subject request and the error of a deadline that cannot be accepted: their
 * own module, without the warehouse behind lib/rights/deadlines.ts, so that the command line
 * (lib/cli/rights.ts) can name them in its help and catch the error without loading DuckDB.
 */

/** A receipt date, an extension or a report that cannot be accepted; the message says why. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeadlineError";
  }
}

/** The audit actions that answer a data-subject request, and the one that extends its deadline. */
export const REQUEST_ACTIONS = ["access", "rectification", "erasure"] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];
export const EXTENSION_ACTION = "request-extension";
