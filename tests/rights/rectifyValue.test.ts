/**
 * A rectified value is checked by the rule that cleanses its column before anything is recorded
 * (lib/rights/rectify.ts, valueProblem): `rights rectify C123 birth_date 31/02/1980`, an email
 * without an @ or a phone of two digits were recorded, applied at the next load, and there
 * nulled by the cleansing rule, so the data subject's correction was lost and the field emptied.
 */
import { valueProblem } from "../../lib/rights/rectify";
import { loadProfile } from "../../lib/raw/profile";

const ctx = { profile: loadProfile("default") };

describe("the value of a rectification", () => {
  test.each([
    ["email", "jeanne.martin@example.fr"], ["phone", "01 23 45 67 89"], ["phone", "+44 20 7946 0958"], ["birth_date", "1980-02-28"], ["birth_date", "28/02/1980"],
    ["country", "France"], ["postal_code", "75011"], ["city", "Rectifiée-sur-Mer"], ["first_name", "Zoé"],
  ] as const)("%s %s is accepted", (column, value) => expect(valueProblem(ctx, column, value)).toBeNull());

  test.each([
    ["email", "not-an-email", /\(INVALID_EMAIL\)$/],
    ["phone", "12", /\(INVALID_PHONE\); a number of another country than the source's takes its prefix/],
    ["birth_date", "31/02/1980", /\(INVALID_DATE\); write it as %Y-%m-%d, the source profile's first date format$/],
    ["birth_date", "1850-01-01", /\(IMPLAUSIBLE_DATE\)/],
    ["country", "Atlantis", /\(UNKNOWN_COUNTRY\)$/],
    ["first_name", "  ", /^it is empty/],
    ["postal_code", "A".repeat(17), /^17 characters, more than the 16 the column holds$/],
  ] as const)("%s %j is refused", (column, value, reason) => expect(valueProblem(ctx, column, value)).toMatch(reason));

  test("the profile's date formats decide: a day-first profile refuses a month-first date past the 12th", () => {
    expect(valueProblem(ctx, "birth_date", "04/25/1980")).toMatch(/INVALID_DATE/);
    expect(valueProblem({ profile: { ...ctx.profile, dateFormats: ["%m/%d/%Y"] } }, "birth_date", "04/25/1980")).toBeNull();
  });
});
