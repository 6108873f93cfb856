/**
 * Renders vega-lite specs to SVG (for notebooks, reports and GitHub) and PNG (for documents).
 *
 * Same spec, same bytes: the font is fixed (DejaVu Sans, Debian's `fonts-dejavu-core`), vega's
 * SVG id counters (clip paths, gradients) are reset before every render, and text widths are
 * vega's own estimate (no `canvas` package, so no dependency on the machine's font stack).
 * Temporal axes format in the process time zone: the notebook runner pins TZ=UTC.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";
// vega-lite declares its types only in package `exports`, which node10 resolution (tsconfig and
// tslab both use it) ignores: the build path is the same file, found the old way.
import type { TopLevelSpec, Config } from "vega-lite/build/index";

export type { TopLevelSpec };

/** Loads ESM-only packages from CommonJS; see the comment in esm.cjs. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esmImport: (specifier: string) => Promise<any> = require("./esm.cjs");

/** The one font every chart uses, so SVG text and PNG glyphs match on every machine. */
export const CHART_FONT = "DejaVu Sans";

/** Debian `fonts-dejavu-core` locations; resvg loads these files and nothing else. */
export const CHART_FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
];

/** Applied under each spec's own `config` (the spec wins where both set a value). */
const BASE_CONFIG: Config = { font: CHART_FONT, background: "white" };

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite/build/index");

let libraries: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

function loadLibraries(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  libraries ??= Promise.all([esmImport("vega"), esmImport("vega-lite")]).then(([vega, vegaLite]) => ({
    vega: vega as VegaModule,
    vegaLite: vegaLite as VegaLiteModule,
  }));
  return libraries;
}

/** Compiles a vega-lite spec and renders it headless (vega's "none" renderer) to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vegaLite } = await loadLibraries();
  const compiled = vegaLite.compile(spec, { config: BASE_CONFIG }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    // Clip-path and gradient ids come from module-level counters: without a reset, the second
    // identical chart in a process would get different ids, hence different bytes.
    vega.resetSVGDefIds();
    return scopeSvgIds(roundCoordinates(await view.toSVG()));
  } finally {
    view.finalize();
  }
}

/**
 * Coordinates to a hundredth of a pixel. vega writes positions computed from the data at full
 * double precision (`translate(186.66666666666666,252.0776263508)`): digits no reader can see,
 * and long enough to spell by chance a phone number of the export (a scan of the committed files
 * for the export's personal values found one in a benchmark chart). Only geometry is rounded:
 * text, titles and accessible descriptions keep the values as formatted.
 */
export function roundCoordinates(svg: string): string {
  return svg.replace(/ (d|transform|x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)"/g, (_match, name: string, value: string) => {
    const rounded = value.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100));
    return ` ${name}="${rounded}"`;
  });
}

/**
 * Makes the SVG's clip-path and gradient ids unique to this chart. After the reset above every
 * chart says `clip1`; two charts inlined in one page (a notebook, a report) would then share
 * ids and the second would be clipped by the first one's rectangle. The prefix is a hash of
 * the SVG itself, so it is still the same bytes for the same spec.
 */
export function scopeSvgIds(svg: string): string {
  const vegaId = "(?:clip\\d+|p_gradient_\\d+|gradient_\\d+)";
  if (!new RegExp(`id="${vegaId}"`).test(svg)) return svg;
  const prefix = `v${createHash("sha256").update(svg).digest("hex").slice(0, 8)}-`;
  return svg
    .replace(new RegExp(`(\\sid=")(${vegaId})"`, "g"), `$1${prefix}$2"`)
    .replace(new RegExp(`url\\(#(${vegaId})\\)`, "g"), `url(#${prefix}$1)`)
    .replace(new RegExp(`(href=")#(${vegaId})"`, "g"), `$1#${prefix}$2"`);
}

/** Writes the chart as SVG (with a final newline), creating the parent directory. */
export async function writeSvg(spec: TopLevelSpec, path: string): Promise<void> {
  const svg = await renderSvg(spec);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg + "\n");
}

/** Rasterises an SVG string with resvg and the DejaVu font files only (no system font lookup). */
export function svgToPng(svg: string, opts: { scale?: number } = {}): Buffer {
  const missing = CHART_FONT_FILES.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `PNG rendering needs the DejaVu fonts (${missing.join(", ")} not found): ` +
        "sudo apt-get install -y --no-install-recommends fonts-dejavu-core",
    );
  }
  // Loaded on demand: the native binding is only needed when a PNG is asked for.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resvg } = require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: opts.scale ?? 2 },
    font: { loadSystemFonts: false, fontFiles: CHART_FONT_FILES, defaultFontFamily: CHART_FONT },
  });
  return resvg.render().asPng();
}

/** Renders the chart to a PNG file (2x zoom by default, for sharp text in documents). */
export async function renderPng(spec: TopLevelSpec, path: string, opts: { scale?: number } = {}): Promise<Buffer> {
  const png = svgToPng(await renderSvg(spec), opts);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return png;
}
