/**
 * Applies the defects of `defects.ts` to field values and counts each one it applies. One gate
 * and one PRNG stream per kind (see `DefectRates`), so the decisions are deterministic and
 * independent of each other.
 */
import { DEFECT_KINDS, type DefectKind, type DefectRates, zeroDefectCounts } from "./defects";
import { Prng, RateGate } from "./prng";

export class DefectInjector {
  readonly counts: Record<DefectKind, number> = zeroDefectCounts();
  readonly gates: Record<DefectKind, RateGate>;
  private readonly streams: Record<DefectKind, Prng>;

  constructor(
    readonly rates: DefectRates,
    seed: number,
  ) {
    this.gates = {} as Record<DefectKind, RateGate>;
    this.streams = {} as Record<DefectKind, Prng>;
    DEFECT_KINDS.forEach((kind, index) => {
      this.streams[kind] = new Prng(seed, 1000 + index);
      this.gates[kind] = new RateGate(rates[kind], new Prng(seed, 2000 + index));
    });
  }

  /** True when this unit gets the defect; the caller applies it, the count follows. */
  hit(kind: DefectKind): boolean {
    if (!this.gates[kind].hit()) return false;
    this.counts[kind]++;
    return true;
  }

  /** A date from its ISO form, sometimes in another format. Day-first is the slash convention. */
  date(iso: string): string {
    if (iso === "" || !this.hit("dateFormat")) return iso;
    switch (this.streams.dateFormat.int(4)) {
      case 0: return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
      case 1: return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
      case 2: return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
      default: return `${iso}T00:00:00`;
    }
  }

  /**
   * A phone as the customer gave it (`01 23 45 67 89`, or `+32 470 12 34 56` abroad), unchanged
   * unless a defect hits. `checkMalformed` false leaves the malformed-phone gate alone (the
   * caller consumed its check).
   */
  phone(canonical: string, checkMalformed = true): string {
    const digits = canonical.replaceAll(" ", "");
    if (checkMalformed && this.hit("malformedPhone")) {
      const prng = this.streams.malformedPhone;
      if (prng.chance(0.5)) return `${spaced(digits.slice(0, 6))}`; // too short
      const at = 2 + prng.int(6);
      const letters = prng.pick(["AB", "O1", "XX", "l2"]);
      return spaced(digits.slice(0, at) + letters + digits.slice(at + 2));
    }
    if (this.hit("phoneFormat")) {
      const format = this.streams.phoneFormat.int(5);
      if (digits.startsWith("+")) {
        // A number abroad keeps its country code in every format: without it, it is not the same number.
        const international = digits.slice(1);
        switch (format) {
          case 0: return `00${international}`;
          case 1: return `00 ${canonical.slice(1)}`;
          case 2: return `+${international.replace(/(\d\d)(?=\d)/g, "$1.")}`;
          case 3: return digits;
          default: return `(+${canonical.slice(1).replace(" ", ") ")}`;
        }
      }
      const national = digits.slice(1);
      switch (format) {
        case 0: return `+33 ${national[0]} ${spaced(national.slice(1))}`;
        case 1: return `0033${national}`;
        case 2: return `${digits.slice(0, 2)}.${digits.slice(2, 4)}.${digits.slice(4, 6)}.${digits.slice(6, 8)}.${digits.slice(8, 10)}`;
        case 3: return digits;
        default: return `+33${national}`;
      }
    }
    return canonical;
  }

  email(address: string): string {
    if (address === "" || !this.hit("malformedEmail")) return address;
    const at = address.indexOf("@");
    switch (this.streams.malformedEmail.int(4)) {
      case 0: return address.slice(0, at) + address.slice(at + 1);
      case 1: return `${address.slice(0, at)}@@${address.slice(at + 1)}`;
      case 2: return `${address}.`;
      default: return `${address.slice(0, at)} @${address.slice(at + 1)}`;
    }
  }

  /**
   * `spellings[0]` is the canonical spelling; the others are what people and systems type.
   * `checkJunk` false leaves the junk-country gate alone (the caller consumed its check).
   */
  country(spellings: readonly string[], junk: readonly string[], checkJunk = true): string {
    if (checkJunk && this.hit("countryJunk")) return this.streams.countryJunk.pick(junk);
    if (this.hit("countryVariant")) return spellings[1 + this.streams.countryVariant.int(spellings.length - 1)];
    return spellings[0];
  }

  /**
   * Stray whitespace and casing noise on a free-text or code value. A gate whose flag is false is
   * left alone (the caller consumed its check).
   */
  text(value: string, spaces = true, casing = true): string {
    if (value === "") return value;
    if (spaces && this.hit("strayWhitespace")) value = whitespaceVariant(value, this.streams.strayWhitespace);
    if (casing && this.hit("randomCasing")) value = casingVariant(value, this.streams.randomCasing);
    return value;
  }

  /**
   * A near copy of a row: one to three of the given text columns changed in whitespace or casing
   * only, so a cleanser that trims and folds case sees the same order line twice.
   */
  nearDuplicate(fields: readonly string[], textColumns: readonly number[]): string[] | null {
    const prng = this.streams.nearDuplicate;
    const candidates = textColumns.filter((c) => fields[c] !== "");
    if (candidates.length === 0) return null;
    const copy = fields.slice();
    const changes = 1 + prng.int(3);
    for (let k = 0; k < changes; k++) {
      const column = prng.pick(candidates);
      const changed = prng.chance(0.5) ? whitespaceVariant(copy[column], prng) : casingVariant(copy[column], prng);
      // Casing can be a no-op ("123" upper-cased): a trailing space always differs.
      copy[column] = changed === copy[column] ? `${changed} ` : changed;
    }
    return copy;
  }
}

function spaced(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i += 2) out += (i ? " " : "") + digits.slice(i, i + 2);
  return out;
}

function whitespaceVariant(value: string, prng: Prng): string {
  switch (prng.int(4)) {
    case 0: return ` ${value}`;
    case 1: return `${value} `;
    case 2: return `  ${value} `;
    default: {
      const space = value.indexOf(" ");
      return space < 0 ? `${value}  ` : `${value.slice(0, space)}  ${value.slice(space + 1)}`;
    }
  }
}

function casingVariant(value: string, prng: Prng): string {
  switch (prng.int(4)) {
    case 0: return value.toUpperCase();
    case 1: return value.toLowerCase();
    case 2: return value.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, sep: string, letter: string) => sep + letter.toUpperCase());
    default: {
      let out = "";
      for (let i = 0; i < value.length; i++) out += i % 2 ? value[i].toUpperCase() : value[i].toLowerCase();
      return out;
    }
  }
}
