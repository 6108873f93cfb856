/**
 * A row is written as a few segments of adjacent columns (the customer, the product, the
 * supplier, ...). A segment whose clean values repeat (one customer on every line of an order,
 * one product on thousands of lines) is serialised once; a row reuses that text whenever none
 * of the defect gates it would consult is about to hit, which `RateGate.wouldMiss` tells without
 * drawing anything. Otherwise the row takes the slow path, column by column. Both paths consume
 * the gates identically, so the defect rates and the bytes do not depend on the shortcut.
 */
import { RAW_COLUMNS, type RecordType } from "./contract";
import { COUNTRY_SPELLINGS, JUNK_COUNTRIES } from "./catalogue";
import { columnIndex, NOISY_TEXT_COLUMNS, NULLABLE_COLUMNS, QUOTE_COLUMNS } from "./columns";
import { csvField } from "./csv";
import type { DefectInjector } from "./injector";
import type { RateGate } from "./prng";

enum ValueKind { Plain, Date, Email, Phone, Country }

// Slots of `PreparedSegment.checks`, one per gate a segment can consult.
const DATE = 0, EMAIL = 1, PHONE_BAD = 2, PHONE_FORMAT = 3, COUNTRY_JUNK = 4, COUNTRY_VARIANT = 5, SPACES = 6, CASING = 7, MISSING = 8;
const SLOTS = 9;

const DATE_COLUMNS = ["order_date", "ship_date", "delivery_date", "birth_date", "snapshot_date"];
const EMAIL_COLUMNS = ["email", "supplier_contact_email"];
const PHONE_COLUMNS = ["phone"];
const COUNTRY_COLUMNS = ["country", "supplier_country"];

/** Canonical spelling -> every spelling of that country, canonical first. */
const SPELLINGS_OF = new Map(Object.values(COUNTRY_SPELLINGS).map((spellings) => [spellings[0], spellings]));

export class SegmentSpec {
  readonly start: number;
  readonly width: number;
  readonly kinds: ValueKind[];
  readonly noisy: boolean[];
  readonly nullable: boolean[];
  readonly quoted: boolean[];

  constructor(
    readonly type: RecordType,
    first: string,
    last: string,
  ) {
    this.start = columnIndex(first);
    this.width = columnIndex(last) - this.start + 1;
    const names = RAW_COLUMNS.slice(this.start, this.start + this.width).map((c) => c.name);
    this.kinds = names.map((name) =>
      DATE_COLUMNS.includes(name) ? ValueKind.Date
      : EMAIL_COLUMNS.includes(name) ? ValueKind.Email
      : PHONE_COLUMNS.includes(name) ? ValueKind.Phone
      : COUNTRY_COLUMNS.includes(name) ? ValueKind.Country
      : ValueKind.Plain,
    );
    const at = (j: number) => this.start + j;
    this.noisy = names.map((_, j) => NOISY_TEXT_COLUMNS[type].includes(at(j)));
    this.nullable = names.map((_, j) => NULLABLE_COLUMNS[type].includes(at(j)));
    this.quoted = names.map((_, j) => QUOTE_COLUMNS.includes(at(j)));
  }
}

export interface PreparedSegment {
  /** Clean values: dates ISO, phones `01 23 45 67 89`, countries in their canonical spelling. */
  values: string[];
  text: string;
  /** `values` as CSV fields (quoted where needed), reused by the slow path for untouched columns. */
  fields: string[];
  /** How many times each gate would be consulted on these values. */
  checks: Int32Array;
}

export class SegmentWriter {
  private readonly gates: RateGate[];
  private readonly parts: string[] = [];
  private readonly scratchChecks = new Int32Array(SLOTS);

  constructor(private readonly injector: DefectInjector) {
    const g = injector.gates;
    const gates: RateGate[] = [];
    gates[DATE] = g.dateFormat;
    gates[EMAIL] = g.malformedEmail;
    gates[PHONE_BAD] = g.malformedPhone;
    gates[PHONE_FORMAT] = g.phoneFormat;
    gates[COUNTRY_JUNK] = g.countryJunk;
    gates[COUNTRY_VARIANT] = g.countryVariant;
    gates[SPACES] = g.strayWhitespace;
    gates[CASING] = g.randomCasing;
    gates[MISSING] = g.missingValue;
    this.gates = gates;
  }

