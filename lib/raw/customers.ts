/**
 * Customers as a pure function of (seed, customer number, day): nothing is stored per customer,
 * so a 10 M-row export with millions of customers runs in bounded memory, and a customer who
 * moves or changes segment on a given day shows the old values before it and the new ones after,
 * which is what the slowly changing customer dimension has to track.
 *
 * Who buys how often and how much is set here from published figures (data/README.md, "Sources"
 * gives each one): persons and business customers are two pools with their own purchase
 * frequency (`purchaseFrequency.ts`), and the business pool is sized so that business customers
 * place their share of net sales.
 */
import type { CommunePool } from "./communes";
import { Prng, cumulative, hash32, searchCumulative, unitHash } from "./prng";
import { APOSTROPHE_LAST_NAMES, RESIDENCES, type NamePools } from "./namePools";
import { DayTable } from "./calendar";
import { RateRanks, annualMean, type BuyerPool } from "./purchaseFrequency";

/**
 * Persons: the rate heterogeneity of CDNOW's customers (Pareto/NBD shape r = 0.55, Fader, Hardie &
 * Lee 2005), and one buyer in five ordering again within a year: between the 28 % average repeat
 * rate of e-commerce stores and the 5-15 % of durable goods (furniture, electronics).
 */
export const PERSON_BUYERS: BuyerPool = { shape: 0.55, annualRepeatRate: 0.2 };
/**
 * Business customers: the NBD fitted to a real trade-heavy export (UCI Online Retail, 2011: of
 * 4,339 identified customers, 34.4 % ordered once in the year, 4.27 orders per customer).
 */
export const BUSINESS_BUYERS: BuyerPool = { shape: 0.137, annualRepeatRate: 0.656 };
/** Business ("trade") customers' share of net sales: Kingfisher's trade penetration, 13 % to 17.9 % over 2024. */
export const BUSINESS_SHARE_OF_NET_SALES = 0.15;
/** Share of customers living abroad, near the border (data/README.md, "Sources"). */
export const ABROAD_SHARE = 0.01;
/** Share of customers who move once during the period (a new street, postal code and city). */
export const MOVER_SHARE = 0.035;
/** Share of business customers whose segment changes once (small business <-> corporate). */
export const SEGMENT_CHANGER_SHARE_OF_BUSINESSES = 0.15;

/**
 * How much one customer buys on an order line: units are 1 + floor(scale x the product of
 * `factors` uniform draws) (a trade customer buys by the box), and a line is discounted with
 * `discountChance` (trade prices, volume deals).
 */
export interface OrderHabits {
  unitScale: number;
  unitFactors: number;
  discountChance: number;
}
export const PERSON_HABITS: OrderHabits = { unitScale: 5, unitFactors: 3, discountChance: 0.25 };
export const BUSINESS_HABITS: OrderHabits = { unitScale: 20, unitFactors: 2, discountChance: 0.6 };
/** Discount rates of a discounted line, equally likely. */
export const DISCOUNTS = ["0.05", "0.10", "0.15", "0.20", "0.30"] as const;

/** Expected units of a line: 1 + sum over j of P(product of the factors >= j / scale). */
export function expectedUnits(habits: OrderHabits): number {
  let units = 1;
  for (let j = 1; j < habits.unitScale; j++) {
    // P(product of n uniforms <= t) = t * sum_{i<n} (-ln t)^i / i!
    const t = j / habits.unitScale;
    let term = 1;
    let below = 0;
    for (let i = 0; i < habits.unitFactors; i++) {
      below += term;
      term *= -Math.log(t) / (i + 1);
    }
    units += 1 - t * below;
  }
  return units;
}

/** Expected net value of a line relative to its list price, for the same product mix. */
export function expectedLineValue(habits: OrderHabits): number {
  const meanDiscount = DISCOUNTS.reduce((sum, d) => sum + Number(d), 0) / DISCOUNTS.length;
  return expectedUnits(habits) * (1 - habits.discountChance * meanDiscount);
}

/** The customers an export of a given size draws on, and how orders fall on them. */
export interface CustomerBase {
  /** Customers in the retailer's files, buyers or not: businesses, then persons. */
  businesses: number;
  persons: number;
  /** Share of orders placed by business customers. */
  businessOrderShare: number;
  businessRanks: RateRanks;
  personRanks: RateRanks;
}

/**
 * Sizes the two pools for `expectedOrders` orders over `years`: business customers place the
 * orders that make their share of net sales, and each pool has as many customers as its mean
 * orders per customer requires.
 */
