import { Cleaned, ok } from "./cleaned";

/**
 * Trims, folds every run of white space (newlines included) into one space and applies Unicode
 * NFC, so `"  Chaise\n pliante "` and `"Chaise pliante"` compare equal.
 */
export function normaliseText(raw: string): Cleaned {
  return ok(raw.normalize("NFC").replace(/\s+/g, " ").trim());
}

/**
 * Postal codes keep their letters' case and their inner space (`WA1 1DP`, `1000 AB`): only the
 * white space around and doubled inside goes.
 */
export function postalCode(raw: string): Cleaned {
  return normaliseText(raw);
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

/** Words that stay lower case inside French street and place names (`Voie de Presbourg`, `Villeneuve-d'Ascq`). */
const FRENCH_PARTICLES = new Set(["de", "du", "des", "la", "le", "les", "l'", "d'", "et", "en", "sur", "sous", "aux", "au", "à"]);

/**
 * Addresses and place names typed in any casing (`85 VoIe dE PrEsBoUrG`) compare equal once
 * rewritten the French way: capitals on words, particles in lower case except first.
 */
export function frenchNameCase(raw: string): Cleaned {
  const text = normaliseText(raw).value!.toLocaleLowerCase("fr-FR");
  const tokens = text.split(/([\s\-]+|(?<=['’]))/u);
  let first = true;
  return ok(
    tokens
      .map((token) => {
        if (!token || /^[\s\-]+$/u.test(token)) return token;
        const keep = !first && FRENCH_PARTICLES.has(token.replace("’", "'"));
        first = false;
        return keep ? token : token.replace(/\p{L}/u, (ch) => ch.toLocaleUpperCase("fr-FR"));
      })
      .join(""),
  );
}
