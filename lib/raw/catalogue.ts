/**
 * The product catalogue and its suppliers: a fixed few hundred products in categories and
 * subcategories, each with a brand, a supplier and yearly prices, built once per seed.
 */
import { Faker, base, de, es, fr, it, pl, pt_PT } from "@faker-js/faker";
import { Prng, cumulative } from "./prng";
import { asciiSlug, euros } from "./text";

interface SubcategorySpec {
  name: string;
  items: string[];
  specs: string[];
  /** Unit price range in EUR. */
  price: [number, number];
  /** Screen sizes: the natural place for an inch mark (") in a product name. */
  inches?: number[];
}

interface CategorySpec {
  name: string;
  /** Demand by month, January first: garden sells in spring, electronics at Christmas. */
  seasonality: number[];
  brands: string[];
  share: number;
  subcategories: SubcategorySpec[];
}

export const CATEGORIES: readonly CategorySpec[] = [
  {
    name: "Maison",
    seasonality: [0.9, 0.85, 0.9, 0.95, 0.95, 0.9, 0.85, 0.9, 1.0, 1.05, 1.3, 1.4],
    brands: ["Maison Lumen", "Atelier Rivage", "Cosy Nord", "Linéa"],
    share: 0.2,
    subcategories: [
      { name: "Cuisine", items: ["Poêle", "Casserole", "Faitout", "Set de couteaux", "Planche à découper", "Cocotte en fonte"], specs: ["24 cm", "28 cm", "inox", "antiadhésive", "3 pièces", "5 L"], price: [9, 89] },
      { name: "Linge de maison", items: ["Housse de couette", "Drap housse", "Parure de lit", "Serviette de bain", "Plaid", "Rideau occultant"], specs: ["140 x 200 cm", "160 x 200 cm", "coton bio", "lin lavé", "gris anthracite", "bleu nuit"], price: [12, 79] },
      { name: "Décoration", items: ["Miroir rond", "Vase en céramique", "Cadre photo", "Bougie parfumée", "Lampe à poser", "Coussin"], specs: ["Ø 60 cm", "30 cm", "terracotta", "lot de 3", "velours", "rotin"], price: [6, 119] },
      { name: "Rangement", items: ["Étagère", "Boîte de rangement", "Panier tressé", "Meuble à chaussures", "Penderie"], specs: ["5 niveaux", "45 L", "bambou", "métal noir", "lot de 4"], price: [9, 149] },
    ],
  },
  {
    name: "Jardin",
    seasonality: [0.4, 0.5, 1.1, 1.6, 1.8, 1.6, 1.3, 1.0, 0.8, 0.6, 0.4, 0.4],
    brands: ["Verdalis", "Jardiflor", "Terravert", "GreenPro"],
    share: 0.17,
    subcategories: [
      { name: "Outillage de jardin", items: ["Tondeuse thermique", "Tondeuse électrique", "Taille-haie", "Débroussailleuse", "Sécateur", "Souffleur de feuilles"], specs: ["46 cm", "1 800 W", "sans fil 36 V", "40 cm", "pro"], price: [14, 459] },
      { name: "Mobilier de jardin", items: ["Salon de jardin", "Chaise longue", "Parasol déporté", "Table de jardin", "Hamac"], specs: ["6 places", "aluminium", "résine tressée", "Ø 3 m", "acacia"], price: [39, 899] },
      { name: "Arrosage", items: ["Tuyau d'arrosage", "Enrouleur", "Programmateur d'arrosage", "Arroseur oscillant", "Récupérateur d'eau"], specs: ["25 m", "15 m", "300 L", "automatique", "4 voies"], price: [8, 149] },
      { name: "Barbecue et plancha", items: ["Barbecue à charbon", "Barbecue à gaz", "Plancha électrique", "Housse de barbecue", "Kit d'ustensiles"], specs: ["Ø 57 cm", "3 brûleurs", "2 500 W", "inox", "5 pièces"], price: [15, 699] },
    ],
  },
  {
    name: "Électronique",
    seasonality: [0.9, 0.8, 0.85, 0.8, 0.85, 0.9, 0.9, 0.95, 1.0, 1.05, 1.7, 2.0],
    brands: ["Voltaïs", "Nexalis", "SonoraX", "Pixelia"],
    share: 0.2,
    subcategories: [
      { name: "Téléviseurs", items: ["Téléviseur LED", "Téléviseur OLED", "Téléviseur QLED"], specs: ["4K UHD", "Full HD", "Smart TV", "HDR10+"], price: [249, 1899], inches: [32, 43, 50, 55, 65, 75] },
      { name: "Audio", items: ["Casque sans fil", "Enceinte Bluetooth", "Barre de son", "Écouteurs intra-auriculaires", "Radio numérique DAB+"], specs: ["réduction de bruit", "étanche IPX7", "2.1", "noir", "blanc"], price: [19, 499] },
      { name: "Informatique", items: ["Ordinateur portable", "Écran", "Clavier sans fil", "Souris ergonomique", "Disque dur externe", "Imprimante multifonction"], specs: ["16 Go RAM", "1 To", "AZERTY", "USB-C", "Wi-Fi"], price: [15, 1499], inches: [24, 27, 32] },
      { name: "Téléphonie", items: ["Smartphone", "Coque de protection", "Chargeur rapide", "Batterie externe", "Montre connectée"], specs: ["128 Go", "256 Go", "20 000 mAh", "65 W", "GPS"], price: [9, 1099] },
    ],
  },
  {
    name: "Sport",
    seasonality: [1.3, 1.0, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 1.1, 0.9, 0.9, 1.2],
    brands: ["Altimo", "Trekline", "Océalis", "Vertigo Sport"],
    share: 0.17,
    subcategories: [
      { name: "Cycles", items: ["Vélo tout chemin", "Vélo électrique", "Casque vélo", "Antivol en U", "Éclairage LED"], specs: ["taille M", "taille L", "urbain", "rechargeable", "homologué"], price: [12, 1899] },
      { name: "Fitness", items: ["Tapis de yoga", "Haltères", "Banc de musculation", "Vélo d'appartement", "Corde à sauter"], specs: ["6 mm", "2 x 5 kg", "pliable", "magnétique", "réglable"], price: [7, 599] },
      { name: "Randonnée", items: ["Sac à dos", "Tente", "Chaussures de randonnée", "Bâtons de marche", "Sac de couchage"], specs: ["30 L", "2 places", "imperméable", "carbone", "-5 °C"], price: [12, 349] },
      { name: "Sports nautiques", items: ["Planche de paddle", "Combinaison néoprène", "Masque de plongée", "Gilet d'aide à la flottabilité"], specs: ["gonflable", "3 mm", "adulte", "junior"], price: [15, 699] },
    ],
  },
  {
    name: "Bricolage",
    seasonality: [0.8, 0.85, 1.1, 1.3, 1.3, 1.1, 0.9, 0.9, 1.0, 1.0, 0.9, 0.8],
    brands: ["Fixor", "Mécanor", "Outiforce", "Atelier Dumas"],
    share: 0.14,
    subcategories: [
      { name: "Outillage électroportatif", items: ["Perceuse-visseuse", "Scie sauteuse", "Ponceuse orbitale", "Meuleuse d'angle", "Perforateur"], specs: ["18 V", "sans fil", "750 W", "2 batteries", "en coffret"], price: [39, 349] },
      { name: "Quincaillerie", items: ["Boîte de vis", "Chevilles universelles", "Serrure à cylindre", "Cadenas", "Charnière"], specs: ["lot de 100", "inox", "laiton", "Ø 6 mm"], price: [3, 59] },
      { name: "Peinture", items: ["Peinture murale", "Rouleau", "Pinceau plat", "Sous-couche", "Bâche de protection"], specs: ["blanc mat", "2 L", "satin", "10 L", "180 mm"], price: [4, 89] },
    ],
  },
  {
    name: "Électroménager",
    seasonality: [1.2, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 0.9, 1.0, 1.0, 1.4, 1.3],
    brands: ["Givrelle", "Cuisimo", "Domotherm", "Électra Home"],
    share: 0.12,
    subcategories: [
      { name: "Gros électroménager", items: ["Lave-linge", "Réfrigérateur combiné", "Lave-vaisselle", "Four encastrable", "Sèche-linge"], specs: ["8 kg", "A+++", "60 cm", "pyrolyse", "pompe à chaleur"], price: [299, 1299] },
      { name: "Petit électroménager", items: ["Cafetière expresso", "Aspirateur balai", "Robot pâtissier", "Friteuse sans huile", "Bouilloire"], specs: ["1 500 W", "sans fil", "5 L", "inox", "programmable"], price: [19, 599] },
    ],
  },
];

