/**
 * The three tests of the Article 29 Working Party (Opinion 05/2014, WP216), answered with numbers
 * computed from the release itself (published cells and the engine's internal contributor data):
 * - singling out: the smallest number of contributors behind any published cell, per table,
 *   against the threshold of its population (11 persons / 3 businesses);
 * - linkability: published columns that could carry an identifier (none may be named like one),
 *   values shaped like a pseudonym or matching a known identifier (the PII scan's hits), and
 *   published cells of fewer than the threshold across tables sharing quasi-identifiers;
 * - inference: the largest share one contributor holds in a published amount cell (dominance,
 *   against 85 %), and homogeneous published cells, where every contributor has exactly the same
 *   value (membership alone would then reveal each one's figure).
 */
import { POLICY } from "../../policy";
import type { PublishedCell, TableInput } from "../confidentiality/index";

export interface TableAssessment {
  dataset: string;
  population: "person" | "business";
  threshold: number;
  publishedCells: number;
  suppressedCells: number;
  smallestPublishedGroup: number | null;
  publishedBelowThreshold: number;
  largestTopSharePercent: number | null;
  homogeneousPublishedCells: number;
  identifierLikeColumns: string[];
}

export interface Wp29Assessment {
  tables: TableAssessment[];
  singlingOut: { passed: boolean; smallestGroup: number | null };
  linkability: { passed: boolean; identifierLikeColumns: number; pseudonymShapedValues: number; piiHits: number };
  inference: { passed: boolean; largestTopSharePercent: number | null; homogeneousCells: number };
  passed: boolean;
}

const IDENTIFIER_COLUMN = /(^|_)(id|ids|pseudonym|email|phone|name_of_customer|customer|street|birth|card|iban)($|_)/i;
const PSEUDONYM_SHAPE = /\bcp_[0-9a-f]{32}\b/;

export function assessTable(input: TableInput, published: readonly PublishedCell[], columns: readonly string[]): TableAssessment {
  const threshold = POLICY.statisticalConfidentiality.frequency.minContributors[input.population];
  let smallest: number | null = null;
  let below = 0;
  let topShare: number | null = null;
  let homogeneous = 0;
  input.cells.forEach((cell, i) => {
    if (published[i].status !== "published" || cell.contributors === 0) return;
    // a cell of businesses in a table about persons (the customer table's business rows) is held
    // to the business threshold, and counted against it
    const own = POLICY.statisticalConfidentiality.frequency.minContributors[cell.population ?? input.population];
    if (cell.contributors < own) below++;
    if ((cell.population ?? input.population) !== input.population) return;
    smallest = smallest === null ? cell.contributors : Math.min(smallest, cell.contributors);
    if (cell.topContribution !== undefined && cell.absoluteTotal !== undefined && cell.absoluteTotal > 0) {
      const share = (100 * Math.abs(cell.topContribution)) / cell.absoluteTotal;
      topShare = topShare === null ? share : Math.max(topShare, share);
      if (cell.contributors > 1 && Math.abs(Math.abs(cell.topContribution) * cell.contributors - cell.absoluteTotal) < 1e-6 * cell.absoluteTotal) homogeneous++;
    }
  });
  return {
    dataset: input.name,
    population: input.population,
    threshold,
    publishedCells: published.filter((c) => c.status === "published").length,
    suppressedCells: published.filter((c) => c.status !== "published").length,
    smallestPublishedGroup: smallest,
    publishedBelowThreshold: below,
    largestTopSharePercent: topShare === null ? null : Math.round(topShare * 10) / 10,
    homogeneousPublishedCells: homogeneous,
    identifierLikeColumns: columns.filter((c) => IDENTIFIER_COLUMN.test(c)),
  };
}

export function assessRelease(tables: readonly TableAssessment[], publishedText: readonly string[], piiHits: number): Wp29Assessment {
  const smallest = tables.reduce<number | null>((m, t) => (t.smallestPublishedGroup === null ? m : m === null ? t.smallestPublishedGroup : Math.min(m, t.smallestPublishedGroup)), null);
  const pseudonymShaped = publishedText.filter((t) => PSEUDONYM_SHAPE.test(t)).length;
  const idColumns = tables.reduce((n, t) => n + t.identifierLikeColumns.length, 0);
  const topShares = tables.map((t) => t.largestTopSharePercent).filter((x): x is number => x !== null);
  const largest = topShares.length > 0 ? Math.max(...topShares) : null;
  const homogeneous = tables.reduce((n, t) => n + t.homogeneousPublishedCells, 0);
  const singlingOut = { passed: tables.every((t) => t.publishedBelowThreshold === 0), smallestGroup: smallest };
  const linkability = { passed: idColumns === 0 && pseudonymShaped === 0 && piiHits === 0, identifierLikeColumns: idColumns, pseudonymShapedValues: pseudonymShaped, piiHits };
  const inference = { passed: (largest === null || largest <= POLICY.statisticalConfidentiality.dominance.kPercent) && homogeneous === 0, largestTopSharePercent: largest, homogeneousCells: homogeneous };
  return { tables: [...tables], singlingOut, linkability, inference, passed: singlingOut.passed && linkability.passed && inference.passed };
}
