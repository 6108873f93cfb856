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
import { frenchNameCase, normaliseText, postalCode, titleCase, upperCase } from "./text";

/** A rule cleans one raw value; `context` is another column of the same row when the policy names one (rules that need none ignore it). */
export type Rule = (raw: string, context?: string | null) => Cleaned;

export interface RuleContext {
  /** strptime formats from the source profile, in the order to try. */
  dateFormats: string[];
  /** Country for national phone numbers without a prefix when the row names none (the profile's country). */
  phoneCountry?: CountryCode;
}

/** The rule behind each policy name, configured by the source profile. */
export function ruleSet(ctx: RuleContext): Record<RuleName, Rule> {
  return {
    text: normaliseText,
    postal: postalCode,
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
    // The region of a national number is the row's own country (a German "030 ..." is German), else the source's.
    phone: makePhoneCleaner(ctx.phoneCountry ?? "FR"),
    country: cleanCountry,
    "enum:sales_channel": makeEnumCleaner("sales_channel"),
    "enum:shipping_mode": makeEnumCleaner("shipping_mode"),
    "enum:gender": makeEnumCleaner("gender"),
    "enum:segment": makeEnumCleaner("segment"),
    "enum:customer_type": makeEnumCleaner("customer_type"),
  };
}
