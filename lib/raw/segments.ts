/**
 * A row is written as a few segments of adjacent columns (the customer, the product, the
 * supplier, ...). A segment whose clean values repeat (one customer on every line of an order,
 * one product on thousands of lines) is serialised once, as UTF-8 bytes; a row copies those
 * bytes whenever none of the defect gates it would consult is about to hit, which
 * `RateGate.wouldMiss` tells without drawing anything. Otherwise the gates that will hit are
 * walked column by column, the others consumed in one go, and only the changed columns are
 * encoded anew. Every gate is consumed exactly as a column-by-column walk of all of them would,
 * so the defect rates and the bytes do not depend on the shortcuts.
 */
import { RAW_COLUMNS, type RecordType } from "./contract";
import { COUNTRY_SPELLINGS, JUNK_COUNTRIES } from "./catalogue";
import { columnIndex, NOISY_TEXT_COLUMNS, NULLABLE_COLUMNS, QUOTE_COLUMNS } from "./columns";
import { csvField } from "./csv";
import type { DefectInjector } from "./injector";
import type { RateGate } from "./prng";
import { encodeUtf8, type ChunkBuffer } from "./chunkBuffer";

enum ValueKind { Plain, Date, Email, Phone, Country }

// Slots of a `CheckPlan`, one per gate a segment can consult.
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
  /** Per column, the gates (bits of slots) a filled value consults. */
  readonly gateMask: number[];
  /** Check plans by which values are empty (see `SegmentWriter.plan`). */
  readonly plans = new Map<number, CheckPlan>();

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
    if (this.width > 30) throw new Error("SegmentSpec: a segment is at most 30 columns wide (its empty values make a bit set)");
    this.gateMask = names.map((_, j) => {
      let mask = 0;
      switch (this.kinds[j]) {
        case ValueKind.Date: mask |= 1 << DATE; break;
        case ValueKind.Email: mask |= 1 << EMAIL; break;
        case ValueKind.Phone: mask |= (1 << PHONE_BAD) | (1 << PHONE_FORMAT); break;
        case ValueKind.Country: mask |= (1 << COUNTRY_JUNK) | (1 << COUNTRY_VARIANT); break;
      }
      if (this.noisy[j]) mask |= (1 << SPACES) | (1 << CASING);
      if (this.nullable[j]) mask |= 1 << MISSING;
      return mask;
    });
  }
}

export interface PreparedSegment {
  /** Clean values: dates ISO, phones `01 23 45 67 89`, countries in their canonical spelling. */
  values: string[];
  /** The values as CSV fields (quoted where needed) joined by commas, in UTF-8. */
  bytes: Uint8Array;
  /** Where field `j` starts in `bytes`; `starts[width]` is one past the end, as if a comma followed. */
  starts: number[];
  /** The gates these values consult. */
  checks: CheckPlan;
}

/** The gates a set of values consults (slots, ascending) and how many times each: shared by all value sets alike. */
interface CheckPlan {
  /** Bit `j` set when value `j` is empty. */
  empty: number;
  slots: Uint8Array;
  counts: Int32Array;
  length: number;
}

/** A slot whose gate must be walked column by column when the gate of the given bit is. */
const FORCED_BY: readonly number[] = Array.from({ length: SLOTS }, (_, slot) =>
  slot === PHONE_FORMAT ? 1 << PHONE_BAD : slot === COUNTRY_VARIANT ? 1 << COUNTRY_JUNK : 0,
);
const COMMA = 44;
/** Room for one encoded segment; a segment that does not fit is encoded by `Buffer.from`. */
const SCRATCH_BYTES = 1 << 16;
/** The slab that kept bytes are carved from (see `SegmentWriter.keep`). */
const SLAB_BYTES = 1 << 20;

export class SegmentWriter {
  private readonly gates: RateGate[];
  private readonly scratchChecks = new Int32Array(SLOTS);
  private readonly scratch = new Uint8Array(SCRATCH_BYTES);
  private slab = new Uint8Array(SLAB_BYTES);
  private slabUsed = 0;

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

