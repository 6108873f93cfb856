import countries from "i18n-iso-countries";
import { Cleaned, invalid, ok } from "./cleaned";
import { COUNTRY_ALIASES } from "./countryAliases";

const LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pt"];

/**
 * Countries to ISO 3166-1 alpha-2: alpha-2 and alpha-3 codes, names in the languages exports
 * use (i18n-iso-countries), then the aliases no standard knows (`EIRE`, `RSA`), kept as data.
 * A value that names no single country (`European Community`, `Channel Islands`) is invalid,
 * not guessed.
 */
export function cleanCountry(raw: string): Cleaned {
  const text = raw.normalize("NFC").replace(/\s+/g, " ").trim();
  const key = text.toUpperCase();
  if (key in COUNTRY_ALIASES) {
    const alias = COUNTRY_ALIASES[key];
    return alias ? ok(alias) : invalid("UNKNOWN_COUNTRY");
  }
  if (/^[A-Z]{2}$/.test(key) && countries.isValid(key)) return ok(key);
  if (/^[A-Z]{3}$/.test(key) && countries.isValid(key)) return ok(countries.alpha3ToAlpha2(key) as string);
  for (const lang of LANGUAGES) {
    const code = countries.getAlpha2Code(text, lang);
    if (code) return ok(code);
  }
  return invalid("UNKNOWN_COUNTRY");
}
