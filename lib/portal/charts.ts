/**
 * The vega-lite charts of a dataset page, built from the dataset's rows and its
 * `disclosureControl` (dimensions, their codes and how they nest, measures) alone, so a table of
 * another design (no period, a hierarchy, other codes) gets charts without a line of code here:
 *
 * - trend: when the table has a `period` with at least two periods, the first measure over the
 *   periods, one small panel per code of one dimension (the area when there is one), every other
 *   dimension at its total;
 * - one breakdown per other dimension: the first measure by that dimension, over the whole
 *   release period (`All`, or no period column) or, for tables whose periods do not add (stock,
 *   no total), the latest one; every other dimension at its total.
 *
 * A dimension is charted at its finest level: the codes with no child (`parents` of the
 * dimension in datapackage.json). A total is never drawn beside its children as if they were
 * peers: `person` is shown through its age bands, France through its areas; a code with no
 * child (a country, `business`) is drawn once, at whatever level it sits. So no bar, and no
 * panel, includes another.
 *
 * Confidential cells are drawn as a "c" mark and never as a value: their measure is null in the
 * chart data (vega-lite leaves nulls out; the line breaks there instead of being drawn through),
 * and a text layer marks them, placed outside the value scale (pixel positions), so a "c" can
 * never be read as zero. A 0 is drawn as 0: the tables are full grids, an empty combination is a
 * real zero. A chart's data says only the flag of a cell, never why.
 *
 * The same spec is rendered twice: to a static SVG at build time (lib/charts/render.ts: the page
 * reads without JavaScript) and live in the browser by vega (tooltips), see assets/chart.js.
 */
import type { TopLevelSpec } from "../charts/render";
import type { PortalDataset, PortalDimension, PortalField } from "./release";

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

export interface ChartPoint {
  /** The code of the charted dimension, and what the page calls it (geo_name for an area). */
  code: string;
  label: string;
  /** The code's parent (its label), or the dimension's total when it sits directly under it. */
  partOf: string;
  period?: string;
  /** null when confidential: never drawn as a value. */
  value: number | null;
  /** The release's flag: "c" when confidential, "" otherwise. */
  flag: string;
}

