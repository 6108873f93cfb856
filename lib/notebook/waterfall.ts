/**
 * A row waterfall: how many rows there are at each step of a journey, and how many each step
 * took away, as one chart. Built from the counts the stages already record (manifests, the
 * warehouse), so the chart and the accounting cannot disagree.
 */
import type { TopLevelSpec } from "../charts/render";
import type { CleanManifest } from "../cleanse/cleanse";
import type { SplitManifest } from "../split/split";

export interface WaterfallStep {
  label: string;
  /** A running total shown as a full bar, or a change shown as a floating bar. */
  kind: "total" | "decrease" | "increase";
  rows: number;
}

/**
 * From the export's records to the rows of fact_sales: records read, minus stock snapshots and
 * records set aside by the splitter, gives the staged order lines; minus each cleansing reason
 * gives the kept lines; `factRows` is what the warehouse loaded from them. A difference between
 * the kept lines and the fact rows is its own step, so it cannot hide.
 */
export function salesRowWaterfall(split: SplitManifest, clean: CleanManifest, factRows: number): WaterfallStep[] {
  const lines = clean.entities.order_lines;
  const steps: WaterfallStep[] = [
    { label: "records in the export", kind: "total", rows: split.records.read },
    { label: "stock snapshots (another fact)", kind: "decrease", rows: split.records.stock },
  ];
  if (split.records.rejected > 0) steps.push({ label: "records set aside by the splitter", kind: "decrease", rows: split.records.rejected });
  steps.push({ label: "order lines staged", kind: "total", rows: lines.rowsIn });
  for (const [reason, rows] of Object.entries(lines.rejectedByReason).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    steps.push({ label: `not kept: ${reason}`, kind: "decrease", rows });
  }
  steps.push({ label: "order lines kept", kind: "total", rows: lines.rowsKept });
  if (factRows !== lines.rowsKept) {
    steps.push({ label: factRows < lines.rowsKept ? "lost by the load" : "added by the load", kind: factRows < lines.rowsKept ? "decrease" : "increase", rows: Math.abs(factRows - lines.rowsKept) });
  }
  steps.push({ label: "rows of fact_sales", kind: "total", rows: factRows });
  return steps;
}

/** The steps as bars: totals from zero, changes floating from the running total. */
export function waterfallBars(steps: readonly WaterfallStep[]): { order: number; label: string; kind: string; start: number; end: number; rows: number; labelAt: number }[] {
  let running = 0;
  return steps.map((step, order) => {
    if (step.kind === "total") {
      running = step.rows;
      return { order, label: step.label, kind: step.kind, start: 0, end: step.rows, rows: step.rows, labelAt: step.rows };
    }
    const start = running;
    running = step.kind === "decrease" ? running - step.rows : running + step.rows;
    return { order, label: step.label, kind: step.kind, start, end: running, rows: step.rows, labelAt: Math.max(start, running) };
  });
}

/** A horizontal waterfall chart (vega-lite), one bar per step, in order. */
export function waterfallSpec(steps: readonly WaterfallStep[], title: string): TopLevelSpec {
  const bars = waterfallBars(steps);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    data: { values: bars },
    width: 420,
    height: { step: 22 },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "label", type: "nominal", sort: { field: "order" }, title: null, axis: { labelLimit: 320 } },
          x: { field: "start", type: "quantitative", title: "rows" },
          x2: { field: "end" },
          color: { field: "kind", type: "nominal", title: null, scale: { domain: ["total", "decrease", "increase"], range: ["#4c78a8", "#e45756", "#54a24b"] } },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4 },
        encoding: {
          y: { field: "label", type: "nominal", sort: { field: "order" } },
          x: { field: "labelAt", type: "quantitative" },
          text: { field: "rows", type: "quantitative", format: "," },
        },
      },
    ],
  } as TopLevelSpec;
}
