/**
 * The vega-lite charts of a dataset page, built from the dataset's schema and rows alone, so a
 * new dataset in a release gets charts without a line of code here:
 *
 * - trend: when the table has a `period` with at least two periods, the first measure over the
 *   periods, one small panel per value of one dimension (the area when there is one, restricted
 *   to the French régions when the table has them: "the trend by région"), every other dimension
 *   at its total;
 * - breakdown: the first measure by the first non-period dimension, over the whole release
 *   period (`All`) or, for tables that cannot add periods (stock), the latest one.
 *
 * Confidential cells are drawn as a "c" mark and never as a value: their measure is null in the
 * chart data (vega-lite leaves nulls out; the line breaks there instead of being drawn through),
 * and a text layer marks them, placed outside the value scale (pixel positions), so a "c" can
 * never be read as zero.
 *
 * The same spec is rendered twice: to a static SVG at build time (lib/charts/render.ts: the page
 * reads without JavaScript) and live in the browser by vega (tooltips), see assets/chart.js.
 */
import type { TopLevelSpec } from "../charts/render";
import type { PortalDataset, PortalField } from "./release";

/** The total of a dimension in every table of the release ("All", with its margins). */
export const TOTAL = "All";
/** Font stack of every chart: DejaVu Sans where installed (the static render and the screenshots use it). */
export const CHART_FONT_STACK = "DejaVu Sans, Verdana, sans-serif";

export interface PortalChart {
  id: string;
  title: string;
  /** One sentence for screen readers and the figure caption. */
  description: string;
  spec: TopLevelSpec;
  /** Rows drawn, and how many of them are confidential. */
  points: number;
  confidentialPoints: number;
}

interface Point {
  label: string;
  period?: string;
  value: number | null;
  status: string;
  flag: string;
}

const NON_DIMENSIONS = new Set(["geo_name", "status", "flag"]);

export function dimensionsOf(ds: PortalDataset): PortalField[] {
  return ds.fields.filter((f) => f.type === "string" && !NON_DIMENSIONS.has(f.name));
}

export function measuresOf(ds: PortalDataset): PortalField[] {
  return ds.fields.filter((f) => f.type !== "string");
}

