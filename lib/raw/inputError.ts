/**
 * The error of an unusable input (missing file, wrong header, unreadable bytes, a profile that
 * cannot be read): one line naming the file, the line when it applies, and the fix. The CLI prints
 * it without a stack trace and exits 2. Its own module, so that the input checks and the profile
 * loader can both throw it without importing each other.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `, line ${line}` : ""}: ${problem}. Fix: ${fix}`);
    this.name = "InputError";
  }
}
