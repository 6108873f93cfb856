import { parsePhoneNumberFromString, CountryCode } from "libphonenumber-js/max";
import { Cleaned, invalid, ok } from "./cleaned";

/**
 * Phone numbers in E.164 (`+33123456789`), parsed by libphonenumber. A national number without
 * a country prefix is read in the export's home country (France for the default export);
 * `0033...` is the international prefix written with zeros.
 */
export function makePhoneCleaner(defaultCountry: CountryCode = "FR"): (raw: string) => Cleaned {
  return (raw: string) => {
    const text = raw.trim().replace(/^00(?=\d)/, "+");
    if (/[a-z]/i.test(text.replace(/ext\.?|x/gi, ""))) return invalid("INVALID_PHONE");
    const phone = parsePhoneNumberFromString(text, defaultCountry);
    if (!phone || !phone.isValid()) return invalid("INVALID_PHONE");
    return ok(phone.number);
  };
}
