import { Cleaned, invalid, ok } from "./cleaned";

/**
 * Identifiers (SKU, order, customer, supplier, carrier, warehouse ids) compare in upper case
 * without spaces: `85123a` and `85123A ` are one product. A float-looking integer id (`17850.0`,
 * how spreadsheets export numbers) keeps its integer part.
 */
export function cleanCode(raw: string): Cleaned {
  let code = raw.normalize("NFC").replace(/\s+/g, "").toUpperCase();
  if (/^\d+\.0+$/.test(code)) code = code.replace(/\.0+$/, "");
  if (!/^[\p{L}\p{N}_\-./#]+$/u.test(code)) return invalid("INVALID_CODE");
  return ok(code);
}
