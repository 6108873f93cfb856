import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkLinks, defaultLinkFiles, formatBrokenLinks } from "../../lib/compliance/linkCheck";
import { githubSlug, slugger } from "../../lib/compliance/markdown";

const root = resolve(__dirname, "..", "..");

describe("link check", () => {
  test("every relative link in README.md and reports/*.md resolves", () => {
    const files = defaultLinkFiles(root);
    expect(files).toContain("README.md");
    expect(files).toContain("reports/regulatory-monitoring.md");
    // Compared as text so that a failure prints the list of broken links.
    expect(formatBrokenLinks(checkLinks(root, files))).toBe("");
  });

  test("catches a planted broken link, a missing anchor and a link out of the repository", () => {
    const dir = mkdtempSync(join(tmpdir(), "links-test-"));
    try {
      mkdirSync(join(dir, "reports"));
      mkdirSync(join(dir, "lib"));
      writeFileSync(join(dir, "lib", "x.ts"), "");
      writeFileSync(join(dir, "reports", "other.md"), "# Other\n\n## Second part\n");
      writeFileSync(
        join(dir, "README.md"),
        [
          "# Title",
          "[ok](lib/x.ts) [ok dir](lib/) [ok anchor](reports/other.md#second-part) [self](#title) [web](https://example.org/nowhere)",
          "[gone](lib/missing.ts)",
          "[bad anchor](reports/other.md#third-part)",
          "`[in code](lib/nowhere.ts)`",
          "[outside](../elsewhere.md)",
          "```",
          "[in a fence](lib/nowhere.ts)",
          "```",
        ].join("\n"),
      );
      expect(formatBrokenLinks(checkLinks(dir)).split("\n")).toEqual([
        "README.md:3  lib/missing.ts  (no such file or directory)",
        "README.md:4  reports/other.md#third-part  (no heading #third-part in reports/other.md)",
        "README.md:6  ../elsewhere.md  (points outside the repository)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("anchors follow GitHub's slug rules", () => {
    expect(githubSlug("02 · Cleansing with Arquero")).toBe("02--cleansing-with-arquero");
    expect(githubSlug("`idx_dim_customer_pseudonym`")).toBe("idx_dim_customer_pseudonym");
    expect(githubSlug("marts.duckdb")).toBe("martsduckdb");
    expect(githubSlug("4. Statistical confidentiality (1, 85 %)")).toBe("4-statistical-confidentiality-1-85-");
    const slug = slugger();
    expect(["Sources", "Sources", "Sources"].map(slug)).toEqual(["sources", "sources-1", "sources-2"]);
  });
});
