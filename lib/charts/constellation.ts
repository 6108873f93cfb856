import { foreignKeys, ModelDoc } from "../warehouse/modelDoc";

/**
 * Draws the warehouse model as an SVG diagram from the model docs themselves (the same
 * `.doc.json` files that drive the DDL and the gates), so the picture cannot drift from the
 * tables: facts in the middle column, dimensions on both sides, one line per foreign key,
 * labelled with the role (order date, ship date...) when a dimension plays several.
 */
export function constellationSvg(docs: ModelDoc[]): string {
  const facts = docs.filter((d) => d.table.startsWith("fact_")).sort((a, b) => a.table.localeCompare(b.table));
  const dims = docs.filter((d) => d.table.startsWith("dim_")).sort((a, b) => a.table.localeCompare(b.table));
  const width = 900;
  const boxW = 210;
  const rowH = 26;
  const left = dims.filter((_, i) => i % 2 === 0);
  const right = dims.filter((_, i) => i % 2 === 1);
  const dimHeight = () => rowH * 2 + 6;
  const factHeight = (d: ModelDoc) => rowH * (2 + foreignKeys(d).length) + 6;
  const column = (items: ModelDoc[], x: number, height: (d: ModelDoc) => number, gap: number) => {
    let y = 40;
    return items.map((d) => {
      const box = { doc: d, x, y, w: boxW, h: height(d) };
      y += box.h + gap;
      return box;
    });
  };
  const leftBoxes = column(left, 20, dimHeight, 60);
  const rightBoxes = column(right, width - boxW - 20, dimHeight, 60);
  const factBoxes = column(facts, (width - boxW) / 2, factHeight, 50);
  const all = [...leftBoxes, ...rightBoxes, ...factBoxes];
  const height = Math.max(...all.map((b) => b.y + b.h)) + 30;
  const byTable = new Map(all.map((b) => [b.doc.table, b]));
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  const lines: string[] = [];
  for (const fact of factBoxes) {
    foreignKeys(fact.doc).forEach((fk, i) => {
      const dim = byTable.get(fk.table);
      if (!dim) return;
      const y1 = fact.y + rowH * (2 + i) - 8;
      const x1 = dim.x < fact.x ? fact.x : fact.x + fact.w;
      const x2 = dim.x < fact.x ? dim.x + dim.w : dim.x;
      const y2 = dim.y + dim.h / 2;
      lines.push(`<path d="M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}" fill="none" stroke="#8a8f98" stroke-width="1.2"/>`);
    });
  }
  const box = (b: (typeof all)[number]) => {
    const isFact = b.doc.table.startsWith("fact_");
    const rows = isFact ? foreignKeys(b.doc).map((fk) => `${fk.column} → ${fk.table}`) : [`${b.doc.primaryKey?.join(", ") ?? ""}`];
    return [
      `<g>`,
      `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${isFact ? "#fdf1e3" : "#eaf1fb"}" stroke="${isFact ? "#d9822b" : "#3b73b9"}" stroke-width="1.5"/>`,
      `<text x="${b.x + 10}" y="${b.y + 20}" font-family="DejaVu Sans" font-size="14" font-weight="bold" fill="#1f2328">${esc(b.doc.table)}</text>`,
      ...rows.map((r, i) => `<text x="${b.x + 10}" y="${b.y + rowH * (i + 2) - 4}" font-family="DejaVu Sans" font-size="11" fill="#444c56">${esc(r)}</text>`),
      `</g>`,
    ].join("");
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-family="DejaVu Sans" font-size="15" font-weight="bold" fill="#1f2328">The constellation: two fact tables sharing conformed dimensions</text>`,
    ...lines,
    ...all.map(box),
    `</svg>`,
  ].join("\n");
}
