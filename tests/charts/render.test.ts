import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderPng, renderSvg, roundCoordinates, writeSvg, type TopLevelSpec } from "../../lib/charts/render";

const salesByRegion: TopLevelSpec = {
  title: "Revenue by region",
  data: {
    values: [
      { region: "Bretagne", revenue: 120 },
      { region: "Normandie", revenue: 80 },
      { region: "Occitanie", revenue: 150 },
    ],
  },
  mark: "bar",
  encoding: {
    x: { field: "region", type: "nominal" },
    y: { field: "revenue", type: "quantitative" },
  },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "render-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("renderSvg draws one bar per row, with the title, in DejaVu Sans", async () => {
  const svg = await renderSvg(salesByRegion);
  expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg.match(/<path [^>]*aria-roledescription="bar"/g)).toHaveLength(3);
  expect(svg).toContain(">Revenue by region</text>");
  expect(svg).toContain('font-family="DejaVu Sans"');
});

test("renderSvg gives the same bytes for the same spec, clip paths included", async () => {
  // A clipped mark makes vega allocate a clip-path id from a module-level counter: without the
  // reset in renderSvg, the second render would say clip2 where the first said clip1.
  const clipped: TopLevelSpec = { ...salesByRegion, mark: { type: "bar", clip: true } } as TopLevelSpec;
  const first = await renderSvg(clipped);
  const second = await renderSvg(clipped);
  expect(first).toContain("clip-path=");
  expect(second).toBe(first);
  expect(await renderSvg(salesByRegion)).toBe(await renderSvg(salesByRegion));
});

test("clip-path ids differ between charts, so two charts can share one page", async () => {
  const clipped = { ...salesByRegion, mark: { type: "bar", clip: true } } as TopLevelSpec;
  const other = { ...clipped, title: "Another chart" } as TopLevelSpec;
  const ids = async (spec: TopLevelSpec) => [...(await renderSvg(spec)).matchAll(/<clipPath id="([^"]+)"/g)].map((m) => m[1]);
  const [first, second] = [await ids(clipped), await ids(other)];
  expect(first).toHaveLength(1);
  expect(second).toHaveLength(1);
  expect(first[0]).not.toBe(second[0]);
  expect(await renderSvg(clipped)).toContain(`clip-path="url(#${first[0]})"`);
});

test("a spec's own config wins over the default font", async () => {
  const svg = await renderSvg({ ...salesByRegion, config: { font: "DejaVu Serif" } } as TopLevelSpec);
  expect(svg).toContain('font-family="DejaVu Serif"');
});

test("writeSvg writes the SVG with a final newline", async () => {
  const file = join(dir, "nested", "chart.svg");
  await writeSvg(salesByRegion, file);
  expect(readFileSync(file, "utf8")).toBe((await renderSvg(salesByRegion)) + "\n");
});

test("renderPng writes the same PNG bytes twice", async () => {
  const first = await renderPng(salesByRegion, join(dir, "a.png"));
  const second = await renderPng(salesByRegion, join(dir, "b.png"));
  expect(first.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(readFileSync(join(dir, "b.png")).equals(first)).toBe(true);
  expect(second.equals(first)).toBe(true);
  // 2x zoom by default: the PNG is twice the SVG's width (IHDR width at bytes 16..19).
  const svgWidth = Number(/width="(\d+)"/.exec(await renderSvg(salesByRegion))![1]);
  expect(first.readUInt32BE(16)).toBe(svgWidth * 2);
});

test("geometry is written to a hundredth of a pixel; text keeps its values", async () => {
  const points: TopLevelSpec = {
    title: "Seconds against rows",
    data: { values: [1, 2, 5, 10].map((m) => ({ rows: m * 1_000_000, seconds: 94.2 * m ** 1.1234567 })) },
    mark: { type: "point" },
    encoding: { x: { field: "rows", type: "quantitative", scale: { type: "log" } }, y: { field: "seconds", type: "quantitative", scale: { type: "log" } } },
  } as TopLevelSpec;
  const svg = await renderSvg(points);
  const geometry = [...svg.matchAll(/ (?:d|transform|x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)"/g)].map((m) => m[1]);
  expect(geometry.length).toBeGreaterThan(10);
  for (const value of geometry) expect(value).not.toMatch(/\d\.\d{3}/);
  expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(4);
  expect(roundCoordinates('<svg width="835" height="749.0000000000001" viewBox="0 0 835 749.0000000000001">')).toBe('<svg width="835" height="749" viewBox="0 0 835 749">');
  expect(roundCoordinates('<path transform="translate(186.66666666666666,252.0776263508)" d="M-2.739,0A2.7391,2.7391,0,1,1,-2.735,0" aria-label="seconds: 252.0776263508"/>')).toBe(
    '<path transform="translate(186.67,252.08)" d="M-2.74,0A2.74,2.74,0,1,1,-2.73,0" aria-label="seconds: 252.0776263508"/>',
  );
});