  /**
   * Serialises `values` once for many rows. With `into`, its objects are reused (its `values` may
   * be `values` itself) and its bytes are a view of `store`, valid until the next `prepare` into it.
   */
  prepare(spec: SegmentSpec, values: string[], into?: PreparedSegment, store?: Uint8Array): PreparedSegment {
    const checks = this.plan(spec, values);
    const starts = into?.starts ?? new Array<number>(spec.width + 1).fill(0);
    const target = store ?? this.scratch;
    let length = 0;
    for (let j = 0; j < spec.width; j++) {
      const value = values[j];
      const field = spec.quoted[j] ? csvField(value) : value;
      if (length + 3 * field.length + 1 > target.length) return this.prepareLarge(spec, values, checks, into);
      starts[j] = length;
      length = encodeUtf8(field, target, length);
      if (j < spec.width - 1) target[length++] = COMMA;
    }
    starts[spec.width] = length + 1;
    const bytes = store !== undefined ? store.subarray(0, length) : this.keep(target, length);
    if (into === undefined) return { values, bytes, starts, checks };
    into.values = values;
    into.bytes = bytes;
    into.checks = checks;
    return into;
  }

  /**
   * A lasting copy of `scratch[0, length)`, carved from a shared slab: hundreds of thousands of
   * prepared customers would otherwise each own an ArrayBuffer, which costs memory and GC time.
   */
  private keep(scratch: Uint8Array, length: number): Uint8Array {
    if (this.slabUsed + length > this.slab.length) {
      this.slab = new Uint8Array(Math.max(SLAB_BYTES, length));
      this.slabUsed = 0;
    }
    const bytes = this.slab.subarray(this.slabUsed, this.slabUsed + length);
    bytes.set(scratch.subarray(0, length));
    this.slabUsed += length;
    return bytes;
  }

  /** `prepare` for values too long for the scratch buffer (a pathological catalogue). */
  private prepareLarge(spec: SegmentSpec, values: string[], checks: CheckPlan, into?: PreparedSegment): PreparedSegment {
    const starts = into?.starts ?? new Array<number>(spec.width + 1).fill(0);
    const fields = values.map((value, j) => (spec.quoted[j] ? csvField(value) : value));
    let length = 0;
    fields.forEach((field, j) => {
      starts[j] = length;
      length += Buffer.byteLength(field, "utf8") + 1;
    });
    starts[spec.width] = length;
    const bytes = new Uint8Array(Buffer.from(fields.join(","), "utf8"));
    if (into === undefined) return { values, bytes, starts, checks };
    into.values = values;
    into.bytes = bytes;
    into.checks = checks;
    return into;
  }

  /**
   * Writes the segment's CSV text to `out` and returns whether a defect changed it ("hot"). The
   * final values go into `row` when the segment is hot, and when it is clean only if `fill`:
   * a caller that needs no complete row reads the clean values from `prepared`.
   */
  render(spec: SegmentSpec, prepared: PreparedSegment, row: string[], out: ChunkBuffer, fill: boolean): boolean {
    if (this.renderAside(spec, prepared, row, out, fill)) return true;
    out.bytes(prepared.bytes);
    return false;
  }

  /**
   * Decides the segment's defects now, for a segment written later in the row: returns false when
   * it is clean (the caller writes `prepared.bytes`), or writes its text to `aside` and returns true.
   * `row` as in `render`.
   */
  renderAside(spec: SegmentSpec, prepared: PreparedSegment, row: string[], aside: ChunkBuffer, fill: boolean): boolean {
    const { checks } = prepared;
    const hot = this.consumeCold(checks.slots, checks.counts, checks.length);
    if (hot !== 0) {
      this.renderHot(spec, prepared.values, checks.empty, row, hot, aside, prepared);
      return true;
    }
    if (fill) {
      const { values } = prepared;
      for (let j = 0; j < spec.width; j++) row[spec.start + j] = values[j];
    }
    return false;
  }

  /** `render` for values seen once (a stock level, a line's quantity): nothing to cache. */
  renderValues(spec: SegmentSpec, values: readonly string[], row: string[], out: ChunkBuffer): void {
    const checks = this.plan(spec, values);
    const hot = this.consumeCold(checks.slots, checks.counts, checks.length);
    if (hot !== 0) {
      this.renderHot(spec, values, checks.empty, row, hot, out);
      return;
    }
    for (let j = 0; j < spec.width; j++) {
      const value = values[j];
      row[spec.start + j] = value;
      if (j > 0) out.byte(COMMA);
      out.write(spec.quoted[j] ? csvField(value) : value);
    }
  }