/** "net_amount" -> "Net amount". */
export function humanise(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function dimensionNoun(name: string, frenchRegionsOnly: boolean): string {
  if (name === "geo_code") return frenchRegionsOnly ? "région" : "area";
  return humanise(name).toLowerCase();
}

const FRENCH_REGION = /^FR-\d{2}$/;

export function buildCharts(ds: PortalDataset): PortalChart[] {
  const dims = dimensionsOf(ds);
  const measure = measuresOf(ds)[0];
  if (!measure || dims.length === 0) return [];
  const col = (name: string) => ds.header.indexOf(name);
  const cell = (row: string[], name: string) => (col(name) >= 0 ? row[col(name)] : "");
  const labelOf = (row: string[], dim: string) => (dim === "geo_code" && col("geo_name") >= 0 ? cell(row, "geo_name") : cell(row, dim));
  const point = (row: string[], dim: string, withPeriod: boolean): Point => {
    const text = cell(row, measure.name);
    return {
      label: labelOf(row, dim),
      ...(withPeriod ? { period: cell(row, "period") } : {}),
      value: text === "" ? null : Number(text),
      status: cell(row, "status") || "published",
      flag: cell(row, "flag"),
    };
  };
  const atTotal = (row: string[], except: readonly string[]) => dims.every((d) => except.includes(d.name) || cell(row, d.name) === TOTAL);
  const charts: PortalChart[] = [];

  const periods = [...new Set(ds.rows.map((r) => cell(r, "period")))].filter((p) => p !== TOTAL && p !== "").sort();
  const hasPeriod = dims.some((d) => d.name === "period");
  const others = dims.filter((d) => d.name !== "period");

  if (hasPeriod && periods.length >= 2 && others.length > 0) {
    const series = others.find((d) => d.name === "geo_code") ?? others[0];
    let rows = ds.rows.filter((r) => cell(r, "period") !== TOTAL && cell(r, series.name) !== TOTAL && atTotal(r, ["period", series.name]));
    const regions = rows.filter((r) => series.name === "geo_code" && FRENCH_REGION.test(cell(r, "geo_code")));
    const regionsOnly = new Set(regions.map((r) => cell(r, "geo_code"))).size >= 2;
    if (regionsOnly) rows = regions;
    const points = rows.map((r) => point(r, series.name, true));
    if (points.length > 0) {
      const noun = dimensionNoun(series.name, regionsOnly);
      const fixed = others.filter((d) => d.name !== series.name).map((d) => `all ${humanise(d.name).toLowerCase()} values`);
      const title = `${humanise(measure.name)} by ${noun} and period`;
      const description = `${title} (${fixed.length > 0 ? fixed.join(", ") + "; " : ""}${periods.length} periods from ${periods[0]} to ${periods[periods.length - 1]}), one panel per ${noun}. Confidential values are marked c and not drawn.`;
      charts.push({ id: `${ds.id}-trend`, title, description, spec: trendSpec(title, description, measure, points, noun, periods), points: points.length, confidentialPoints: points.filter((p) => p.value === null).length });
    }
  }

  const byDim = others[0] ?? dims[0];
  if (byDim) {
    const periodOfBreakdown = hasPeriod ? (ds.rows.some((r) => cell(r, "period") === TOTAL) ? TOTAL : periods[periods.length - 1]) : null;
    let rows = ds.rows.filter((r) => cell(r, byDim.name) !== TOTAL && atTotal(r, [byDim.name, ...(hasPeriod ? ["period"] : [])]) && (!hasPeriod || cell(r, "period") === periodOfBreakdown));
    // France is the margin of its régions: one bar for both would count France twice.
    if (byDim.name === "geo_code" && rows.some((r) => FRENCH_REGION.test(cell(r, "geo_code")))) rows = rows.filter((r) => cell(r, "geo_code") !== "FR");
    const points = rows.map((r) => point(r, byDim.name, false));
    if (points.length > 0) {
      const noun = dimensionNoun(byDim.name, false);
      const when = periodOfBreakdown === null || periodOfBreakdown === TOTAL ? "whole release period" : periodOfBreakdown;
      const fixed = dims.filter((d) => d.name !== byDim.name && d.name !== "period").map((d) => `all ${humanise(d.name).toLowerCase()} values`);
      const title = `${humanise(measure.name)} by ${noun}, ${when}`;
      const description = `${title}${fixed.length > 0 ? ` (${fixed.join(", ")})` : ""}, one bar per ${noun}. Confidential values are marked c and not drawn.`;
      charts.push({ id: `${ds.id}-breakdown`, title, description, spec: breakdownSpec(title, description, measure, points, noun), points: points.length, confidentialPoints: points.filter((p) => p.value === null).length });
    }
  }
  return charts;
}

const CONFIG = {
  font: CHART_FONT_STACK,
  background: "white",
  view: { stroke: "#c8c8c8" },
  axis: { labelColor: "#333333", titleColor: "#1a1a1a", gridColor: "#e0e0e0" },
  title: { color: "#1a1a1a", subtitleColor: "#333333", anchor: "start" },
} as const;

const SUBTITLE = "c = confidential: not published (too few contributors, dominance, or secondary suppression), never zero";

function trendSpec(title: string, description: string, measure: PortalField, points: Point[], noun: string, periods: readonly string[]): TopLevelSpec {
  const valueFormat = measure.type === "integer" ? ",d" : ",.2f";
  // A panel is 130 px wide: at most three period labels fit (the first, then evenly spaced), and
  // dots only when there are few periods.
  const step = Math.ceil(periods.length / 3);
  const labelled = periods.filter((_, i) => i % step === 0);
  const dots = periods.length <= 12;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: SUBTITLE },
    description,
    data: { values: points },
    facet: { field: "label", type: "nominal", title: null, header: { labelFontSize: 11, labelLimit: 130 }, sort: null },
    columns: 6,
    spec: {
      width: 130,
      height: 80,
      layer: [
        {
          mark: { type: "line", color: "#1f5c99", invalid: "break-paths-filter-domains" },
          encoding: {
            x: { field: "period", type: "ordinal", title: null, axis: { labelAngle: 0, values: labelled, labelOverlap: true } },
            y: { ...valueAxis(measure, points), ...(points.some((p) => p.value !== null) ? { axis: { format: "~s", tickCount: 3 } } : {}) },
          },
        },
        {
          mark: { type: "point", filled: true, color: "#1f5c99", size: dots ? 30 : 8 },
          transform: [{ filter: "datum.value !== null" }],
          encoding: {
            x: { field: "period", type: "ordinal" },
            y: { field: "value", type: "quantitative" },
            tooltip: [
              { field: "label", title: humanise(noun) },
              { field: "period", title: "Period" },
              { field: "value", title: humanise(measure.name), format: valueFormat },
            ],
          },
        },
        {
          // A full-height dashed rule at the period: a column marker, not a point on the value scale.
          mark: { type: "rule", color: "#a3320b", strokeDash: [3, 3] },
          transform: [{ filter: "datum.value === null" }],
          encoding: {
            x: { field: "period", type: "ordinal" },
            y: { value: 0 },
            y2: { value: "height" },
          },
        },
        {
          mark: { type: "text", text: "c", color: "#a3320b", fontWeight: "bold", fontSize: 13, baseline: "top", dx: 6, align: "left" },
          transform: [{ filter: "datum.value === null" }],
          encoding: {
            x: { field: "period", type: "ordinal" },
            y: { value: 2 },
            tooltip: [
              { field: "label", title: humanise(noun) },
              { field: "period", title: "Period" },
              { field: "status", title: "Confidential" },
            ],
          },
        },
      ],
    },
    config: CONFIG,
  } as unknown as TopLevelSpec;
}

