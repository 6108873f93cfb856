import { RuleName } from "../missingValuePolicy";

/**
 * Values a rule would hand back unchanged and valid (its fixed points), as regular expressions
 * that DuckDB (RE2) and JavaScript read the same way. A value that matches needs no round trip to
 * the rule: SQL keeps it as it is. This matters for identifiers, where nearly every one of the
 * millions of distinct order numbers of a large export is already clean; the few that are not
 * (lower case, a stray space, `17850.0`) still go through the rule. tests/cleanse/canonical.test.ts
 * checks, on generated values and on every distinct value of the default export, that the rule
 * returns each matching value as it is.
 *
 * Rules without an entry (dates, enums, text, emails, phones) always run: their columns have few
 * distinct values, or their canonical form is not a simple pattern.
 */
export const CANONICAL_PATTERNS: Partial<Record<RuleName, string>> = {
  // Upper-case ASCII letters, digits, '_' and '-': cleanCode's output for such a value is itself.
  code: "[A-Z0-9][A-Z0-9_-]*",
  // No sign but '-', no leading zero, at most 9 digits (always within INTEGER).
  integer: "0|-?[1-9][0-9]{0,8}",
  // Dot decimals as parseDecimal returns them: no thousands separator, no '+', no currency.
  decimal: "-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,6})?",
};

/**
 * The SQL test that `value` (an SQL expression) is canonical for `rule`, and fits `type` (the
 * cleansed column's SQL type) when one is given; undefined when the rule has no canonical
 * pattern. A decimal column of type DECIMAL(p, s) holds p - s digits before the point: a longer
 * value (`150000` as a discount, DECIMAL(5,4)) goes through the rule and the type check of the
 * value map (cleanseEntity.ts) instead of failing the typed copy's cast.
 */
export function canonicalSql(rule: RuleName, value: string, type?: string): string | undefined {
  let pattern = CANONICAL_PATTERNS[rule];
  const decimal = type ? /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(type) : null;
  if (pattern !== undefined && rule === "decimal" && decimal) pattern = pattern.replace("{0,14}", `{0,${Number(decimal[1]) - Number(decimal[2]) - 1}}`);
  return pattern === undefined ? undefined : `regexp_full_match(${value}, '${pattern.replace(/'/g, "''")}')`;
}
