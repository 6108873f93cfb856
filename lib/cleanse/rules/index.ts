import { CountryCode } from "libphonenumber-js";
import { RuleName } from "../missingValuePolicy";
import { Cleaned } from "./cleaned";
import { cleanCode } from "./codes";
import { cleanCountry } from "./country";
import { makeDateParser } from "./dates";
import { cleanEmail } from "./email";
import { makeEnumCleaner } from "./enums";
import { parseDecimal, parseInteger } from "./numbers";
import { makePhoneCleaner } from "./phone";
import { frenchNameCase, normaliseText, titleCase, upperCase } from "./text";

export type Rule = (raw: string) => Cleaned;

export interface RuleContext {
  /** strptime formats from the source profile, in the order to try. */
  dateFormats: string[];
  /** Country for national phone numbers without a prefix. */
  phoneCountry?: CountryCode;
}

/** The rule behind each policy name, configured by the source profile. */
export function ruleSet(ctx: RuleContext): Record<RuleName, Rule> {
  return {
    text: normaliseText,
    title: titleCase,
    place: frenchNameCase,
    upper: upperCase,
    code: cleanCode,
    decimal: parseDecimal,
    integer: parseInteger,
    date: makeDateParser(ctx.dateFormats, { min: "1990-01-01", max: "2100-12-31" }),
    // A customer born before 1900 or after 2015 is a typing error, not a customer.
    birth_date: makeDateParser(ctx.dateFormats, { min: "1900-01-01", max: "2015-12-31" }),
    email: cleanEmail,
    phone: makePhoneCleaner(ctx.phoneCountry ?? "FR"),
    country: cleanCountry,
    "enum:sales_channel": makeEnumCleaner("sales_channel"),
    "enum:shipping_mode": makeEnumCleaner("shipping_mode"),
    "enum:gender": makeEnumCleaner("gender"),
    "enum:segment": makeEnumCleaner("segment"),
    "enum:customer_type": makeEnumCleaner("customer_type"),
  };
}
