import { guessKind, kindOfField, maskPersonal, maskRecord } from "../../lib/notebook/mask";
import { words } from "../../lib/notebook/personalScan";

// Made-up values: the masks are judged on what they keep and on what a scan could still find.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE = /(?:\+33\s?[1-9](?:[\s.-]?\d{2}){4}|\b0[1-9](?:[\s.-]?\d{2}){4}\b)/;

describe("maskPersonal", () => {
  test("keeps the shape of an email (a few first characters, the domain), never the person", () => {
    expect(maskPersonal("a.roux@yahoo.fr", "email")).toBe("a.r***@yahoo.fr");
    expect(maskPersonal("jo@example.org", "email")).toBe("j***@example.org");
    expect(maskPersonal("a.roux@yahoo.fr", "email")).not.toMatch(EMAIL);
  });

  test("keeps the prefix and the last two digits of a phone, in any format", () => {
    expect(maskPersonal("+33629493595", "phone")).toBe("+33*******95");
    expect(maskPersonal("06 29 49 35 95", "phone")).toBe("06******95");
    for (const phone of ["+33629493595", "06 29 49 35 95", "0033629493595"]) expect(maskPersonal(phone, "phone")).not.toMatch(PHONE);
  });

  test("names, streets and cities keep the first letter of each word; numbers are hidden", () => {
    expect(maskPersonal("Jean-Pierre", "name")).toBe("J***");
    expect(maskPersonal("49 Rue de Tilsitt", "street")).toBe("** R*** d*** T***");
    expect(maskPersonal("Lavernose-Lacasse", "city")).toBe("L***");
  });

  test("a birth date keeps its year, a postal code its département, an identifier its ends", () => {
    expect(maskPersonal("1993-10-03", "birth_date")).toBe("1993-**-**");
    expect(maskPersonal("31410", "postal_code")).toBe("31***");
    expect(maskPersonal("C0001874", "identifier")).toBe("C*****74");
  });

  test("an absent value stays absent; without a kind, the shape decides", () => {
    expect(maskPersonal(null)).toBeNull();
    expect(maskPersonal(undefined)).toBeNull();
    expect(maskPersonal("")).toBe("");
    expect(guessKind("x@y.fr")).toBe("email");
    expect(guessKind("+33 6 12 34 56 78")).toBe("phone");
    expect(guessKind("1990-04-05")).toBe("birth_date");
    expect(maskPersonal("x.yz@y.fr")).toBe("x.***@y.fr");
  });

  test("no masked value keeps the words of the value it hides", () => {
    const values: [string, Parameters<typeof maskPersonal>[1]][] = [
      ["camille.exemple@example.org", "email"], ["+33 6 12 34 56 78", "phone"], ["12, Rue des Exemples", "street"],
      ["Camille EXEMPLE", "name"], ["1990-04-05", "birth_date"], ["C0123456", "identifier"],
    ];
    for (const [value, kind] of values) expect(words(maskPersonal(value, kind)!).join(" ")).not.toContain(words(value).join(" "));
  });
});

test("maskRecord masks every field by its name, as the warehouse and the contract spell them", () => {
  expect(kindOfField("supplier_contact_email")).toBe("email");
  expect(kindOfField("first_name")).toBe("name");
  expect(kindOfField("customer_id")).toBe("identifier");
  expect(maskRecord({ first_name: "Amante", email: "a.roux@yahoo.fr", phone: null, postal_code: "31410" })).toEqual({
    first_name: "A***",
    email: "a.r***@yahoo.fr",
    phone: null,
    postal_code: "31***",
  });
});
