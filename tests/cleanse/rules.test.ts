import { cleanCode } from "../../lib/cleanse/rules/codes";
import { cleanCountry } from "../../lib/cleanse/rules/country";
import { makeDateParser } from "../../lib/cleanse/rules/dates";
import { cleanEmail } from "../../lib/cleanse/rules/email";
import { makeEnumCleaner } from "../../lib/cleanse/rules/enums";
import { parseDecimal, parseInteger } from "../../lib/cleanse/rules/numbers";
import { makePhoneCleaner } from "../../lib/cleanse/rules/phone";
import { frenchNameCase, normaliseText, postalCode, titleCase, upperCase } from "../../lib/cleanse/rules/text";
import { entityPolicy } from "../../lib/cleanse/missingValuePolicy";
import { loadProfile } from "../../lib/raw/profile";

const value = (c: { value: string | null }) => c.value;
const issue = (c: { issue: string | null }) => c.issue;

describe("text", () => {
  test("trims, folds white space and newlines, applies NFC", () => {
    expect(value(normaliseText("  Chaise\n  pliante\t"))).toBe("Chaise pliante");
    expect(value(normaliseText("Orle\u0301ans"))).toBe("Orléans");
  });
  test("title case keeps apostrophes and hyphens as word breaks", () => {
    expect(value(titleCase("  JEAN-PIERRE d'artagnan "))).toBe("Jean-Pierre D'Artagnan");
    expect(value(titleCase("l'isle-adam"))).toBe("L'Isle-Adam");
    expect(value(upperCase(" dupont "))).toBe("DUPONT");
  });
});

describe("French street and place names", () => {
  test.each([
    ["85 VoIe dE PrEsBoUrG", "85 Voie de Presbourg"],
    ["villeneuve-d'ascq", "Villeneuve-d'Ascq"],
    ["SAINT-RÉMY-DE-PROVENCE", "Saint-Rémy-de-Provence"],
    ["le havre", "Le Havre"],
    ["12 rue de la paix", "12 Rue de la Paix"],
  ])("%s -> %s", (raw, out) => expect(value(frenchNameCase(raw))).toBe(out));
});

describe("dates in mixed formats, day first", () => {
  const parse = makeDateParser(loadProfile("default").dateFormats);
  test.each([
    ["2023-04-05", "2023-04-05"],
    ["05/04/2023", "2023-04-05"],
    ["2023/04/05", "2023-04-05"],
    ["20230405", "2023-04-05"],
    ["2023-04-05T10:11:12", "2023-04-05"],
    ["2023-04-05T10:11:12Z", "2023-04-05"],
    ["05-04-2023", "2023-04-05"],
    [" 2024-02-29 ", "2024-02-29"],
  ])("%s -> %s", (raw, iso) => expect(value(parse(raw))).toBe(iso));
  test.each(["2023-02-29", "31/04/2023", "yesterday", "2023-13-01", "5/4"])("%s is invalid", (raw) => expect(issue(parse(raw))).toBe("INVALID_DATE"));
  test("dates outside the plausible range are flagged as implausible", () => {
    expect(issue(makeDateParser(["%Y-%m-%d"], { min: "1990-01-01", max: "2100-12-31" })("1899-01-01"))).toBe("IMPLAUSIBLE_DATE");
  });
});

describe("emails", () => {
  test("lower-cased and trimmed", () => expect(value(cleanEmail(" Jeanne.Martin@Example.FR "))).toBe("jeanne.martin@example.fr"));
  test.each(["jeanne.martin.example.fr", "a@@b.fr", "jeanne @example.fr", "jeanne@example.", "jeanne@example"])("%s is invalid", (raw) =>
    expect(issue(cleanEmail(raw))).toBe("INVALID_EMAIL"),
  );
});

describe("phones to E.164", () => {
  const clean = makePhoneCleaner("FR");
  test.each([
    ["01 23 45 67 89", "+33123456789"],
    ["01.23.45.67.89", "+33123456789"],
    ["+33 1 23 45 67 89", "+33123456789"],
    ["0033123456789", "+33123456789"],
    ["06 12 34 56 78", "+33612345678"],
    ["+49 30 1234567", "+49301234567"],
  ])("%s -> %s", (raw, e164) => expect(value(clean(raw))).toBe(e164));
  test.each(["12ab34", "0123", "call me"])("%s is invalid", (raw) => expect(issue(clean(raw))).toBe("INVALID_PHONE"));
});