  prepare(spec: SegmentSpec, values: string[]): PreparedSegment {
    const checks = new Int32Array(SLOTS);
    countChecks(spec, values, checks);
    const fields = values.map((value, j) => (spec.quoted[j] ? csvField(value) : value));
    return { values, text: fields.join(","), fields, checks };
  }

  /** Writes the segment's final values into `row` and returns its CSV text. */
  render(spec: SegmentSpec, prepared: PreparedSegment, row: string[]): string {
    if (!this.passClean(prepared.checks)) return this.renderSlowly(spec, prepared.values, row, prepared.fields);
    const { values } = prepared;
    for (let j = 0; j < spec.width; j++) row[spec.start + j] = values[j];
    return prepared.text;
  }

  /** `render` for values seen once (a stock level, a line's quantity): nothing to cache. */
  renderValues(spec: SegmentSpec, values: readonly string[], row: string[]): string {
    const checks = this.scratchChecks;
    checks.fill(0);
    countChecks(spec, values, checks);
    if (!this.passClean(checks)) return this.renderSlowly(spec, values, row);
    for (let j = 0; j < spec.width; j++) row[spec.start + j] = values[j];
    return this.join(spec, values);
  }

  /** When no gate would hit on these checks, consumes them as misses and returns true. */
  private passClean(checks: Int32Array): boolean {
    const { gates } = this;
    for (let slot = 0; slot < SLOTS; slot++) if (!gates[slot].wouldMiss(checks[slot])) return false;
    for (let slot = 0; slot < SLOTS; slot++) if (checks[slot] > 0) gates[slot].skip(checks[slot]);
    return true;
  }

  private join(spec: SegmentSpec, values: readonly string[]): string {
    const { parts } = this;
    parts.length = spec.width;
    for (let j = 0; j < spec.width; j++) parts[j] = spec.quoted[j] ? csvField(values[j]) : values[j];
    return parts.join(",");
  }

  /** The slow path: every defect decided column by column. */
  private renderSlowly(spec: SegmentSpec, values: readonly string[], row: string[], cleanFields?: readonly string[]): string {
    const { injector, parts } = this;
    parts.length = spec.width;
    for (let j = 0; j < spec.width; j++) {
      let value = values[j];
      if (value !== "") {
        switch (spec.kinds[j]) {
          case ValueKind.Date: value = injector.date(value); break;
          case ValueKind.Email: value = injector.email(value); break;
          case ValueKind.Phone: value = injector.phone(value.replace(/ /g, "")); break;
          case ValueKind.Country: value = injector.country(SPELLINGS_OF.get(value) ?? [value], JUNK_COUNTRIES); break;
        }
        if (spec.noisy[j]) value = injector.text(value);
        if (spec.nullable[j] && injector.hit("missingValue")) value = "";
      }
      row[spec.start + j] = value;
      parts[j] = cleanFields !== undefined && value === values[j] ? cleanFields[j] : spec.quoted[j] ? csvField(value) : value;
    }
    return parts.join(",");
  }
}

function countChecks(spec: SegmentSpec, values: readonly string[], checks: Int32Array): void {
  for (let j = 0; j < spec.width; j++) {
    if (values[j] === "") continue;
    switch (spec.kinds[j]) {
      case ValueKind.Date: checks[DATE]++; break;
      case ValueKind.Email: checks[EMAIL]++; break;
      case ValueKind.Phone: checks[PHONE_BAD]++; checks[PHONE_FORMAT]++; break;
      case ValueKind.Country: checks[COUNTRY_JUNK]++; checks[COUNTRY_VARIANT]++; break;
    }
    if (spec.noisy[j]) { checks[SPACES]++; checks[CASING]++; }
    if (spec.nullable[j]) checks[MISSING]++;
  }
}

/** `n` empty fields as CSV text (n - 1 commas). */
export function emptyFields(n: number): string {
  return ",".repeat(n - 1);
}