const COLOURS = ["noir", "blanc", "gris", "bleu", "vert sauge", "rouge", "beige"];
const SERIES = ["Confort", "Premium", "Essentiel", "Évasion", "Pro", "Origine"];

export interface Supplier {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2, the key to the country spellings in `countrySpellings`. */
  countryCode: string;
  /** The spelling the export normally uses (French name). */
  country: string;
  contactName: string;
  contactEmail: string;
  categories: number[];
}

export interface Product {
  id: string;
  name: string;
  category: number;
  subcategory: string;
  brand: string;
  supplier: number;
  /** Unit price and cost per year of the period, as export strings. */
  pricesByYear: string[];
  costsByYear: string[];
  /** `pricesByYear` as numbers, for order totals without parsing strings per line. */
  priceValuesByYear: number[];
  /** Relative demand (Zipf by a shuffled rank): a few best sellers, a long tail. */
  popularity: number;
  hasQuote: boolean;
  hasComma: boolean;
}

interface SupplierLocale {
  code: string;
  country: string;
  count: number;
  tld: string;
  faker?: Faker;
}

/**
 * 30 suppliers: French companies and French subsidiaries of brands for most of the range,
 * European manufacturers, and the Chinese factories a group sources from directly (about a
 * fifth of sales at Kingfisher; data/README.md, "Sources"). Products are spread evenly over a
 * category's suppliers, so a country's share of suppliers is about its share of sales.
 */