export function planCustomerBase(expectedOrders: number, years: number): CustomerBase {
  const share = BUSINESS_SHARE_OF_NET_SALES;
  const valueRatio = expectedLineValue(BUSINESS_HABITS) / expectedLineValue(PERSON_HABITS);
  const businessOrderShare = share / (share + (1 - share) * valueRatio);
  const businessMean = annualMean(BUSINESS_BUYERS) * years;
  const personMean = annualMean(PERSON_BUYERS) * years;
  return {
    businesses: Math.max(1, Math.round((expectedOrders * businessOrderShare) / businessMean)),
    persons: Math.max(1, Math.round((expectedOrders * (1 - businessOrderShare)) / personMean)),
    businessOrderShare,
    businessRanks: new RateRanks(BUSINESS_BUYERS.shape),
    personRanks: new RateRanks(PERSON_BUYERS.shape),
  };
}

/**
 * Towns across the border whose residents shop in the group's French stores and web shop:
 * French-speaking Belgium, Switzerland (Romandy), Luxembourg and Monaco, with one of their real
 * postal codes and their population (rounded), and the French région whose warehouse serves them.
 */
interface ForeignTown {
  country: string;
  city: string;
  postalCode: string;
  population: number;
  servedFrom: string;
}
export const FOREIGN_TOWNS: readonly ForeignTown[] = [
  { country: "BE", city: "Bruxelles", postalCode: "1000", population: 196000, servedFrom: "32" },
  { country: "BE", city: "Charleroi", postalCode: "6000", population: 203000, servedFrom: "32" },
  { country: "BE", city: "Liège", postalCode: "4000", population: 195000, servedFrom: "32" },
  { country: "BE", city: "Namur", postalCode: "5000", population: 113000, servedFrom: "32" },
  { country: "BE", city: "Mons", postalCode: "7000", population: 96000, servedFrom: "32" },
  { country: "BE", city: "La Louvière", postalCode: "7100", population: 81000, servedFrom: "32" },
  { country: "BE", city: "Tournai", postalCode: "7500", population: 69000, servedFrom: "32" },
  { country: "BE", city: "Mouscron", postalCode: "7700", population: 59000, servedFrom: "32" },
  { country: "BE", city: "Arlon", postalCode: "6700", population: 31000, servedFrom: "44" },
  { country: "CH", city: "Genève", postalCode: "1201", population: 203000, servedFrom: "84" },
  { country: "CH", city: "Lausanne", postalCode: "1003", population: 140000, servedFrom: "84" },
  { country: "CH", city: "Neuchâtel", postalCode: "2000", population: 45000, servedFrom: "27" },
  { country: "CH", city: "La Chaux-de-Fonds", postalCode: "2300", population: 37000, servedFrom: "27" },
  { country: "CH", city: "Fribourg", postalCode: "1700", population: 38000, servedFrom: "84" },
  { country: "CH", city: "Sion", postalCode: "1950", population: 35000, servedFrom: "84" },
  { country: "CH", city: "Nyon", postalCode: "1260", population: 22000, servedFrom: "84" },
  { country: "CH", city: "Delémont", postalCode: "2800", population: 12500, servedFrom: "27" },
  { country: "LU", city: "Luxembourg", postalCode: "1611", population: 128000, servedFrom: "44" },
  { country: "LU", city: "Esch-sur-Alzette", postalCode: "4002", population: 36000, servedFrom: "44" },
  { country: "LU", city: "Differdange", postalCode: "4501", population: 28000, servedFrom: "44" },
  { country: "LU", city: "Dudelange", postalCode: "3401", population: 21000, servedFrom: "44" },
  { country: "MC", city: "Monaco", postalCode: "98000", population: 38000, servedFrom: "93" },
];
const FOREIGN_WEIGHTS = cumulative(FOREIGN_TOWNS.map((t) => t.population));

/**
 * Mobile numbers of the countries abroad, in their international format: calling code, the
 * national prefixes libphonenumber knows as mobile, and how the digits are grouped.
 */
export const FOREIGN_MOBILES: Readonly<Record<string, { code: string; prefixes: string[]; groups: number[] }>> = {
  BE: { code: "32", prefixes: ["470", "471", "472", "473", "474", "475", "476", "477", "478", "479", "484", "485", "486", "487", "488", "489", "491", "492", "493", "494", "495", "496", "497", "498", "499"], groups: [3, 2, 2, 2] },
  CH: { code: "41", prefixes: ["75", "76", "77", "78", "79"], groups: [2, 3, 2, 2] },
  LU: { code: "352", prefixes: ["621", "628", "661", "668", "691", "698"], groups: [3, 3, 3] },
  MC: { code: "377", prefixes: ["6"], groups: [1, 2, 2, 2, 2] },
};

