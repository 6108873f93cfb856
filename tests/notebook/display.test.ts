import * as aq from "arquero";
import { escapeHtml, formatNumber, formatOfColumn, formatPeriod, jsonMarkdown, showChart, showJson, showTable, tableHtml } from "../../lib/notebook/display";

// The show* helpers write through tslab's display, which only works inside a kernel: record
// what they send instead.
const sent: { mime: string; body: string }[] = [];
jest.mock("tslab", () => ({
  display: {
    html: (body: string) => sent.push({ mime: "text/html", body }),
    markdown: (body: string) => sent.push({ mime: "text/markdown", body }),
    svg: (body: string) => sent.push({ mime: "image/svg+xml", body }),
  },
}));

beforeEach(() => {
  sent.length = 0;
});

const sales = [
  { region: "Île-de-France", revenue: 1234567.891, orders: 42, share: 0.01234 },
  { region: "<script>alert('x')</script>", revenue: -5, orders: null, share: 0.5 },
];

describe("tableHtml", () => {
  test("escapes values, column names and the caption", () => {
    const html = tableHtml([{ "<b>col</b>": "a & b", note: `"quoted" 'single'` }], { caption: "<i>cap</i>" });
    expect(html).not.toMatch(/<b>|<i>cap|<script/);
    expect(html).toContain("&lt;b&gt;col&lt;/b&gt;");
    expect(html).toContain("a &amp; b");
    expect(html).toContain("&quot;quoted&quot; &#39;single&#39;");
    expect(html).toContain("<caption>&lt;i&gt;cap&lt;/i&gt;</caption>");
  });

  test("renders an injected script tag as text", () => {
    const html = tableHtml(sales);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
  });

  test("right-aligns numeric columns and formats numbers in a fixed locale", () => {
    const html = tableHtml(sales);
    expect(html).toContain('<th style="text-align: left">region</th><th style="text-align: right">revenue</th>');
    expect(html).toContain('<td style="text-align: right">1,234,567.89</td>');
    expect(html).toContain('<td style="text-align: right">0.0123</td>');
    expect(html).toContain('<td style="text-align: right"><i>null</i></td>');
    expect(html).toContain('<td style="text-align: right">-5</td>');
  });

  test("is deterministic: the same rows give the same bytes", () => {
    expect(tableHtml(sales, { caption: "Sales" })).toBe(tableHtml(structuredClone(sales), { caption: "Sales" }));
  });

  test("shows the first `limit` rows and says how many there are", () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({ id: i }));
    const html = tableHtml(rows, { limit: 5 });
    expect(html.match(/<tr><td/g)).toHaveLength(5);
    expect(html).toContain("5 of 1,500 rows shown.");
    expect(tableHtml([])).toContain("No rows.");
  });

  test("accepts rows typed by an interface", () => {
    interface StockLine {
      sku: string;
      stockOnHand: number;
    }
    const lines: StockLine[] = [{ sku: "A-1", stockOnHand: 12 }];
    expect(tableHtml(lines)).toContain('<td style="text-align: right">12</td>');
  });

  test("accepts an Arquero table", () => {
    const table = aq.table({ sku: ["A-1", "B-2", "C-3"], units: [3, 14, 1500] });
    const html = tableHtml(table, { limit: 2 });
    expect(html).toContain('<td style="text-align: left">A-1</td><td style="text-align: right">3</td>');
    expect(html).not.toContain("C-3");
    expect(html).toContain("2 of 3 rows shown.");
  });

  test("formats dates, bigints and objects without depending on the machine", () => {
    const html = tableHtml([
      { day: new Date("2024-03-01T00:00:00Z"), at: new Date("2024-03-01T10:30:00Z"), big: 12345678901234567890n, tags: ["a", "b"] },
    ]);
    expect(html).toContain(">2024-03-01<");
    expect(html).toContain(">2024-03-01T10:30:00.000Z<");
    expect(html).toContain(">12,345,678,901,234,567,890<");
    expect(html).toContain(">[&quot;a&quot;,&quot;b&quot;]<");
  });
});

test("formatNumber keeps small rates visible and integers grouped", () => {
  expect(formatNumber(0)).toBe("0");
  expect(formatNumber(-0)).toBe("0");
  expect(formatNumber(1000)).toBe("1,000");
  expect(formatNumber(2.5)).toBe("2.50");
  expect(formatNumber(0.000123456)).toBe("0.000123");
  expect(formatNumber(Number.NaN)).toBe("NaN");
});

describe("periods read as periods", () => {
  test("a year prints 2022 and a yyyymm month key 2024-12, by column name or by option", () => {
    const html = tableHtml([{ year: 2022, month_key: 202412, order_lines: 30164, product_id: 123456 }], { formats: { product_id: "code" } });
    expect(html).toContain(">2022<");
    expect(html).toContain(">2024-12<");
    expect(html).toContain(">30,164<");
    expect(html).toContain(">123456<");
    expect(html).not.toMatch(/2,022|202,412/);
  });

  test("a value that is not a valid period still prints as a number", () => {
    expect(formatPeriod(202413, "month")).toBe("202,413");
    expect(formatPeriod(12.5, "year")).toBe("12.50");
    expect(formatOfColumn("order_year")).toBe("year");
    expect(formatOfColumn("year_month")).toBe("month");
    expect(formatOfColumn("months_with_open_orders")).toBe("number");
  });
});

test("escapeHtml covers the five special characters", () => {
  expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("jsonMarkdown fences JSON with a fence longer than any backtick run inside", () => {
  expect(jsonMarkdown({ a: 1 })).toBe('```json\n{\n  "a": 1\n}\n```\n');
  expect(jsonMarkdown({ code: "````" })).toMatch(/^`````json\n[\s\S]*\n`````\n$/);
  expect(jsonMarkdown({ n: 10n, s: new Set([1]) })).toContain('"n": "10"');
});

describe("show helpers send one rich output each", () => {
  test("showTable sends HTML and returns nothing (tslab would print a return value)", () => {
    expect(showTable(sales, { caption: "Sales" })).toBeUndefined();
    expect(sent).toEqual([{ mime: "text/html", body: tableHtml(sales, { caption: "Sales" }) }]);
  });

  test("showJson sends markdown", () => {
    showJson({ ok: true });
    expect(sent).toEqual([{ mime: "text/markdown", body: '```json\n{\n  "ok": true\n}\n```\n' }]);
  });

  test("showChart sends an SVG", async () => {
    await expect(
      showChart({
        data: { values: [{ x: "a", y: 1 }] },
        mark: "bar",
        encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
      }),
    ).resolves.toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0].mime).toBe("image/svg+xml");
    expect(sent[0].body).toMatch(/^<svg /);
  });
});