  /**
   * The gates `values` consult: which ones depends only on which values are empty, so the plan is
   * made once per such pattern and shared.
   */
  private plan(spec: SegmentSpec, values: readonly string[]): CheckPlan {
    let empty = 0;
    for (let j = 0; j < spec.width; j++) if (values[j] === "") empty |= 1 << j;
    let plan = spec.plans.get(empty);
    if (plan === undefined) {
      const checks = this.scratchChecks;
      checks.fill(0);
      countChecks(spec, values, checks);
      const slots = new Uint8Array(SLOTS);
      const counts = new Int32Array(SLOTS);
      let length = 0;
      for (let slot = 0; slot < SLOTS; slot++) {
        if (checks[slot] === 0) continue;
        slots[length] = slot;
        counts[length] = checks[slot];
        length++;
      }
      plan = { empty, slots, counts, length };
      spec.plans.set(empty, plan);
    }
    return plan;
  }

  /**
   * The gates that will hit somewhere in this segment ("hot"), as a bit set; the checks of every
   * other gate are consumed here as misses. Each gate draws from its own streams, so consuming a
   * gate's checks in one go or column by column leaves the same state: only the hot gates have
   * to be walked column by column. A malformed phone is not also reformatted, and a junk country
   * not also respelled: when the first gate is hot, the second is consulted on fewer values than
   * counted, so it is walked with it (slots are ascending: the first comes first).
   */
  private consumeCold(slots: Uint8Array, counts: Int32Array, length: number): number {
    const { gates } = this;
    let hot = 0;
    for (let k = 0; k < length; k++) {
      const slot = slots[k];
      const gate = gates[slot];
      const n = counts[k];
      if ((hot & FORCED_BY[slot]) === 0 && gate.wouldMiss(n)) gate.skip(n);
      else hot |= 1 << slot;
    }
    return hot;
  }

  /**
   * The slow path: the hot gates decided column by column, in the order the columns come (the
   * cold ones were consumed by `consumeCold`). With `prepared`, the runs of unchanged columns are
   * copied from its bytes.
   */
  private renderHot(spec: SegmentSpec, values: readonly string[], empty: number, row: string[], hot: number, out: ChunkBuffer, prepared?: PreparedSegment): void {
    const { injector } = this;
    const spaces = (hot & (1 << SPACES)) !== 0;
    const casing = (hot & (1 << CASING)) !== 0;
    const missing = (hot & (1 << MISSING)) !== 0;
    // With `prepared`: bytes before `copied` are written already; a changed field is written in
    // place of its clean bytes, and the comma after it is copied with the run that follows.
    let copied = 0;
    const { gateMask } = spec;
    for (let j = 0; j < spec.width; j++) {
      const clean = values[j];
      if ((gateMask[j] & hot) === 0 || (empty & (1 << j)) !== 0) {
        // No hot gate looks at this value (nor at an empty one): it stays, without being read.
        row[spec.start + j] = clean;
        if (prepared === undefined) {
          if (j > 0) out.byte(COMMA);
          out.write(spec.quoted[j] ? csvField(clean) : clean);
        }
        continue;
      }
      let value = clean;
      switch (spec.kinds[j]) {
        case ValueKind.Date:
          if (hot & (1 << DATE)) value = injector.date(value);
          break;
        case ValueKind.Email:
          if (hot & (1 << EMAIL)) value = injector.email(value);
          break;
        case ValueKind.Phone:
          if (hot & ((1 << PHONE_BAD) | (1 << PHONE_FORMAT))) value = injector.phone(value, (hot & (1 << PHONE_BAD)) !== 0);
          break;
        case ValueKind.Country:
          if (hot & ((1 << COUNTRY_JUNK) | (1 << COUNTRY_VARIANT))) {
            value = injector.country(SPELLINGS_OF.get(value) ?? [value], JUNK_COUNTRIES, (hot & (1 << COUNTRY_JUNK)) !== 0);
          }
          break;
      }
      if (spec.noisy[j] && (spaces || casing)) value = injector.text(value, spaces, casing);
      if (missing && spec.nullable[j] && injector.hit("missingValue")) value = "";
      row[spec.start + j] = value;
      if (prepared === undefined) {
        if (j > 0) out.byte(COMMA);
        out.write(spec.quoted[j] ? csvField(value) : value);
      } else if (value !== clean) {
        out.bytes(prepared.bytes, copied, prepared.starts[j]);
        out.write(spec.quoted[j] ? csvField(value) : value);
        copied = prepared.starts[j + 1] - 1;
      }
    }
    if (prepared !== undefined) out.bytes(prepared.bytes, copied, prepared.bytes.length);
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
