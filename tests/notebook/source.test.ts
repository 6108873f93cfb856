import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { excerpt, projectPath, sourceMarkdown } from "../../lib/notebook/source";

const root = resolve(__dirname, "..", "..");

describe("showing the code a notebook runs, read from its file", () => {
  test("a whole SQL file, linked from notebooks/, byte for byte", () => {
    const file = "lib/warehouse/models/dim_product.sql";
    const markdown = sourceMarkdown(file);
    expect(markdown.startsWith(`[\`${file}\`](../${file})\n\n\`\`\`sql\n`)).toBe(true);
    expect(markdown).toContain(readFileSync(resolve(root, file), "utf8").replace(/\n$/, ""));
  });

  test("an excerpt from the first line containing `from` to the next containing `to`", () => {
    const text = "a\nstart here\nb\nend here\nc\nend here too\n";
    expect(excerpt(text, "start", "end")).toBe("start here\nb\nend here");
    expect(() => excerpt(text, "missing")).toThrow(/no line contains "missing"/);
    expect(sourceMarkdown("lib/policy.ts", { from: "export const POLICY", to: "});" })).toMatch(/\(excerpt\)\n\n```typescript\nexport const POLICY/);
  });

  test("a fence longer than any backtick run inside, and no file outside the project", () => {
    // glossary.ts holds a run of three backticks (in a regular expression).
    expect(sourceMarkdown("lib/notebook/glossary.ts")).toMatch(/^`{4}typescript$/m);
    expect(() => projectPath("/etc/passwd")).toThrow(/outside the project/);
    expect(projectPath(resolve(root, "lib/policy.ts"))).toBe("lib/policy.ts");
  });
});