export interface Customer {
  id: string;
  isBusiness: boolean;
  companyName: string;
  firstName: string;
  lastName: string;
  email: string;
  /** As the customer gave it: `06 12 34 56 78` in France, `+32 470 12 34 56` abroad. */
  phone: string;
  birthDate: string;
  gender: string;
  street: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2 code of the address's country. */
  country: string;
  /** INSEE région of the address; for an address abroad, the région whose warehouse serves it. */
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
const SALT_ABROAD = 8;

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
  /** Customers in the files: businesses take positions [0, businesses), persons the rest. */
  readonly count: number;
  readonly businesses: number;
  /**
   * Customer number = (position x stride + 7) mod count, a permutation, so that the busiest
   * customers are not C0000001, C0000002... `inverse` undoes it.
   */
  private readonly stride: number;
  private readonly inverse: number;

  constructor(
    private readonly seed: number,
    base: { businesses: number; persons: number },
    private readonly periodDays: number,
    private readonly names: NamePools,
    private readonly communes: CommunePool,
    private readonly rates: CustomerRates,
  ) {
    this.birthDays = new DayTable("1940-01-01", 24_472); // through 2006-12-31
    this.businesses = base.businesses;
    this.count = base.businesses + base.persons;
    const count = this.count;
    let stride = 1_000_003 % count || 1;
    while (gcd(stride, count) !== 1) stride++;
    this.stride = stride;
    this.inverse = modularInverse(stride, count);
  }

  /** Customer number of the business (or person) at a popularity rank: rank 0 buys most. */
  numberForRank(isBusiness: boolean, rank: number): number {
    const position = isBusiness ? rank : this.businesses + rank;
    return (position * this.stride + 7) % this.count;
  }

  /** Whether customer `n` is a business (the inverse of `numberForRank`). */
  isBusiness(n: number): boolean {
    const { count } = this;
    // Products stay below 2^53 for any count below 94 million.
    return (((n - 7) % count + count) % count) * this.inverse % count < this.businesses;
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
    const isBusiness = this.isBusiness(n);
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
    // A business across the border has its country's domain.
    if (isBusiness && out.country !== "FR") out.email = `${out.email.slice(0, -2)}${out.country.toLowerCase()}`;

    if (out.country !== "FR") {
      out.phone = foreignMobile(FOREIGN_MOBILES[out.country], thirdDigitDraw, phoneTail);
    } else {
      const zone = LANDLINE_ZONE[out.region];
      const prefix = mobile || !zone ? mobilePrefix : zone;
      const safe = SAFE_PREFIXES[prefix];
      out.phone = spacedPairs(prefix + safe[Math.floor(thirdDigitDraw * safe.length)] + phoneTail);
    }
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
    if (unitHash(seed, n, SALT_ABROAD) < ABROAD_SHARE) {
      // The home town is drawn by population; someone living across the border who moves stays
      // in their own country.
      const home = FOREIGN_TOWNS[searchCumulative(FOREIGN_WEIGHTS, unitHash(seed, n, SALT_ABROAD, 1))];
      let town = home;
      for (let tries = 0; version > 0 && tries < 50; tries++) {
        const other = FOREIGN_TOWNS[prng.pickWeighted(FOREIGN_WEIGHTS)];
        if (other.country === home.country && other !== home) {
          town = other;
          break;
        }
      }
      out.postalCode = town.postalCode;
      out.city = town.city;
      out.country = town.country;
      out.region = town.servedFrom;
    } else {
      const commune = prng.pickWeighted(communes.weights);
      const codes = communes.postalCodes[commune];
      out.postalCode = codes.length === 1 ? codes[0] : codes[prng.int(codes.length)];
      out.city = communes.names[commune];
      out.country = "FR";
      out.region = communes.regions[commune];
    }
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
    id: "", isBusiness: false, companyName: "", firstName: "", lastName: "", email: "", phone: "",
    birthDate: "", gender: "", street: "", postalCode: "", city: "", country: "", region: "", segment: "",
    cardNumber: "", streetHasNewline: false, streetHasComma: false, lastNameHasApostrophe: false,
  };
}

/** `01 23 45 67 89`. */
function spacedPairs(digits: string): string {
  return `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)} ${digits.slice(8, 10)}`;
}

/** `+32 470 12 34 56`: a mobile prefix and random digits, grouped as the country writes them. */
function foreignMobile(plan: { code: string; prefixes: string[]; groups: number[] }, draw: number, tail: string): string {
  const prefix = plan.prefixes[Math.floor(draw * plan.prefixes.length)];
  const national = (prefix + tail + tail).slice(0, plan.groups.reduce((a, b) => a + b, 0));
  const parts: string[] = [];
  let at = 0;
  for (const size of plan.groups) {
    parts.push(national.slice(at, at + size));
    at += size;
  }
  return `+${plan.code} ${parts.join(" ")}`;
}

function modularInverse(a: number, m: number): number {
  // Extended Euclid; m is at most a few million, so every step is exact.
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
