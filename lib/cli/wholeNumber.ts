import { InputError } from "../raw/inputError";

/**
 * A command-line option's whole number (underscores allowed: `1_000_000`) of at least `min` and
 * at most `max`, or an InputError naming the option: the commands print it as one line and exit
 * 2, where a bad number used to reach Node as NaN (a RangeError and its stack, or a silent
 * default).
 */
export function wholeNumber(option: string, text: string, opts: { min?: number; max?: number; example?: string } = {}): number {
  const min = opts.min ?? 0;
  const n = Number(text.replace(/_/g, ""));
  if (text.trim() === "" || !Number.isInteger(n) || n < min || (opts.max !== undefined && n > opts.max)) {
    const range = opts.max !== undefined ? ` from ${min} to ${opts.max}` : min > 0 ? ` of at least ${min}` : "";
    throw new InputError(option, `${JSON.stringify(text)} is not a whole number${range}`, `pass e.g. ${option} ${opts.example ?? "1000"}`);
  }
  return n;
}
