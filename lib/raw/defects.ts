/**
 * The defects the raw export carries on purpose, one rate per kind. Each rate is a probability
 * per unit named in its comment (a field, a row, an order, a customer, a product); 0 disables
 * the kind. The generator counts what it injected, per kind, in `<basename>.defects.json`: the
 * cleansing stage's reports can be reconciled against those counts.
 *
 * Every defect decision draws from its own seeded stream, so changing one rate leaves the other
 * kinds' decisions where they were.
 */

export interface DefectRates {
  /** Per filled nullable field (every column but the record type and the row's key): written empty. */
  missingValue: number;
  /** Per SALE row: the row is written a second time, byte for byte, later the same day. */
  exactDuplicate: number;
  /** Per SALE row: the same order line is written again with whitespace or casing changed in one to three text fields. */
  nearDuplicate: number;
  /** Per date field: a non-ISO format (`05/04/2023` day-first, `2023/04/05`, `20230405`, `2023-04-05T00:00:00`). */
  dateFormat: number;
  /** Per text field: a leading, trailing or doubled space. */
  strayWhitespace: number;
  /** Per text field: upper, lower, title or alternating case. */
  randomCasing: number;
  /** Per email field: no `@`, `@@`, a trailing dot, or a space. */
  malformedEmail: number;
  /** Per phone field: letters in the number, or too few digits. */
  malformedPhone: number;
  /** Per phone field: a valid number in another format (`+33 1 23 45 67 89`, `0033123456789`, `01.23.45.67.89`, ...). */
  phoneFormat: number;
  /** Per SALE row: a return, the quantity is negative. */
  returnLine: number;
  /** Per SALE row: the unit price is `0.00`. */
  zeroPrice: number;
  /** Per order: the carrier id exists nowhere (`CAR-9x`), the carrier name is empty. */
  unknownCarrier: number;
  /** Per SALE row: the product id exists nowhere (`SKU-9xxxxx`), product and supplier details are empty. */
  unknownProduct: number;
  /** Per country field: another spelling of the right country (`FR`, `FRA`, `france `, `Deutschland` for DE...). */
  countryVariant: number;
  /** Per country field: a wrong or unusable country (`Belgique` for a French address, `EIRE`, `Frnace`, `--`). */
  countryJunk: number;
  /** Share of products and of customer addresses whose text contains a comma (`Lot de 4, ...`, `12, Rue ...`). */
  embeddedComma: number;
  /** Share of products whose name contains a double quote (`Téléviseur 55" 4K`, `Sac à dos "Trek"`). */
  embeddedQuote: number;
  /** Share of customer addresses written on several lines (`Bâtiment B\nRésidence ...\n12 Rue ...`). */
  embeddedNewline: number;
  /** Share of customers whose last name has an apostrophe (`D'Artagnan`, `N'Diaye`). */
  apostropheName: number;
}

export type DefectKind = keyof DefectRates;

/** Report order of the kinds, also the key order of `defectsInjected` in the summary. */
export const DEFECT_KINDS: readonly DefectKind[] = [
  "missingValue",
  "exactDuplicate",
  "nearDuplicate",
  "dateFormat",
  "strayWhitespace",
  "randomCasing",
  "malformedEmail",
  "malformedPhone",
  "phoneFormat",
  "returnLine",
  "zeroPrice",
  "unknownCarrier",
  "unknownProduct",
  "countryVariant",
  "countryJunk",
  "embeddedComma",
  "embeddedQuote",
  "embeddedNewline",
  "apostropheName",
];

/**
 * Rates chosen so that a 100 k-row export has hundreds of each defect, while most rows stay
 * clean enough for the warehouse to tell a story.
 */
export const DEFAULT_DEFECT_RATES: Readonly<DefectRates> = {
  missingValue: 0.003,
  exactDuplicate: 0.004,
  nearDuplicate: 0.003,
  dateFormat: 0.08,
  strayWhitespace: 0.01,
  randomCasing: 0.008,
  malformedEmail: 0.01,
  malformedPhone: 0.008,
  phoneFormat: 0.35,
  returnLine: 0.02,
  zeroPrice: 0.003,
  unknownCarrier: 0.003,
  unknownProduct: 0.002,
  countryVariant: 0.12,
  countryJunk: 0.002,
  embeddedComma: 0.03,
  embeddedQuote: 0.03,
  embeddedNewline: 0.02,
  apostropheName: 0.01,
};

/** What each count in `defectsInjected` counts, for the data README and the reports. */
export const DEFECT_COUNT_UNITS: Readonly<Record<DefectKind, string>> = {
  missingValue: "fields emptied",
  exactDuplicate: "extra rows",
  nearDuplicate: "extra rows",
  dateFormat: "date fields",
  strayWhitespace: "text fields",
  randomCasing: "text fields",
  malformedEmail: "email fields",
  malformedPhone: "phone fields",
  phoneFormat: "phone fields",
  returnLine: "rows",
  zeroPrice: "rows",
  unknownCarrier: "rows",
  unknownProduct: "rows",
  countryVariant: "country fields",
  countryJunk: "country fields",
  embeddedComma: "rows carrying one",
  embeddedQuote: "rows carrying one",
  embeddedNewline: "rows carrying one",
  apostropheName: "rows carrying one",
};

export function resolveDefectRates(overrides: Partial<DefectRates> = {}): DefectRates {
  const rates = { ...DEFAULT_DEFECT_RATES, ...overrides };
  for (const kind of Object.keys(rates) as DefectKind[]) {
    if (!DEFECT_KINDS.includes(kind)) throw new Error(`defects: unknown defect kind "${kind}"`);
    const rate = rates[kind];
    if (!(rate >= 0 && rate <= 1)) throw new Error(`defects: rate for ${kind} must be in [0, 1], got ${rate}`);
  }
  return rates;
}

export function zeroDefectCounts(): Record<DefectKind, number> {
  const counts = {} as Record<DefectKind, number>;
  for (const kind of DEFECT_KINDS) counts[kind] = 0;
  return counts;
}
