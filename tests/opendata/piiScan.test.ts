import { scanForKnownValues } from "../../lib/opendata/gates/piiScan";

const known = [
  { kind: "last_name", value: "Durand" },
  { kind: "full_name", value: "Élodie Durand" },
  { kind: "email", value: "elodie.durand@example.fr" },
  { kind: "customer_pseudonym", value: "cp_0123456789abcdef0123456789abcdef" },
  { kind: "birth_date", value: "1984-03-07" },
];
const file = (name: string, text: string) => ({ name, bytes: Buffer.from(text, "utf8") });

describe("the byte scan of a release for known personal values", () => {
  test("a clean release passes", () => {
    const r = scanForKnownValues([file("a.csv", "period,geo_name\r\n2024,Bretagne\r\n2024,Durandière\r\n")], known);
    expect(r.passed).toBe(true);
    expect(r.knownValues).toEqual({ birth_date: 1, customer_pseudonym: 1, email: 1, full_name: 1, last_name: 1 });
  });

  test("catches a planted value, names the file and kind, never the value", () => {
    const r = scanForKnownValues([file("a.csv", "x\r\nok\r\n"), file("README.md", "contact: Élodie Durand, ELODIE.DURAND@example.fr")], known);
    expect(r.passed).toBe(false);
    expect(r.hits).toEqual([
      { file: "README.md", kind: "email", occurrences: 1 },
      { file: "README.md", kind: "full_name", occurrences: 1 },
      { file: "README.md", kind: "last_name", occurrences: 1 },
    ]);
    expect(JSON.stringify(r)).not.toContain("Durand");
  });

  test("catches a pseudonym and a birth date inside CSV fields, and in a Parquet file's decoded cells", () => {
    const r = scanForKnownValues(
      [file("t.csv", "a,b\r\n1984-03-07,x\r\n"), { name: "t.parquet", bytes: Buffer.from([0x50, 0x41, 0x52, 0x31]), decoded: "cp_0123456789abcdef0123456789abcdef\u0001x" }],
      known,
    );
    expect(r.hits.map((h) => `${h.file}:${h.kind}`)).toEqual(["t.csv:birth_date", "t.parquet:customer_pseudonym"]);
  });
});

describe("numeric identifiers (Online Retail customer numbers)", () => {
  const ids = [{ kind: "customer_id", value: "17850" }];
  test("a published count equal to a customer number is not a hit", () => {
    const r = scanForKnownValues([{ ...file("t.csv", "units\r\n17850\r\n"), textCells: "" }], ids);
    expect(r.passed).toBe(true);
  });
  test("a customer number in a text cell is a hit", () => {
    const r = scanForKnownValues([{ ...file("t.csv", "label\r\ncustomer 17850\r\n"), textCells: "customer 17850" }], ids);
    expect(r.hits).toEqual([{ file: "t.csv", kind: "customer_id", occurrences: 1 }]);
  });
});
