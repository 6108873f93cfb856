import { Cleaned, invalid, ok } from "./cleaned";

/**
 * Accepted values with the spellings seen in exports. Keys are compared after lower-casing,
 * accent folding and trimming.
 */
export const ACCEPTED_VALUES: Record<string, Record<string, string>> = {
  sales_channel: {
    web: "web", website: "web", online: "web", internet: "web", ecommerce: "web", "e-commerce": "web",
    store: "store", magasin: "store", shop: "store", boutique: "store",
    marketplace: "marketplace", "market place": "marketplace",
    phone: "phone", telephone: "phone", tel: "phone",
  },
  shipping_mode: {
    standard: "standard", colissimo: "standard",
    express: "express", expres: "express",
    "relay point": "relay point", "point relais": "relay point", relay: "relay point",
    "same day": "same day", "same-day": "same day", "jour meme": "same day",
  },
  gender: { f: "F", female: "F", femme: "F", w: "F", m: "M", male: "M", homme: "M", h: "M", x: "X", other: "X", autre: "X" },
  segment: {
    consumer: "consumer", particulier: "consumer",
    "small business": "small business", "small-business": "small business", pme: "small business",
    corporate: "corporate", entreprise: "corporate",
  },
  customer_type: { person: "PERSON", individual: "PERSON", particulier: "PERSON", business: "BUSINESS", company: "BUSINESS", entreprise: "BUSINESS" },
};

export function makeEnumCleaner(domain: keyof typeof ACCEPTED_VALUES): (raw: string) => Cleaned {
  const values = ACCEPTED_VALUES[domain];
  return (raw: string) => {
    const key = raw.normalize("NFD").replace(/\p{Diacritic}/gu, "").replace(/\s+/g, " ").trim().toLowerCase();
    const value = values[key];
    return value ? ok(value) : invalid(`INVALID_${domain.toUpperCase()}`);
  };
}
