import { parsePhoneNumberFromString, isSupportedCountry, CountryCode } from "libphonenumber-js/max";
import { Cleaned, invalid, ok } from "./cleaned";
import { cleanCountry } from "./country";

/**
 * A number written with digits and the separators ' ', '.', '-' only: libphonenumber reads the
 * same number from it whatever the separators (it keeps the digits and a leading '+'; an
 * extension needs a letter, '#' or ','), so such spellings share one parse.
 */
const PLAIN_NUMBER = /^\+?[0-9][0-9 .-]*[0-9]$/;
const SEPARATORS = /[ .-]/g;
/** Parses remembered per cleaner: bounded, so that memory stays flat on large exports. */
const MEMO_LIMIT = 500_000;

/**
 * Phone numbers in E.164 (`+33123456789`), parsed by libphonenumber. A national number without
 * a country prefix is read in the row's country (`country` as typed, read by the country rule),
 * and in the source's country (its profile) when the row names none or an unknown one;
 * `0033...` is the international prefix written with zeros.
 */
export function makePhoneCleaner(defaultCountry: CountryCode = "FR"): (raw: string, country?: string | null) => Cleaned {
  const regionOf = new Map<string, CountryCode>();
  const region = (country: string | null | undefined): CountryCode => {
    if (!country) return defaultCountry;
    let code = regionOf.get(country);
    if (code === undefined) {
      const cleaned = cleanCountry(country).value;
      code = cleaned && isSupportedCountry(cleaned) ? (cleaned as CountryCode) : defaultCountry;
      regionOf.set(country, code);
    }
    return code;
  };
  const parse = (text: string, country: CountryCode): Cleaned => {
    const phone = parsePhoneNumberFromString(text, country);
    if (!phone || !phone.isValid()) return invalid("INVALID_PHONE");
    return ok(phone.number);
  };
  // Parsing is the cost of this rule (about 9 µs a number): the distinct raw values of a large
  // export repeat one number in several spellings ("06 12 34 56 78", "06.12.34.56.78") and under
  // several spellings of one country, which share one parse.
  const memo = new Map<string, Cleaned>();
  return (raw: string, country?: string | null) => {
    const defaultCountry = region(country);
    const text = raw.trim().replace(/^00(?=\d)/, "+");
    if (/[a-z]/i.test(text.replace(/ext\.?|x/gi, ""))) return invalid("INVALID_PHONE");
    if (!PLAIN_NUMBER.test(text)) return parse(text, defaultCountry);
    const digits = text.replace(SEPARATORS, "");
    // Fewer than four digits is not a viable number with separators but may be without them.
    if (digits.length < 4) return parse(text, defaultCountry);
    const key = `${defaultCountry}|${digits}`;
    let cleaned = memo.get(key);
    if (cleaned === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      cleaned = parse(text, defaultCountry);
      memo.set(key, cleaned);
    }
    return cleaned;
  };
}
