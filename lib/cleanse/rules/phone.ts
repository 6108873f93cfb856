import { parsePhoneNumberFromString, isSupportedCountry, CountryCode } from "libphonenumber-js/max";
import { Cleaned, invalid, ok } from "./cleaned";
import { cleanCountry } from "./country";

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
  return (raw: string, country?: string | null) => {
    const defaultCountry = region(country);
    const text = raw.trim().replace(/^00(?=\d)/, "+");
    if (/[a-z]/i.test(text.replace(/ext\.?|x/gi, ""))) return invalid("INVALID_PHONE");
    const phone = parsePhoneNumberFromString(text, defaultCountry);
    if (!phone || !phone.isValid()) return invalid("INVALID_PHONE");
    return ok(phone.number);
  };
}