function supplierLocales(seed: number): SupplierLocale[] {
  const make = (locale: typeof fr, salt: number) => {
    const faker = new Faker({ locale: [locale, base] });
    faker.seed(seed + salt);
    return faker;
  };
  return [
    { code: "FR", country: "France", count: 13, tld: "fr", faker: make(fr, 11) },
    { code: "DE", country: "Allemagne", count: 4, tld: "de", faker: make(de, 12) },
    { code: "IT", country: "Italie", count: 3, tld: "it", faker: make(it, 13) },
    { code: "ES", country: "Espagne", count: 2, tld: "es", faker: make(es, 14) },
    { code: "CN", country: "Chine", count: 6, tld: "cn" },
    { code: "PL", country: "Pologne", count: 1, tld: "pl", faker: make(pl, 15) },
    { code: "PT", country: "Portugal", count: 1, tld: "pt", faker: make(pt_PT, 16) },
  ];
}

const CHINESE_CITIES = ["Ningbo", "Shenzhen", "Yiwu", "Foshan", "Xiamen", "Suzhou"];
const CHINESE_WORDS = ["Everbright", "Golden Bridge", "Huaxin", "Sunrise", "Greatwall", "Jinlong"];
const CHINESE_GIVEN = ["Wei", "Li", "Jun", "Min", "Xiuying", "Hao"];
const CHINESE_FAMILY = ["Zhang", "Wang", "Chen", "Liu", "Huang", "Zhao"];

export function buildSuppliers(seed: number): Supplier[] {
  const prng = new Prng(seed, 201);
  const suppliers: Supplier[] = [];
  for (const locale of supplierLocales(seed)) {
    for (let i = 0; i < locale.count; i++) {
      let name: string;
      let first: string;
      let last: string;
      if (locale.faker) {
        name = locale.faker.company.name();
        first = locale.faker.person.firstName();
        last = locale.faker.person.lastName();
      } else {
        // Faker's Chinese locale writes hanzi; a trading company's export shows the Latin name.
        name = `${prng.pick(CHINESE_CITIES)} ${prng.pick(CHINESE_WORDS)} Trading Co., Ltd.`;
        first = prng.pick(CHINESE_GIVEN);
        last = prng.pick(CHINESE_FAMILY);
      }
      const domain = `${asciiSlug(name.replace(/\b(co|ltd|gmbh|kg|sa|sas|sarl|spa|srl|sl|sp z o o)\b\.?/gi, ""), "-") || "supplier"}.${locale.tld}`;
      suppliers.push({
        id: "",
        name,
        countryCode: locale.code,
        country: locale.country,
        contactName: `${first} ${last}`,
        contactEmail: `${asciiSlug(first, "-")}.${asciiSlug(last, "-")}@${domain}`,
        categories: [],
      });
    }
  }
  prng.shuffle(suppliers);
  suppliers.forEach((supplier, index) => {
    supplier.id = `SUP-${String(index + 1).padStart(3, "0")}`;
    // Every category needs at least one supplier; most suppliers serve one or two.
    supplier.categories = [index % CATEGORIES.length];
    if (prng.chance(0.4)) supplier.categories.push(prng.int(CATEGORIES.length));
  });
  return suppliers;
}

/** A price that looks like a shelf label: 19.99, 249.00, 7.49. */
function shelfPrice(raw: number): number {
  if (raw >= 200) return Math.round(raw / 10) * 10 - 0.01;
  if (raw >= 20) return Math.floor(raw) + 0.99;
  return Math.floor(raw) + (raw % 1 < 0.5 ? 0.49 : 0.99);
}

export interface CatalogueOptions {
  seed: number;
  products: number;
  years: number;
  embeddedQuoteRate: number;
  embeddedCommaRate: number;
}

