/**
 * French names, streets and company names drawn once from faker's `fr` locale. Customers are
 * composed from these pools by the fast PRNG (see `customers.ts`): calling faker for each of
 * half a million customers would take minutes.
 */
import { Faker, base, fr } from "@faker-js/faker";
import { asciiSlug } from "./text";

export interface NamePools {
  femaleFirstNames: string[];
  maleFirstNames: string[];
  lastNames: string[];
  streets: string[];
  companies: string[];
  /** Slugs aligned with the name arrays, for email addresses. */
  femaleFirstSlugs: string[];
  maleFirstSlugs: string[];
  lastSlugs: string[];
  companySlugs: string[];
  emailDomains: string[];
}

function distinct(draw: () => string, wanted: number): string[] {
  const seen = new Set<string>();
  // The locale's lists are finite: stop when new draws stop producing new names.
  for (let attempts = 0; seen.size < wanted && attempts < wanted * 20; attempts++) seen.add(draw());
  return [...seen];
}

export function buildNamePools(seed: number): NamePools {
  const faker = new Faker({ locale: [fr, base] });
  faker.seed(seed);
  const femaleFirstNames = distinct(() => faker.person.firstName("female"), 400);
  const maleFirstNames = distinct(() => faker.person.firstName("male"), 400);
  const lastNames = distinct(() => faker.person.lastName(), 800);
  const streets = distinct(() => faker.location.street(), 1500);
  const companies = distinct(() => faker.company.name(), 800);
  return {
    femaleFirstNames,
    maleFirstNames,
    lastNames,
    streets,
    companies,
    femaleFirstSlugs: femaleFirstNames.map((n) => asciiSlug(n, "-")),
    maleFirstSlugs: maleFirstNames.map((n) => asciiSlug(n, "-")),
    lastSlugs: lastNames.map((n) => asciiSlug(n, "-")),
    companySlugs: companies.map((n) => asciiSlug(n.replace(/\b(SA|SAS|SASU|SARL|EURL|EI|GIE|SCA|SCOP|SCS|SEM|SNC)\b/g, ""), "-")),
    // faker's `fr` free-mail list, widened with the French providers customers actually use.
    emailDomains: [...fr.internet!.free_email!, "orange.fr", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr"],
  };
}

/** Family names with an apostrophe, injected at the `apostropheName` rate. */
export const APOSTROPHE_LAST_NAMES = ["D'Artagnan", "N'Diaye", "D'Almeida", "L'Hermite", "D'Amico", "O'Connor", "D'Aubigné", "L'Huillier"];

export const RESIDENCES = ["Les Tilleuls", "Le Clos des Vignes", "Les Jardins du Parc", "Le Belvédère", "Les Pins", "Villa Médicis"];