/** With every value confidential there is no scale to draw: an empty axis, not "NaN". */
function valueAxis(measure: PortalField, points: readonly Point[]): Record<string, unknown> {
  return points.some((p) => p.value !== null)
    ? { field: "value", type: "quantitative", title: humanise(measure.name), axis: { format: "~s", tickCount: 5, labelOverlap: true } }
    : { field: "value", type: "quantitative", title: `${humanise(measure.name)}: every value confidential`, scale: { domain: [0, 1] }, axis: { labels: false, ticks: false, grid: false } };
}

function breakdownSpec(title: string, description: string, measure: PortalField, points: Point[], noun: string): TopLevelSpec {
  const valueFormat = measure.type === "integer" ? ",d" : ",.2f";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: SUBTITLE },
    description,
    data: { values: points },
    width: 420,
    height: { step: 18 },
    encoding: {
      y: { field: "label", type: "nominal", title: humanise(noun), sort: null, axis: { labelLimit: 190 } },
    },
    layer: [
      {
        mark: { type: "bar", color: "#1f5c99" },
        transform: [{ filter: "datum.value !== null" }],
        encoding: {
          x: valueAxis(measure, points),
          tooltip: [
            { field: "label", title: humanise(noun) },
            { field: "value", title: humanise(measure.name), format: valueFormat },
          ],
        },
      },
      {
        mark: { type: "text", text: "c (confidential)", color: "#a3320b", fontStyle: "italic", align: "left", dx: 4 },
        transform: [{ filter: "datum.value === null" }],
        encoding: {
          x: { value: 0 },
          tooltip: [
            { field: "label", title: humanise(noun) },
            { field: "status", title: "Confidential" },
          ],
        },
      },
    ],
    config: CONFIG,
  } as unknown as TopLevelSpec;
}