/** "net_amount" -> "Net amount". */
export function humanise(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function dimensionNoun(field: string): string {
  if (field === "geo_code") return "area";
  return humanise(field).toLowerCase();
}

/**
 * The codes of a dimension with no child, in the order of a walk down the hierarchy (each parent's
 * children where the parent stands in the release's list): a partition of the total, each unit once.
 */
export function finestCodes(dim: PortalDimension): string[] {
  const present = new Set(dim.codes);
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const code of dim.codes) {
    const parent = dim.parents[code];
    if (parent !== undefined && present.has(parent) && parent !== code) children.set(parent, [...(children.get(parent) ?? []), code]);
    else roots.push(code);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (code: string) => {
    if (seen.has(code)) return; // a cycle in the metadata must not hang the build
    seen.add(code);
    const kids = children.get(code);
    if (kids) kids.forEach(walk);
    else out.push(code);
  };
  roots.forEach(walk);
  return out;
}

/** Codes with at least one child: the levels a chart leaves out. */
function parentCodes(dim: PortalDimension): string[] {
  const present = new Set(dim.codes);
  return dim.codes.filter((c) => dim.codes.some((k) => dim.parents[k] === c && present.has(c)));
}

export function buildCharts(ds: PortalDataset): PortalChart[] {
  const dc = ds.disclosure;
  const measure = ds.fields.find((f) => f.name === dc.measures[0]);
  const dims = dc.dimensions;
  if (!measure || dims.length === 0) return [];
  const col = (name: string) => ds.header.indexOf(name);
  const flagAt = col(dc.flagField);
  const cell = (row: readonly string[], name: string) => row[col(name)];
  const labelOf = (row: readonly string[], dim: PortalDimension) => (dim.labelField ? cell(row, dim.labelField) : cell(row, dim.field));
  const labels = new Map<string, Map<string, string>>(dims.map((d) => [d.field, new Map(ds.rows.map((r) => [cell(r, d.field), labelOf(r, d)]))]));
  const point = (row: readonly string[], dim: PortalDimension, withPeriod: boolean): ChartPoint => {
    const confidential = row[flagAt] === dc.confidentialFlag;
    const text = cell(row, measure.name);
    const parent = dim.parents[cell(row, dim.field)];
    return {
      code: cell(row, dim.field),
      label: labelOf(row, dim),
      partOf: parent !== undefined ? (labels.get(dim.field)!.get(parent) ?? parent) : (dim.total ?? ""),
      ...(withPeriod ? { period: cell(row, "period") } : {}),
      value: confidential || text === "" ? null : Number(text),
      flag: confidential ? dc.confidentialFlag : "",
    };
  };
  const periodDim = dims.find((d) => d.field === "period") ?? null;
  const periods = periodDim ? finestCodes(periodDim) : [];
  const others = dims.filter((d) => d !== periodDim);
  /** Where a dimension that is not charted stands: its total, or the latest period when periods do not add. */
  const fixedAt = (d: PortalDimension): string | null => d.total ?? (d === periodDim ? (periods[periods.length - 1] ?? null) : null);
  const inOrder = (dim: PortalDimension, codes: readonly string[]) => {
    const rank = new Map(codes.map((c, i) => [c, i]));
    return (a: readonly string[], b: readonly string[]) => rank.get(cell(a, dim.field))! - rank.get(cell(b, dim.field))!;
  };
  const charts: PortalChart[] = [];

  if (periodDim && periods.length >= 2 && others.length > 0) {
    const series = others.find((d) => d.field === "geo_code") ?? others[0];
    const seriesCodes = finestCodes(series);
    const rest = others.filter((d) => d !== series);
    const fixed = rest.map((d) => [d, fixedAt(d)] as const);
    if (seriesCodes.length > 0 && fixed.every(([, at]) => at !== null)) {
      const periodSet = new Set(periods);
      const codeSet = new Set(seriesCodes);
      const rows = ds.rows
        .filter((r) => periodSet.has(cell(r, "period")) && codeSet.has(cell(r, series.field)) && fixed.every(([d, at]) => cell(r, d.field) === at))
        .sort(inOrder(series, seriesCodes));
      const points = rows.map((r) => point(r, series, true));
      if (points.length > 0) {
        const noun = dimensionNoun(series.field);
        const fixedText = rest.map((d) => `every ${dimensionNoun(d.field)}`);
        const title = `${humanise(measure.name)} by ${noun} and period`;
        const description = `${title} (${fixedText.length > 0 ? fixedText.join(", ") + "; " : ""}${periods.length} periods from ${periods[0]} to ${periods[periods.length - 1]}), one panel per ${noun}${levelNote(series)}. Confidential values are marked c and not drawn; 0 is a real zero.`;
        charts.push({ id: `${ds.id}-trend`, title, description, spec: trendSpec(title, description, measure, points, noun, periods), points: points.length, confidentialPoints: points.filter((p) => p.flag !== "").length });
      }
    }
  }

  for (const byDim of others) {
    const codes = finestCodes(byDim);
    if (codes.length < 2) continue;
    const rest = dims.filter((d) => d !== byDim);
    const fixed = rest.map((d) => [d, fixedAt(d)] as const);
    if (fixed.some(([, at]) => at === null)) continue;
    const codeSet = new Set(codes);
    const rows = ds.rows.filter((r) => codeSet.has(cell(r, byDim.field)) && fixed.every(([d, at]) => cell(r, d.field) === at)).sort(inOrder(byDim, codes));
    const points = rows.map((r) => point(r, byDim, false));
    if (points.length === 0) continue;
    const noun = dimensionNoun(byDim.field);
    const periodAt = periodDim ? fixedAt(periodDim) : null;
    const when = periodAt === null || periodAt === periodDim?.total ? "whole release period" : periodAt;
    const fixedText = rest.filter((d) => d !== periodDim).map((d) => `every ${dimensionNoun(d.field)}`);
    const span = dc.period.start && dc.period.end && when === "whole release period" ? `${dc.period.start} to ${dc.period.end}` : "";
    const title = `${humanise(measure.name)} by ${noun}, ${when}`;
    const context = [span, ...fixedText].filter((t) => t !== "");
    const description = `${title}${context.length > 0 ? ` (${context.join("; ")})` : ""}, one bar per ${noun}${levelNote(byDim)}. Confidential values are marked c and not drawn; 0 is a real zero.`;
    charts.push({
      id: `${ds.id}-by-${byDim.field}`,
      title,
      description,
      spec: breakdownSpec(title, description, measure, points, noun),
      points: points.length,
      confidentialPoints: points.filter((p) => p.flag !== "").length,
    });
  }
  return charts;
}

/** " at its finest level (person through its 7 parts; ...)" when the dimension nests; nothing when it is flat. */
function levelNote(dim: PortalDimension): string {
  const parents = parentCodes(dim);
  if (parents.length === 0) return "";
  const shown = parents.map((p) => {
    const n = dim.codes.filter((c) => dim.parents[c] === p).length;
    return `${p} through its ${n} part${n === 1 ? "" : "s"}`;
  });
  return ` at its finest level (${shown.join(", ")}; none includes another)`;
}

const CONFIG = {
  font: CHART_FONT_STACK,
  background: "white",
  view: { stroke: "#c8c8c8" },
  axis: { labelColor: "#333333", titleColor: "#1a1a1a", gridColor: "#e0e0e0" },
  title: { color: "#1a1a1a", subtitleColor: "#333333", anchor: "start" },
} as const;

const SUBTITLE = "c = confidential: not published, never zero. 0 = a real zero.";

function trendSpec(title: string, description: string, measure: PortalField, points: ChartPoint[], noun: string, periods: readonly string[]): TopLevelSpec {
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
              { field: "partOf", title: "Part of" },
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
              { field: "flag", title: "Flag (confidential)" },
            ],
          },
        },
      ],
    },
    config: CONFIG,
  } as unknown as TopLevelSpec;
}

/** With every value confidential there is no scale to draw: an empty axis, not "NaN". */
function valueAxis(measure: PortalField, points: readonly ChartPoint[]): Record<string, unknown> {
  return points.some((p) => p.value !== null)
    ? { field: "value", type: "quantitative", title: humanise(measure.name), axis: { format: "~s", tickCount: 5, labelOverlap: true } }
    : { field: "value", type: "quantitative", title: `${humanise(measure.name)}: every value confidential`, scale: { domain: [0, 1] }, axis: { labels: false, ticks: false, grid: false } };
}

function breakdownSpec(title: string, description: string, measure: PortalField, points: ChartPoint[], noun: string): TopLevelSpec {
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
            { field: "partOf", title: "Part of" },
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
            { field: "flag", title: "Flag (confidential)" },
          ],
        },
      },
    ],
    config: CONFIG,
  } as unknown as TopLevelSpec;
}
