import { Cleaned, ok } from "./cleaned";

/**
 * Trims, folds every run of white space (newlines included) into one space and applies Unicode
 * NFC, so `"  Chaise\n pliante "` and `"Chaise pliante"` compare equal.
 */
export function normaliseText(raw: string): Cleaned {
  return ok(raw.normalize("NFC").replace(/\s+/g, " ").trim());
}

/** Lower case with the first letter of each word (and after an apostrophe or hyphen) upper case. */
export function titleCase(raw: string): Cleaned {
  const text = normaliseText(raw).value!;
  return ok(text.toLocaleLowerCase("fr-FR").replace(/(^|[\s'’\-])(\p{L})/gu, (_, sep, ch) => sep + ch.toLocaleUpperCase("fr-FR")));
}

export function upperCase(raw: string): Cleaned {
  return ok(normaliseText(raw).value!.toLocaleUpperCase("fr-FR"));
}

export function lowerCase(raw: string): Cleaned {
  return ok(normaliseText(raw).value!.toLocaleLowerCase("fr-FR"));
}
