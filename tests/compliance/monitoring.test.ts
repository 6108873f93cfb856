import { POLICY, type DeepReadonly, type Policy } from "../../lib/policy";
import { markdownToHtml } from "../../lib/compliance/html";
import { headings, githubSlug, tableAfterHeading } from "../../lib/compliance/markdown";
import { renderMonitoring } from "../../lib/compliance/monitoring";
import { MONITORING_REVIEWED, SECTION_TITLES } from "../../lib/compliance/monitoringSections";
import { policyLeaves } from "../../lib/compliance/thresholds";

/** A policy where every number differs from the real one, to find numbers typed by hand. */
const OTHER_POLICY: DeepReadonly<Policy> = {
  fieldLength: { textChars: 1001, emailChars: 255, phoneChars: 41, postalCodeChars: 17, codeChars: 65, dateChars: 41, numberChars: 33, enumChars: 101 },
  statisticalConfidentiality: {
    frequency: { minContributors: { person: 17, business: 5 } },
    dominance: { n: 2, kPercent: 77 },
    protectionIntervalPercent: 13,
    protectSecondaryCells: false,
    confidentialFlag: "x",
  },
  publication: { maxSuppressedCellsPercent: 23, maxSuppressedValuePercent: 7 },
  retention: { customerDataYearsAfterLastContact: 4, accountingRecordsYears: 12, auditLogYears: 7, keyBackupDays: 45 },
  keys: { keyDirectoryEnv: "OTHER_KEY_DIR", defaultKeyDirectory: ".other-keys" },
  optimisation: { payOffSpeedUp: 2.5, verdictBandPercent: 35 },
};

describe("the regulatory monitoring document", () => {
  test("quotes in its thresholds table exactly the values of lib/policy.ts", () => {
    const rows = tableAfterHeading(renderMonitoring(), SECTION_TITLES.thresholds);
    const [header, ...body] = rows;
    expect(header).toEqual(["policy key", "value", "rule", "source"]);
    const quoted = body.map(([key, value]) => [key.replace(/`/g, ""), value.replace(/`/g, "")]);
    expect(quoted).toEqual(policyLeaves(POLICY).map(([key, value]) => [key, String(value)]));
  });

  test("types no threshold twice: with another policy, no number of lib/policy.ts is left", () => {
    const real = renderMonitoring();
    const other = renderMonitoring(OTHER_POLICY);
    // The real document does quote these phrases...
    for (const phrase of ["at least 11 distinct contributors", "and 3 when it describes businesses", "(1, 85)", "more than 85 %", "±10 %", "`c`", "Customer data kept 3 years after the last contact", "`.keys/`"]) {
      expect(real).toContain(phrase);
    }
    // ...and every one of them follows the policy.
    for (const phrase of ["(1, 85)", "85 %", "±10 %", "at least 11 ", "and 3 when", "`c`", "Customer data kept 3 years", "`.keys/`", "WORKBOOK_KEY_DIR"]) {
      expect(other).not.toContain(phrase);
    }
    for (const phrase of ["at least 17 distinct contributors", "and 5 when it describes businesses", "(2, 77)", "±13 %", "`x`", "Customer data kept 4 years", "`.other-keys/`", "OTHER_KEY_DIR"]) {
      expect(other).toContain(phrase);
    }
  });

  test("has the six sections of the brief, each citing primary sources", () => {
    const markdown = renderMonitoring();
    const h2 = headings(markdown).filter((h) => h.level === 2).map((h) => h.text);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(h2.some((t) => t.startsWith(`${n}. `))).toBe(true);
    const sectionBodies = markdown.split(/^## /m).filter((s) => /^\d\. /.test(s));
    expect(sectionBodies).toHaveLength(6);
    for (const body of sectionBodies) expect(body).toContain("**Primary sources**");
    expect(markdown).toContain("Opinion 05/2014");
    expect(markdown).toContain("Guidelines 01/2025");
  });

  test("is dated and cites its sources as they stand: 78-17, CNIL guidance, the current référentiel, Art. 21(6), the EDPB guidelines' status", () => {
    const markdown = renderMonitoring();
    expect(markdown).toMatch(new RegExp(`\\*\\*Last reviewed: ${MONITORING_REVIEWED}\\.\\*\\*`));
    expect(MONITORING_REVIEWED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(markdown).toContain("Loi n° 78-17 du 6 janvier 1978");
    expect(markdown).toContain("L'anonymisation de données personnelles");
    expect(markdown).toContain("délibération n° 2021-131");
    expect(markdown).toContain("Art. 21(6)");
    // NS-048 lost its legal effect on 25 May 2018: named only as what the référentiel replaced.
    for (const line of markdown.split("\n").filter((l) => l.includes("NS-048"))) expect(line).toMatch(/without legal effect/);
    expect(markdown).not.toMatch(/in consultation|for public consultation, until/);
    // Art. 6(4)(e) names encryption and pseudonymisation, not generalisation.
    expect(markdown).not.toMatch(/generalisation are the safeguards Art\. 6\(4\)\(e\) names/);
    expect(markdown).toContain("Art. 6(4)(e) names encryption and pseudonymisation");
    // The frequency rule is a threshold per cell, not k-anonymity; the licence holds no re-identification clause.
    expect(markdown).not.toMatch(/k-anonymity of (a )?cells?/);
    expect(markdown).not.toMatch(/must not attempt to re-identify/);
  });

  test("the techniques table gives the three WP29 verdicts for every technique", () => {
    const [header, ...rows] = tableAfterHeading(renderMonitoring(), SECTION_TITLES.techniques);
    expect(header.slice(2, 5)).toEqual(["singling out", "linkability", "inference"]);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const pseudonymisation = rows.find((r) => r[0].startsWith("Pseudonymisation"))!;
    expect(pseudonymisation.slice(2, 5)).toEqual(["yes", "yes", "yes"]);
    const kAnonymity = rows.find((r) => r[0].startsWith("Aggregation"))!;
    expect(kAnonymity.slice(2, 5)).toEqual(["no", "yes", "yes"]);
  });

  test("the HTML copy is self-contained, escapes text, and gives each heading its GitHub anchor", () => {
    const markdown = renderMonitoring();
    const html = markdownToHtml(markdown, "t");
    expect(html).not.toMatch(/<script|<link |src="http/);
    for (const h of headings(markdown).filter((h) => h.level === 2)) expect(html).toContain(` id="${githubSlug(h.text)}"`);
    expect(markdownToHtml("a <b> & `x<y>` [l](../a.md) **s** *e*\n", "t")).toContain(
      '<p>a &lt;b&gt; &amp; <code>x&lt;y&gt;</code> <a href="../a.md">l</a> <strong>s</strong> <em>e</em></p>',
    );
  });
});