/** Products flagged for an injected quote or comma: at least one when the rate is not 0. */
function flaggedCount(rate: number, total: number): number {
  return rate > 0 ? Math.max(1, Math.round(rate * total)) : 0;
}

export function buildProducts(options: CatalogueOptions, suppliers: Supplier[]): Product[] {
  const prng = new Prng(options.seed, 202);
  const categoryWeights = cumulative(CATEGORIES.map((c) => c.share));
  const usedIds = new Set<number>();
  const products: Product[] = [];
  for (let i = 0; i < options.products; i++) {
    const category = prng.pickWeighted(categoryWeights);
    const spec = CATEGORIES[category];
    const sub = prng.pick(spec.subcategories);
    const item = prng.pick(sub.items);
    const detail = prng.pick(sub.specs);
    const name = prng.chance(0.35) ? `${item} ${detail} ${prng.pick(COLOURS)}` : `${item} ${detail}`;
    let number: number;
    do number = prng.between(100000, 899999);
    while (usedIds.has(number));
    usedIds.add(number);
    const candidates = suppliers.map((s, index) => (s.categories.includes(category) ? index : -1)).filter((index) => index >= 0);
    const [lo, hi] = sub.price;
    const basePrice = lo * Math.pow(hi / lo, prng.next());
    const margin = 0.28 + prng.next() * 0.32;
    const pricesByYear: string[] = [];
    const costsByYear: string[] = [];
    const priceValuesByYear: number[] = [];
    for (let year = 0; year < options.years; year++) {
      // Prices follow inflation, a few percent a year; the cost always stays below the price.
      const price = shelfPrice(basePrice * Math.pow(1.03, year));
      pricesByYear.push(euros(price));
      priceValuesByYear.push(Number(euros(price)));
      costsByYear.push(euros(price * (1 - margin)));
    }
    products.push({
      id: `SKU-${number}`,
      name,
      category,
      subcategory: sub.name,
      brand: prng.pick(spec.brands),
      supplier: prng.pick(candidates),
      pricesByYear,
      costsByYear,
      priceValuesByYear,
      popularity: 0,
      hasQuote: false,
      hasComma: false,
    });
  }
  const ranks = prng.shuffle(products.map((_, index) => index));
  ranks.forEach((productIndex, rank) => (products[productIndex].popularity = 1 / Math.pow(rank + 1, 0.8)));

  const order = prng.shuffle(products.map((_, index) => index));
  const quoted = flaggedCount(options.embeddedQuoteRate, products.length);
  const commas = flaggedCount(options.embeddedCommaRate, products.length);
  for (let k = 0; k < quoted; k++) {
    const product = products[order[k]];
    const sub = CATEGORIES[product.category].subcategories.find((s) => s.name === product.subcategory);
    const words = product.name.split(" ");
    product.name = sub?.inches
      ? `${words[0]} ${prng.pick(sub.inches)}" ${words.slice(1).join(" ")}`
      : `${words[0]} "${prng.pick(SERIES)}" ${words.slice(1).join(" ")}`;
    product.hasQuote = true;
  }
  for (let k = 0; k < commas; k++) {
    const product = products[order[order.length - 1 - k]];
    product.name = prng.chance(0.5) ? `Lot de ${prng.between(2, 6)}, ${product.name}` : `${product.name}, ${prng.pick(COLOURS)}`;
    product.hasComma = true;
  }
  return products;
}

/** Ways a country is typed by hand or by other systems, canonical spelling first. */
export const COUNTRY_SPELLINGS: Readonly<Record<string, string[]>> = {
  FR: ["France", "FR", "FRA", "france ", "FRANCE", "France métropolitaine", "Fr"],
  DE: ["Allemagne", "DE", "DEU", "Deutschland", "Germany", "allemagne "],
  IT: ["Italie", "IT", "ITA", "Italia", "Italy", "italie "],
  ES: ["Espagne", "ES", "ESP", "España", "Spain", "espagne "],
  CN: ["Chine", "CN", "CHN", "China", "P.R. China", "chine "],
  PL: ["Pologne", "PL", "POL", "Polska", "Poland"],
  PT: ["Portugal", "PT", "PRT", "portugal "],
  BE: ["Belgique", "BE", "BEL", "België", "Belgium", "belgique "],
  CH: ["Suisse", "CH", "CHE", "Schweiz", "Switzerland", "suisse "],
  LU: ["Luxembourg", "LU", "LUX", "Luxemburg", "luxembourg "],
  MC: ["Monaco", "MC", "MCO", "monaco "],
};

/** Values that are not a usable country at all, or the wrong one. */
export const JUNK_COUNTRIES = ["Belgique", "Deutschland", "EIRE", "Frnace", "F", "--", "N/A", "Royaume-Uni"];
