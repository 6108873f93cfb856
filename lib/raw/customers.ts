/**
 * Customers as a pure function of (seed, customer number, day): nothing is stored per customer,
 * so a 10 M-row export with half a million customers runs in bounded memory, and a customer who
 * moves or changes segment on a given day shows the old values before it and the new ones after,
 * which is what the slowly changing customer dimension has to track.
 */
import type { CommunePool } from "./communes";
import { Prng, hash32, unitHash } from "./prng";
import { APOSTROPHE_LAST_NAMES, RESIDENCES, type NamePools } from "./namePools";
import { DayTable } from "./calendar";

export const BUSINESS_SHARE = 0.15;
/** Share of customers who move once during the period (a new street, postal code and city). */
export const MOVER_SHARE = 0.035;
/** Share of business customers whose segment changes once (small business <-> corporate). */
export const SEGMENT_CHANGER_SHARE_OF_BUSINESSES = 0.15;

export interface Customer {
  id: string;
  isBusiness: boolean;
  companyName: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Ten national digits, `0612345678`; the row writer chooses how to format them. */
  phoneDigits: string;
  birthDate: string;
  gender: string;
  street: string;
  postalCode: string;
  city: string;
  region: string;
  segment: string;
  cardNumber: string;
  streetHasNewline: boolean;
  streetHasComma: boolean;
  lastNameHasApostrophe: boolean;
}

export interface CustomerRates {
  embeddedNewline: number;
  embeddedComma: number;
  apostropheName: number;
}

// Salts keep each property's hash independent of the others.
const SALT_IDENTITY = 1;
const SALT_ADDRESS = 2;
const SALT_MOVE = 3;
const SALT_SEGMENT = 4;
const SALT_NEWLINE = 5;
const SALT_COMMA = 6;
const SALT_APOSTROPHE = 7;

/** Third digits that keep a French number valid for libphonenumber's full metadata. */
const SAFE_PREFIXES: Record<string, string> = {
  "01": "0123456789",
  "02": "012345789",
  "03": "0123456789",
  "04": "123456789",
  "05": "012345678",
  "06": "01245678",
  "07": "3456789",
};

const LANDLINE_ZONE: Record<string, string> = {
  "11": "01",
  "24": "02", "28": "02", "52": "02", "53": "02",
  "27": "03", "32": "03", "44": "03",
  "84": "04", "93": "04", "94": "04",
  "75": "05", "76": "05",
};

/** Test-card issuer prefixes (Visa/Mastercard/CB test ranges): valid by Luhn, never real. */
const CARD_PREFIXES = ["411111", "400000", "555555", "520000", "497010"];

export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isLuhnValid(number: string): boolean {
  return luhnCheckDigit(number.slice(0, -1)) === number.charCodeAt(number.length - 1) - 48;
}

function digits(prng: Prng, count: number): string {
  return String(prng.int(10 ** count)).padStart(count, "0");
}

export class CustomerFactory {
  private readonly prng = new Prng(0);
  private readonly birthDays: DayTable;
  /** A permutation of customer numbers, so the busiest customers are not C0000001, C0000002... */
  private readonly stride: number;

  constructor(
    private readonly seed: number,
    readonly count: number,
    private readonly periodDays: number,
    private readonly names: NamePools,
    private readonly communes: CommunePool,
    private readonly rates: CustomerRates,
  ) {
    this.birthDays = new DayTable("1940-01-01", 24_472); // through 2006-12-31
    let stride = 1_000_003 % count || 1;
    while (gcd(stride, count) !== 1) stride++;
    this.stride = stride;
  }

  /** Customer number for a popularity rank: rank 0 is the most frequent buyer. */
  numberForRank(rank: number): number {
    return (rank * this.stride + 7) % this.count;
  }

  /**
   * Which of the customer's states applies on `day`: bit 0 set after a move, bit 1 after a
   * change of segment. Two days with the same version describe the customer identically.
   */
  versionOn(n: number, day: number): number {
    const { seed } = this;
    let version = 0;
    if (unitHash(seed, n, SALT_MOVE) < MOVER_SHARE && day >= this.changeDay(n, SALT_MOVE)) version |= 1;
    if (unitHash(seed, n, SALT_SEGMENT) < SEGMENT_CHANGER_SHARE_OF_BUSINESSES && day >= this.changeDay(n, SALT_SEGMENT)) version |= 2;
    return version;
  }

