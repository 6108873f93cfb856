import { formatField, neutraliseFormula, parseCsv, toCsv } from "../../lib/opendata/publish/csv";

describe("CSV publication (RFC 4180 + OWASP formula neutralisation)", () => {
  test("text cells starting with = + - @ TAB or CR are prefixed with a quote", () => {
    for (const dangerous of ["=HYPERLINK(\"http://x\")", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      expect(neutraliseFormula(dangerous)).toBe(`'${dangerous}`);
    }
    expect(neutraliseFormula("Bretagne")).toBe("Bretagne");
    expect(neutraliseFormula("")).toBe("");
  });

  test("numbers stay numbers: a negative amount is not neutralised", () => {
    expect(formatField(-12.5, { name: "net_amount", type: "number", decimals: 2 })).toBe("-12.50");
    expect(formatField(-3, { name: "units", type: "integer" })).toBe("-3");
    expect(formatField(-0.001, { name: "x", type: "number", decimals: 2 })).toBe("0.00");
    expect(formatField("-3", { name: "label", type: "string" })).toBe("'-3");
  });

  test("quotes fields with commas, quotes or line breaks, CRLF records, empty for null", () => {
    const text = toCsv(
      [{ name: "carrier", type: "string" }, { name: "net_amount", type: "number", decimals: 2 }, { name: "flag", type: "string" }],
      [{ carrier: 'Vidal & Fils, "express"', net_amount: 1234.5, flag: null }, { carrier: "=cmd|' /C calc'!A0", net_amount: null, flag: "c" }],
    );
    expect(text).toBe('carrier,net_amount,flag\r\n"Vidal & Fils, ""express""",1234.50,\r\n\'=cmd|\' /C calc\'!A0,,c\r\n');
    expect(parseCsv(text)).toEqual([
      ["carrier", "net_amount", "flag"],
      ['Vidal & Fils, "express"', "1234.50", ""],
      ["'=cmd|' /C calc'!A0", "", "c"],
    ]);
  });

  test("refuses a non-integer in an integer column", () => {
    expect(() => formatField(1.5, { name: "orders", type: "integer" })).toThrow(/orders: 1.5 is not an integer/);
  });
});
