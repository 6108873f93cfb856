import { Cleaned, invalid, ok } from "./cleaned";

/**
 * Decimal numbers as exported by French and English tools: `12.5`, `12,50`, `1 234,50`,
 * `1.234,50`, `1,234.50`, `€ 12.50`. Returns the canonical dot-decimal text so DuckDB casts it
 * exactly (no float). Digit grouping is read where it cannot be a decimal mark: groups of three
 * followed by the other mark (`1.234,50`, `1,234.50`), or two groups or more (`1.234.567`,
 * `1,234,567`). A single comma stays a decimal comma (`1,234` is 1.234, as French tools write it).
 */
export function parseDecimal(raw: string): Cleaned {
  let text = raw.replace(/[\s\u00a0\u202f€]/g, "").replace(/EUR$/i, "");
  if (/^-?\d{1,3}(\.\d{3})+,\d+$/.test(text)) text = text.replace(/\./g, "").replace(",", ".");
  else if (/^-?\d{1,3}(,\d{3})+\.\d+$/.test(text) || /^-?\d{1,3}(,\d{3}){2,}$/.test(text)) text = text.replace(/,/g, "");
  else if (/^-?\d{1,3}(\.\d{3}){2,}$/.test(text)) text = text.replace(/\./g, "");
  else if (/^-?\d+,\d+$/.test(text)) text = text.replace(",", ".");
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return invalid("INVALID_NUMBER");
  const n = Number(text);
  if (!Number.isFinite(n)) return invalid("INVALID_NUMBER");
  return ok(text.replace(/^\+/, ""));
}

/**
 * Whole numbers (quantities, stock levels); `12.0` is accepted as 12, `12.5` is not. A comma
 * between groups of three digits is grouping here (`2,000` is two thousand units): read as a
 * decimal comma, as parseDecimal reads `1,234`, it made 2 units of `2,000`, silently.
 */
export function parseInteger(raw: string): Cleaned {
  const grouped = raw.replace(/[\s\u00a0\u202f]/g, "");
  if (/^[-+]?\d{1,3}(,\d{3})+$/.test(grouped)) raw = grouped.replace(/,/g, "");
  const decimal = parseDecimal(raw);
  if (decimal.issue) return invalid("INVALID_INTEGER");
  const n = Number(decimal.value);
  if (!Number.isInteger(n) || Math.abs(n) > 2_147_483_647) return invalid("INVALID_INTEGER");
  return ok(String(n));
}
