/**
 * What the release README (the release's own notes, README.md of the release directory) states
 * and the machine-readable files do not: the rules that make a cell confidential, the share of
 * each table's value its confidential cells hold, whether a table is within the publication
 * targets, the design published and the designs measured against it.
 *
 * The README is read by its headings and table headers ("What each table loses", "Designs,
 * measured", a dataset's "- Design of this release:" line), never by line numbers, and whatever
 * it does not state is null: the portal then says "not stated" rather than guess.
 *
 * The release publishes only the flag `c`, never which rule made a cell confidential. Its
 * README still counts, per table and per design, the cells of each kind; the portal shows the
 * totals only, and words its own text so that no rule's name stands next to a cell.
 */

/** Shares the release README states for a table ("What each table loses"); null when it does not say. */
export interface StatedLoss {
  /** Share of the table's non-empty cells that are confidential, %. */
  nonEmptyCellsPercent: number | null;
  /** Share of the table's value the confidential cells hold, %. */
  valuePercent: number | null;
  /** Whether the table is within the release's publication targets ("yes" / "no" in the README). */
  withinTargets: boolean | null;
  /** The README's sentence on why a table misses the targets, when it does. */
  missNote: string | null;
}

/** One design the release measured for a table ("Designs, measured"), in the portal's words. */
export interface MeasuredDesign {
  rung: string;
  design: string;
  nonEmptyCells: string;
  /** e.g. "17.9 %"; "at least 41.9 %" for a design that was not protected in full (only its first cells counted). */
  confidential: string;
  value: string;
  outcome: string;
  /** The design this release publishes. */
  chosen: boolean;
}

/** The release's rules, from its README (null where it does not state a number). */
export interface ConfidentialityRules {
  minPersons: number | null;
  minBusinesses: number | null;
  maxSharePercent: number | null;
  protectionPercent: number | null;
  /** The publication targets: at most this share of a table's non-empty cells and of its value confidential. */
  targetCellsPercent: number | null;
  targetValuePercent: number | null;
}

