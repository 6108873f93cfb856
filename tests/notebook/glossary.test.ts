import { GLOSSARY, brokenGlossaryLinks, glossaryLink, renderGlossary, unlinkedFirstUses } from "../../lib/notebook/glossary";
import { anchors } from "../../lib/io/markdown";

test("every term of the issue's list is in the glossary, each defined once", () => {
  const names = GLOSSARY.flatMap((e) => [e.term, ...(e.aliases ?? [])].map((n) => n.toLowerCase()));
  for (const term of ["conformed dimension", "surrogate key", "scd2", "unknown member", "inferred member", "semi-additive measure", "art index", "zone map", "e.164", "hmac", "aes-gcm", "crypto-shredding", "link group", "time ladder", "primary suppression", "secondary suppression", "dominance rule", "prosecutor risk", "journalist risk", "marketer risk", "csvw", "dcat-ap"]) {
    expect(names).toContain(term);
  }
  expect(new Set(names).size).toBe(names.length);
});

test("the glossary report has an anchor for every term, and links resolve to it", () => {
  const report = renderGlossary();
  const slugs = new Set(anchors(report));
  for (const e of GLOSSARY) expect(slugs.has(glossaryLink(e.term).split("#")[1].replace(/\)$/, ""))).toBe(true);
});

describe("first use of a term in a notebook's prose", () => {
  const link = glossaryLink("Surrogate key", "surrogate keys");
  test("passes when the first use is the link", () => {
    expect(unlinkedFirstUses(`Each dimension has ${link}. Later, surrogate keys again.`)).toEqual([]);
  });
  test("fails when the term is used before it is linked, naming the term", () => {
    expect(unlinkedFirstUses(`Surrogate keys first. Then ${link}.`).map((u) => u.term)).toEqual(["Surrogate key"]);
  });
  test("ignores headings, code and link targets", () => {
    expect(unlinkedFirstUses("## Surrogate key\n\n`surrogate key` in code, [a file](lib/surrogate-key.ts)\n\n```sql\n-- surrogate key\n```\n")).toEqual([]);
  });
  test("reports a link to a term the glossary does not define", () => {
    expect(brokenGlossaryLinks("[x](../reports/glossary.md#no-such-term)")).toEqual(["no-such-term"]);
  });
});
