import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildMatcher, search } from "../../lib/opendata/gates/knownValueMatcher";
import { scanForKnownValues, scanInputFor } from "../../lib/opendata/gates/piiScan";

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

describe("public vocabulary", () => {
  test("a one-word value that is a public word is not searched; the same list scanned again with another vocabulary is", () => {
    const people = [
      { kind: "first_name", value: "France" },
      { kind: "full_name", value: "France Martin" },
    ];
    const text = [file("README.md", "Sales in France; France Martin bought")];
    expect(scanForKnownValues(text, people, new Set(["France"])).hits).toEqual([{ file: "README.md", kind: "full_name", occurrences: 1 }]);
    expect(scanForKnownValues(text, people).hits).toEqual([
      { file: "README.md", kind: "first_name", occurrences: 2 },
      { file: "README.md", kind: "full_name", occurrences: 1 },
    ]);
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

describe("every kind of planted value is caught: identifier, name, email, phone", () => {
  const people = [
    { kind: "customer_id", value: "C0001874" },
    { kind: "first_name", value: "Germain" },
    { kind: "last_name", value: "Nicolas" },
    { kind: "email", value: "germain_nicolas76@yahoo.fr" },
    { kind: "phone", value: "+33684272466" },
  ];
  test.each([
    ["customer_id", "geo_name\r\nclient C0001874\r\n"],
    ["first_name", "geo_name\r\nGermain\r\n"],
    ["last_name", "geo_name\r\nM. Nicolas\r\n"],
    ["email", "geo_name\r\nGERMAIN_NICOLAS76@Yahoo.fr\r\n"],
    ["phone", "geo_name\r\n(+33684272466)\r\n"],
  ])("%s in a CSV cell", (kind, csv) => {
    const r = scanForKnownValues([file("t.csv", csv)], people);
    expect(r.hits).toEqual([{ file: "t.csv", kind, occurrences: 1 }]);
  });
  test("a phone glued to a word is not standing alone; one after a space or at a line start is", () => {
    const r = scanForKnownValues([file("README.md", "tel+33684272466\n+33684272466 and call +33684272466.")], people);
    expect(r.hits).toEqual([{ file: "README.md", kind: "phone", occurrences: 2 }]);
  });
});

/** The gate's match rule, written the slow obvious way: every substring between non-word bytes. */
function naiveMatches(patterns: string[], text: string): number[] {
  const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128;
  const found: number[] = [];
  for (let s = 0; s < text.length; s++) {
    if (s > 0 && isWord(text.charCodeAt(s - 1))) continue;
    for (let e = s + 1; e <= text.length; e++) {
      if (e < text.length && isWord(text.charCodeAt(e))) continue;
      patterns.forEach((p, i) => {
        if (p.length > 0 && p === text.slice(s, e)) found.push(i);
      });
    }
  }
  return found.sort((a, b) => a - b);
}

describe("the matcher: one pass over the text, the same matches as the substring rule", () => {
  test("random values and texts over a small alphabet give exactly the naive rule's matches", () => {
    // A fixed-seed generator: the same cases on every run.
    let seed = 20240601;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alphabet = ["a", "b", "A", "1", " ", "-", "+", "@", ".", "é", "\u0001", "'", "\r\n"];
    const text = (n: number) => Buffer.from(Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join(""), "utf8").toString("latin1");
    let matches = 0;
    for (let round = 0; round < 1500; round++) {
      const patterns = Array.from({ length: 1 + Math.floor(random() * 8) }, () => text(Math.floor(random() * 7)));
      let haystack = text(Math.floor(random() * 50));
      for (const p of patterns) {
        const at = Math.floor(random() * (haystack.length + 1));
        if (random() < 0.6) haystack = haystack.slice(0, at) + p + haystack.slice(at);
      }
      const found: number[] = [];
      search(buildMatcher(patterns), haystack, (p) => found.push(p));
      expect({ patterns, haystack, found: found.sort((a, b) => a - b) }).toEqual({ patterns, haystack, found: naiveMatches(patterns, haystack) });
      matches += found.length;
    }
    expect(matches).toBeGreaterThan(1000);
  });

  test("a 1 MiB known value and a 1 MiB field go through the gate (it used to try every substring up to the longest value)", async () => {
    const MiB = 1 << 20;
    const dir = mkdtempSync(path.join(os.tmpdir(), "pii-mib-"));
    try {
      const street = "A".repeat(MiB);
      const spaced = "Rue " + "B ".repeat(MiB / 2);
      const known = [...people1MiB(street, spaced), { kind: "last_name", value: "Durand" }];
      writeFileSync(path.join(dir, "t.csv"), `geo_name,units\r\n${"A".repeat(MiB - 1)},1\r\n${street},2\r\n"${spaced}",3\r\nDurand,4\r\n`);
      const input = await scanInputFor(null as never, path.join(dir, "t.csv"), "t.csv", new Set(["geo_name"]));
      const r = scanForKnownValues([input], known);
      expect(r.hits).toEqual([
        { file: "t.csv", kind: "last_name", occurrences: 1 },
        { file: "t.csv", kind: "street", occurrences: 2 },
      ]);
      expect(r.bytesScanned).toBeGreaterThan(3 * MiB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function people1MiB(...streets: string[]) {
  return streets.map((value) => ({ kind: "street", value }));
}

describe("the scan with the known values kept in the engine (the release's gate)", () => {
  const values = [
    ...known,
    { kind: "email", value: "Jean.MARTIN@Example.org" },
    { kind: "first_name", value: "Zoé" },
    { kind: "street", value: "12 rue de l'Église" },
    { kind: "customer_id", value: "17850" },
    { kind: "phone", value: "+33684272466" },
    { kind: "nickname", value: "Jo😀" },
    { kind: "nickname", value: "😀😀" },
    { kind: "nickname", value: "ab" },
    { kind: "symbol", value: "-+-" },
  ];
  const texts = [
    file("README.md", "Contact jean.martin@example.ORG or ZOÉ, 12 rue de l'Église; see Jo😀 and 😀😀, ab -+- x"),
    { ...file("t.csv", "label,units\r\ncustomer 17850,3\r\nzoé,17850\r\n"), textCells: "label\u0001customer 17850\u0001zoé" },
    file("clean.csv", "period,geo_name\r\n2024,Bretagne\r\n"),
  ];

  test("finds exactly what the scan of the whole list finds, and counts the whole list", async () => {
    const { openNative } = await import("../../lib/engine/native");
    const { knownValueTable, scanKnownValuesIn } = await import("../../lib/opendata/gates/piiScan");
    const { instance, conn } = await openNative();
    try {
      const rows = values.map((v) => `(${[v.kind, v.value].map((x) => `'${x.replace(/'/g, "''")}'`).join(", ")})`).join(", ");
      const table = await knownValueTable(conn, `select * from (values ${rows}) t(kind, value)`);
      for (const inputs of [texts, texts.slice(1), texts.slice(2)]) {
        // readKnownValues keeps the values of 3 characters or more (as JavaScript counts them)
        const whole = scanForKnownValues(inputs, values.filter((v) => v.value.length >= 3), new Set(["Bretagne"]));
        const engine = await scanKnownValuesIn(conn, table, inputs, new Set(["Bretagne"]));
        expect(engine).toEqual(whole);
      }
      // the planted values are found (emails whatever their case), not a value of the vocabulary
      expect((await scanKnownValuesIn(conn, table, texts)).hits.map((h) => `${h.file} ${h.kind}`)).toEqual(["README.md email", "README.md nickname", "README.md street", "README.md symbol", "t.csv customer_id"]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