/** The lines of the section under a `## ` or `### ` heading, up to the next heading of the same or a higher level. */
export function readmeSection(readme: string, heading: string): string[] {
  const lines = readme.replace(/\r\n/g, "\n").split("\n");
  const at = lines.findIndex((l) => /^#{2,3} /.test(l) && l.replace(/^#+ /, "").trim() === heading);
  if (at < 0) return [];
  const level = /^#+/.exec(lines[at])![0].length;
  const out: string[] = [];
  for (const line of lines.slice(at + 1)) {
    const m = /^(#+) /.exec(line);
    if (m && m[1].length <= level) break;
    out.push(line);
  }
  return out;
}

/** The first pipe table of some lines, as records keyed by its header cells. */
export function markdownTable(lines: readonly string[]): Record<string, string>[] {
  const rows = lines.filter((l) => l.trim().startsWith("|"));
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\|/, "")
      .replace(/\|$/, "")
      .split("|")
      .map((c) => c.trim());
  if (rows.length < 2) return [];
  const header = cells(rows[0]);
  return rows
    .slice(2)
    .map((r) => cells(r))
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

/** The README's "- <label>: <value>" line in the section of one dataset (the one naming its CSV). */
export function datasetFact(readme: string, csvName: string, label: string): string | null {
  const sections = readme.replace(/\r\n/g, "\n").split(/\n(?=### )/);
  const section = sections.find((s) => s.includes(`Files: \`${csvName}\``));
  if (!section) return null;
  const line = section.split("\n").find((l) => l.startsWith(`- ${label}: `));
  return line ? line.slice(`- ${label}: `.length).trim() : null;
}

const number = (text: string | undefined): number | null => {
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
};

/** "2.0 %" -> 2; "31 (16.8 %)" -> 16.8 (the percentage, wherever it is). */
function percentIn(text: string | undefined): number | null {
  const m = /(-?\d+(?:\.\d+)?)\s*%/.exec(text ?? "");
  return m ? number(m[1]) : null;
}

export function confidentialityRules(readme: string): ConfidentialityRules {
  const rules = readmeSection(readme, "Statistical confidentiality").join("\n");
  const frequency = /at least (\d+) distinct contributors when it describes natural persons and (\d+) when it describes businesses/.exec(rules);
  const share = /no single contributor above (\d+(?:\.\d+)?) %/.exec(rules);
  const protection = /within \+\/- (\d+(?:\.\d+)?) %/.exec(rules);
  const targets = /at most (\d+(?:\.\d+)?) % of its non-empty\s+cells and (\d+(?:\.\d+)?) % of its value/.exec(readmeSection(readme, "Designs, measured").join("\n"));
  return {
    minPersons: number(frequency?.[1]),
    minBusinesses: number(frequency?.[2]),
    maxSharePercent: number(share?.[1]),
    protectionPercent: number(protection?.[1]),
    targetCellsPercent: number(targets?.[1]),
    targetValuePercent: number(targets?.[2]),
  };
}

/**
 * Why a cell is flagged, in general and in one sentence, with the release's own thresholds.
 * Deliberately no per-cell reason: the release does not publish which rule applied to a cell.
 */
export function whyFlagged(rules: ConfidentialityRules, flag: string): string {
  const few =
    rules.minPersons !== null && rules.minBusinesses !== null
      ? `when fewer than ${rules.minPersons} people, or ${rules.minBusinesses} businesses, make it up`
      : "when too few people or businesses make it up";
  const one = rules.maxSharePercent !== null ? `when a single contributor accounts for more than ${rules.maxSharePercent} % of it` : "when a single contributor accounts for most of it";
  const others =
    rules.protectionPercent !== null
      ? `or when it has to be hidden as well so that no other confidential figure can be worked out, to within ±${rules.protectionPercent} %, from the rest of the release`
      : "or when it has to be hidden as well so that no other confidential figure can be worked out from the rest of the release";
  return `A cell is flagged ${flag} ${few}, ${one}, ${others}; which of these applies to a given cell is not published.`;
}

/** The README's "What each table loses" row of a table, and its sentence when the table misses the targets. */
export function statedLoss(readme: string, table: string): StatedLoss {
  const section = readmeSection(readme, "What each table loses");
  const row = markdownTable(section).find((r) => r.dataset === table);
  const within = row ? Object.entries(row).find(([h]) => h.startsWith("within"))?.[1].replace(/\*/g, "") : undefined;
  const miss = section.find((l) => l.startsWith(`- ${table} misses the targets`));
  return {
    nonEmptyCellsPercent: percentIn(row?.["non-empty cells suppressed"]),
    valuePercent: percentIn(row?.["value suppressed"]),
    withinTargets: within === "yes" ? true : within === "no" ? false : null,
    missNote: miss ? miss.slice(2).trim() : null,
  };
}

/**
 * The designs the release measured for a table ("Designs, measured"). A design whose suppression
 * was not run in full has only its first cells counted: the README marks that share with the
 * kind of those cells; the portal says "at least" instead, the same fact without the rule's name.
 */
export function measuredDesigns(readme: string, table: string, published: string | null): MeasuredDesign[] {
  return markdownTable(readmeSection(readme, "Designs, measured"))
    .filter((r) => r.dataset === table)
    .map((r) => {
      const partial = /\(\w+\)\s*$/.test(r.suppressed ?? "");
      const share = (r.suppressed ?? "").replace(/\s*\(\w+\)\s*$/, "");
      const outcome = r.outcome ?? "";
      return {
        rung: r.rung ?? "",
        design: r.design ?? "",
        nonEmptyCells: r["non-empty cells"] ?? "",
        confidential: partial ? `at least ${share}` : share,
        value: (r["value suppressed"] ?? "").replace(/^(.*?)\s*\(bound\)\s*$/, "at least $1"),
        // A design left out by the lower bound of every safe pattern (lib/opendata/design.ts) already had cells hidden in that bound.
        outcome: /lower bound/.test(outcome) ? "over the targets whatever cells are hidden: not protected in full" : partial || /alone over the target/.test(outcome) ? "over the targets before any further cell was hidden: not protected in full" : outcome,
        chosen: published !== null && r.design === published,
      };
    });
}