  /** Fills `out` with customer `n` as the export shows it on period day `day`. */
  describe(n: number, day: number, out: Customer): Customer {
    const { seed, prng, names } = this;
    prng.reseed(hash32(seed, n, SALT_IDENTITY));
    const isBusiness = prng.next() < BUSINESS_SHARE;
    out.id = `C${String(n + 1).padStart(7, "0")}`;
    out.isBusiness = isBusiness;

    const genderDraw = prng.next();
    const female = genderDraw < 0.49 || (genderDraw >= 0.98 && prng.next() < 0.5);
    const firstIndex = prng.int(female ? names.femaleFirstNames.length : names.maleFirstNames.length);
    out.firstName = female ? names.femaleFirstNames[firstIndex] : names.maleFirstNames[firstIndex];
    const firstSlug = female ? names.femaleFirstSlugs[firstIndex] : names.maleFirstSlugs[firstIndex];
    const lastIndex = prng.int(names.lastNames.length);
    let lastSlug = names.lastSlugs[lastIndex];
    out.lastName = names.lastNames[lastIndex];
    out.lastNameHasApostrophe = unitHash(seed, n, SALT_APOSTROPHE) < this.rates.apostropheName;
    if (out.lastNameHasApostrophe) {
      out.lastName = prng.pick(APOSTROPHE_LAST_NAMES);
      lastSlug = out.lastName.toLowerCase().replace(/[^a-z]/g, "");
    }

    const companyIndex = prng.int(names.companies.length);
    const birth = prng.int(this.birthDays.length);
    const emailStyle = prng.int(5);
    const emailDomain = prng.pick(names.emailDomains);
    const emailDigits = prng.between(1, 99);
    const mobile = prng.next() < (isBusiness ? 0.2 : 0.7);
    const phoneTail = digits(prng, 7);
    const cardPrefix = prng.pick(CARD_PREFIXES);
    const cardBody = cardPrefix + digits(prng, 15 - cardPrefix.length);
    const segmentDraw = prng.next();
    const mobilePrefix = prng.next() < 0.75 ? "06" : "07";
    const thirdDigitDraw = prng.next();

    if (isBusiness) {
      out.companyName = names.companies[companyIndex];
      out.email = `${firstSlug}.${lastSlug}@${names.companySlugs[companyIndex] || "entreprise"}.fr`;
      out.birthDate = "";
      out.gender = "";
    } else {
      out.companyName = "";
      out.birthDate = this.birthDays.iso[birth];
      out.gender = genderDraw < 0.49 ? "F" : genderDraw < 0.98 ? "M" : "X";
      const year = out.birthDate.slice(2, 4);
      switch (emailStyle) {
        case 0: out.email = `${firstSlug}.${lastSlug}@${emailDomain}`; break;
        case 1: out.email = `${firstSlug}${lastSlug}${emailDigits}@${emailDomain}`; break;
        case 2: out.email = `${firstSlug[0]}.${lastSlug}@${emailDomain}`; break;
        case 3: out.email = `${lastSlug}.${firstSlug}@${emailDomain}`; break;
        default: out.email = `${firstSlug}_${lastSlug}${year}@${emailDomain}`;
      }
    }
    out.cardNumber = cardBody + String(luhnCheckDigit(cardBody));

    // Segment: a business may be re-classified once (it grew, or it shrank).
    let corporate = segmentDraw < 0.3;
    if (isBusiness && unitHash(seed, n, SALT_SEGMENT) < SEGMENT_CHANGER_SHARE_OF_BUSINESSES) {
      if (day >= this.changeDay(n, SALT_SEGMENT)) corporate = !corporate;
    }
    out.segment = isBusiness ? (corporate ? "corporate" : "small business") : "consumer";

    // Address: version 1 after the customer's move day, if they move at all.
    let addressVersion = 0;
    if (unitHash(seed, n, SALT_MOVE) < MOVER_SHARE && day >= this.changeDay(n, SALT_MOVE)) addressVersion = 1;
    this.describeAddress(n, addressVersion, out);

    const zone = LANDLINE_ZONE[out.region];
    const prefix = mobile || !zone ? mobilePrefix : zone;
    const safe = SAFE_PREFIXES[prefix];
    out.phoneDigits = prefix + safe[Math.floor(thirdDigitDraw * safe.length)] + phoneTail;
    return out;
  }

  /** The day a customer's move or segment change takes effect, away from the period's edges. */
  private changeDay(n: number, salt: number): number {
    const margin = Math.min(30, Math.floor(this.periodDays / 4));
    return margin + Math.floor(unitHash(this.seed, n, salt, 99) * (this.periodDays - 2 * margin));
  }

  private describeAddress(n: number, version: number, out: Customer): void {
    const { prng, communes, names, seed } = this;
    prng.reseed(hash32(seed, n, SALT_ADDRESS, version));
    const commune = prng.pickWeighted(communes.weights);
    const codes = communes.postalCodes[commune];
    out.postalCode = codes.length === 1 ? codes[0] : codes[prng.int(codes.length)];
    out.city = communes.names[commune];
    out.region = communes.regions[commune];
    const number = prng.between(1, 120);
    const bis = prng.next() < 0.04 ? " bis" : "";
    const street = prng.pick(names.streets);
    const building = String.fromCharCode(65 + prng.int(6));
    const residence = prng.pick(RESIDENCES);
    out.streetHasComma = unitHash(seed, n, SALT_COMMA, version) < this.rates.embeddedComma;
    out.streetHasNewline = unitHash(seed, n, SALT_NEWLINE, version) < this.rates.embeddedNewline;
    // French addresses are often typed "12, rue ..."; multi-line ones keep the building line.
    const line = out.streetHasComma ? `${number}${bis}, ${street}` : `${number}${bis} ${street}`;
    out.street = out.streetHasNewline ? `Bâtiment ${building}\nRésidence ${residence}\n${line}` : line;
  }
}

export function emptyCustomer(): Customer {
  return {
    id: "", isBusiness: false, companyName: "", firstName: "", lastName: "", email: "", phoneDigits: "",
    birthDate: "", gender: "", street: "", postalCode: "", city: "", region: "", segment: "",
    cardNumber: "", streetHasNewline: false, streetHasComma: false, lastNameHasApostrophe: false,
  };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