describe("countries to ISO 3166-1 alpha-2", () => {
  test.each([
    ["France", "FR"], ["france ", "FR"], ["FR", "FR"], ["FRA", "FR"], ["Belgique", "BE"], ["Deutschland", "DE"],
    ["United Kingdom", "GB"], ["EIRE", "IE"], ["RSA", "ZA"], ["USA", "US"],
  ])("%s -> %s", (raw, code) => expect(value(cleanCountry(raw))).toBe(code));
  test.each(["European Community", "Channel Islands", "Unspecified", "Atlantis"])("%s names no single country", (raw) =>
    expect(issue(cleanCountry(raw))).toBe("UNKNOWN_COUNTRY"),
  );
});

describe("numbers and codes", () => {
  test.each([
    ["12.5", "12.5"], ["12,50", "12.50"], ["1 234,50", "1234.50"], ["1.234,50", "1234.50"], ["€ 3.20", "3.20"], ["-4", "-4"],
    // Digit grouping where it cannot be a decimal mark (English exports: "1,234.50" was INVALID_NUMBER).
    ["1,234.50", "1234.50"], ["-1,234,567.5", "-1234567.5"], ["1,234,567", "1234567"], ["1.234.567", "1234567"],
    // One comma alone stays a decimal comma, as French tools write it.
    ["1,234", "1.234"],
  ])(
    "decimal %s -> %s",
    (raw, out) => expect(value(parseDecimal(raw))).toBe(out),
  );
  test("invalid numbers", () => {
    expect(issue(parseDecimal("12.5.3"))).toBe("INVALID_NUMBER");
    expect(issue(parseDecimal("abc"))).toBe("INVALID_NUMBER");
    // Groups that are not of three digits are no grouping.
    expect(issue(parseDecimal("1,23,456.5"))).toBe("INVALID_NUMBER");
    expect(issue(parseDecimal("12.34.5"))).toBe("INVALID_NUMBER");
    expect(issue(parseInteger("2.5"))).toBe("INVALID_INTEGER");
    expect(value(parseInteger("3.0"))).toBe("3");
    // A comma between groups of three digits is grouping in a whole number ("2,000" was 2 units).
    expect(value(parseInteger("2,000"))).toBe("2000");
    expect(value(parseInteger("-1,250,000"))).toBe("-1250000");
    expect(issue(parseInteger("1,5"))).toBe("INVALID_INTEGER");
  });
  test("codes compare upper case without spaces; spreadsheet floats lose their .0", () => {
    expect(value(cleanCode(" 85123a "))).toBe("85123A");
    expect(value(cleanCode("17850.0"))).toBe("17850");
    expect(issue(cleanCode("P1;DROP"))).toBe("INVALID_CODE");
  });
  test("accepted values with their synonyms", () => {
    expect(value(makeEnumCleaner("sales_channel")(" Web "))).toBe("web");
    expect(value(makeEnumCleaner("shipping_mode")("Point Relais"))).toBe("relay point");
    expect(value(makeEnumCleaner("gender")("femme"))).toBe("F");
    expect(issue(makeEnumCleaner("sales_channel")("fax"))).toBe("INVALID_SALES_CHANNEL");
  });
});

describe("rules that keep the source's meaning (issue 23)", () => {
  test("a national phone number is read in its row's country, then in the source's", () => {
    const phone = makePhoneCleaner("FR");
    expect(phone("030-0074321", "Germany").value).toBe("+49300074321");
    expect(phone("030-0074321", "DE").value).toBe("+49300074321");
    expect(phone("01 23 45 67 89", "France").value).toBe("+33123456789");
    // No country on the row, or one that names none: the profile's country.
    expect(phone("01 23 45 67 89", null).value).toBe("+33123456789");
    expect(phone("01 23 45 67 89", "Unspecified").value).toBe("+33123456789");
    // An international number keeps its own country whatever the row says.
    expect(phone("+44 20 7946 0958", "France").value).toBe("+442079460958");
  });

  test("names, places, categories and postal codes keep their case and spelling; only white space is normalised", () => {
    expect(normaliseText("  México   D.F. ").value).toBe("México D.F.");
    expect(normaliseText("Frankfurt a.M.").value).toBe("Frankfurt a.M.");
    expect(normaliseText("Meat/Poultry").value).toBe("Meat/Poultry");
    expect(normaliseText("e\u0301cole").value).toBe("\u00e9cole"); // NFC
    expect(postalCode(" WA1  1DP ").value).toBe("WA1 1DP");
    const policy = entityPolicy("customers").columns;
    for (const c of ["first_name", "last_name", "street", "city"]) expect(policy[c].rule).toBe("text");
    expect(policy.postal_code.rule).toBe("postal");
    expect(entityPolicy("products").columns.category.rule).toBe("text");
  });
});
