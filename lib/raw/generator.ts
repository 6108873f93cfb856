/**
 * The deterministic raw export generator: a national French retail group's wide CSV export
 * (`contract.ts`), several years of order lines with month-end stock snapshots interleaved,
 * carrying the defects of `defects.ts` at known rates.
 *
 * Pools (names, streets, products, suppliers) come from faker once; rows come from a seeded
 * PRNG and are streamed in batches through gzip with backpressure, so 10 M rows run in bounded
 * memory. Same options and seed, same bytes.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { createGzip, type ZlibOptions } from "node:zlib"; // zlib passes stream options (highWaterMark) through
import { RAW_HEADER, SALES_CHANNELS } from "./contract";
import { GENERATOR_MIN_ROWS } from "./defaults";
import { COL as COLUMNS, COLUMN_COUNT, NOISY_TEXT_COLUMNS, QUOTE_COLUMNS } from "./columns";
import { ChunkBuffer, utf8 } from "./chunkBuffer";
import { csvLine } from "./csv";
import { DayTable, addYears, daysBetween } from "./calendar";
import { loadCommunePool } from "./communes";
import { CATEGORIES, COUNTRY_SPELLINGS, JUNK_COUNTRIES, buildProducts, buildSuppliers, type Product, type Supplier } from "./catalogue";
import { BUSINESS_HABITS, CustomerFactory, DISCOUNTS, PERSON_HABITS, emptyCustomer, planCustomerBase, type Customer, type CustomerBase } from "./customers";
import { DEFECT_KINDS, resolveDefectRates, type DefectKind, type DefectRates } from "./defects";
import { DefectInjector } from "./injector";
import { CARRIERS, FREIGHT_EUR, SHIPPING_MODE_WEIGHTS, TRANSIT_DAYS, WAREHOUSES, warehouseForRegion, type ShippingMode } from "./logistics";
import { buildNamePools } from "./namePools";
import { Prng, cumulative } from "./prng";
import { SegmentSpec, SegmentWriter, emptyFields, type PreparedSegment } from "./segments";
import { StockLedger, stockedPairCount, type StockSnapshot } from "./stockLedger";
import { euros } from "./text";

export interface GenerateRawExportOptions {
  outPath: string;
  /** Data rows in the file, SALE and STOCK together (the header not counted). */
  rows: number;
  seed?: number;
  defects?: Partial<DefectRates>;
  onProgress?: (rowsWritten: number) => void;
  /** zlib level for `.gz` outputs; 6 for committed files, 1 when speed matters. */
  gzipLevel?: number;
  /** First order day, ISO. */
  startDate?: string;
  years?: number;
  /** Write `<basename>.defects.json` next to the export (default true). */
  writeSummary?: boolean;
}

export interface GeneratorSummary {
  rows: number;
  saleRows: number;
  stockRows: number;
  /** Distinct customers on SALE rows. */
  customers: number;
  products: number;
  /** Distinct orders on SALE rows. */
  orders: number;
  /** Per defect kind, in `DEFECT_KINDS` order; duplicates do not count their original's defects again. */
  defectsInjected: Record<DefectKind, number>;
  seed: number;
  suppliers: number;
  carriers: number;
  warehouses: number;
  /** (product, warehouse) pairs with a monthly snapshot. */
  stockedPairs: number;
  startDate: string;
  endDate: string;
  defectRates: DefectRates;
}

export const DEFAULT_SEED = 20240601;
export const DEFAULT_START_DATE = "2022-01-01";
export const DEFAULT_YEARS = 3;
/** Fixed whatever the size, so stock snapshots stay a bounded share of the rows. */
export const PRODUCT_COUNT = 400;

/** Output chunk size: large enough to amortise stream overhead, small enough to bound memory. */
const CHUNK_BYTES = 1 << 20;
/** zlib's output buffer: more than the deflate output of one input chunk, even at level 0. */
const GZIP_OUT_BYTES = 2 * CHUNK_BYTES;
/** How far the generator may run ahead of the compressor. */
const GZIP_BUFFER_BYTES = 16 * CHUNK_BYTES;
// Local copies: an imported binding compiles to a property getter, read millions of times.
const COL = COLUMNS;

/** A SALE row is: record_type, order_id, line_number, then these segments, then 5 empty stock columns. */
const SEGMENT = {
  orderDates: new SegmentSpec("SALE", "order_date", "sales_channel"),
  customer: new SegmentSpec("SALE", "customer_id", "card_number"),
  saleProduct: new SegmentSpec("SALE", "product_id", "unit_cost"),
  line: new SegmentSpec("SALE", "unit_price", "discount"),
  saleSupplier: new SegmentSpec("SALE", "supplier_id", "supplier_contact_email"),
  carrier: new SegmentSpec("SALE", "carrier_id", "freight_cost"),
  saleWarehouse: new SegmentSpec("SALE", "warehouse_id", "warehouse_city"),
  stockProduct: new SegmentSpec("STOCK", "product_id", "unit_cost"),
  stockSupplier: new SegmentSpec("STOCK", "supplier_id", "supplier_contact_email"),
  stockWarehouse: new SegmentSpec("STOCK", "warehouse_id", "warehouse_city"),
  snapshot: new SegmentSpec("STOCK", "snapshot_date", "units_received"),
};
// The fixed text of a row as UTF-8, each piece with the commas around it.
const SALE_HEAD = utf8("SALE,");
const SALE_TAIL = utf8("," + emptyFields(SEGMENT.snapshot.width) + "\n");
const EMPTY_SUPPLIER = utf8(emptyFields(SEGMENT.saleSupplier.width));
/** STOCK rows leave the order, customer, line and carrier columns empty. */
const STOCK_HEAD = utf8("STOCK," + emptyFields(SEGMENT.customer.start + SEGMENT.customer.width - 1) + ",");
const STOCK_NO_LINE = utf8("," + emptyFields(SEGMENT.line.width) + ",");
const STOCK_NO_CARRIER = utf8("," + emptyFields(SEGMENT.carrier.width) + ",");
const COMMA = 44;
const NEWLINE = 10;
assertSegmentsTileTheRow();

function assertSegmentsTileTheRow(): void {
  const order = [SEGMENT.orderDates, SEGMENT.customer, SEGMENT.saleProduct, SEGMENT.line, SEGMENT.saleSupplier, SEGMENT.carrier, SEGMENT.saleWarehouse, SEGMENT.snapshot];
  let next = COL.lineNumber + 1;
  for (const spec of order) {
    if (spec.start !== next) throw new Error(`raw generator: segments no longer tile the contract at column ${next} (lib/raw/contract.ts changed?)`);
    next = spec.start + spec.width;
  }
  if (next !== COLUMN_COUNT || COL.recordType !== 0 || COL.orderId !== 1 || COL.lineNumber !== 2) {
    throw new Error("raw generator: the contract's column order no longer matches the row layout");
  }
}

const LINE_COUNT_WEIGHTS = [0.42, 0.25, 0.15, 0.09, 0.06, 0.03];
const LINES_PER_ORDER = cumulative(LINE_COUNT_WEIGHTS);
/** Customers scale with the orders the sale rows make room for. */
const MEAN_LINES_PER_ORDER = LINE_COUNT_WEIGHTS.reduce((sum, w, i) => sum + w * (i + 1), 0) / LINE_COUNT_WEIGHTS.reduce((a, b) => a + b, 0);
/** Sunday first: stores close on Sunday, Saturday is the busiest day. */
const WEEKDAY_DEMAND = [0.62, 1.0, 0.95, 1.0, 1.02, 1.1, 1.25];
/** January first: the November-December peak of French retail. */
const MONTH_DEMAND = [0.95, 0.85, 0.95, 0.95, 1.0, 0.95, 0.9, 0.85, 0.95, 1.0, 1.25, 1.45];
const YEARLY_GROWTH = 1.06;
const PERSON_CHANNELS = cumulative([0.45, 0.3, 0.17, 0.08]);
const BUSINESS_CHANNELS = cumulative([0.5, 0.1, 0.1, 0.3]);
const SHIP_DELAY_DAYS = cumulative([0.3, 0.4, 0.2, 0.1]);
const DISCOUNT_RATES: Record<string, number> = Object.fromEntries(["0.00", ...DISCOUNTS].map((d) => [d, Number(d)]));
/**
 * Prepared customers are kept for the most frequent buyers, by popularity rank: up to this many.
 * Most persons order once or twice (customers.ts), so keeping more buys little: these ranks
 * place 99.8 % of the persons' orders at the default 115,000 rows, 39 % at 1 M and 6 % at 10 M
 * (gamma order shares). A customer that was not kept is described anew on each order, at a few
 * microseconds each.
 */
const CUSTOMER_CACHE_RANKS = 1 << 16;

/** A customer as the rows need it: what the order reads, and the customer columns prepared. */
interface CachedCustomer {
  /** See `CustomerFactory.versionOn`. */
  version: number;
  isBusiness: boolean;
  /** The warehouse of the customer's region. */
  regional: number;
  streetHasComma: boolean;
  streetHasNewline: boolean;
  lastNameHasApostrophe: boolean;
  segment: PreparedSegment;
}
const FREE_SHIPPING_FROM_EUR = 300;
/** Carrier ids that exist nowhere, drawn for every order (used when the unknown-carrier gate hits). */
const UNKNOWN_CARRIER_IDS = Array.from({ length: 10 }, (_, i) => `CAR-9${i}`);
const MODES = Object.keys(SHIPPING_MODE_WEIGHTS) as ShippingMode[];
const MODE_WEIGHTS = cumulative(MODES.map((m) => SHIPPING_MODE_WEIGHTS[m]));
/** Per mode, the carriers that serve it and their cumulative shares. */
const CARRIERS_BY_MODE = MODES.map((mode) => CARRIERS.flatMap((c, i) => (c.shares[mode] ? [i] : [])));
const CARRIER_WEIGHTS_BY_MODE = MODES.map((mode, m) => cumulative(CARRIERS_BY_MODE[m].map((i) => CARRIERS[i].shares[mode]!)));

/** `data/raw/export.csv.gz` -> `data/raw/export.defects.json`. */
export function defectsSummaryPath(outPath: string): string {
  const base = path.basename(outPath).replace(/\.gz$/, "").replace(/\.csv$/, "");
  return path.join(path.dirname(outPath), `${base}.defects.json`);
}

export async function generateRawExport(options: GenerateRawExportOptions): Promise<GeneratorSummary> {
  const run = new ExportRun(options);
  await mkdir(path.dirname(options.outPath), { recursive: true });
  const partial = `${options.outPath}.partial`;
  const file = createWriteStream(partial);
  // zlib compresses on the libuv thread pool, in parallel with the generator. Its deep input buffer
  // lets the generator run ahead instead of waiting for each chunk; its output buffer, larger than
  // the deflate output of an input chunk, lets one thread-pool job take a whole chunk instead of
  // coming back to the main thread for every 16 KiB it writes. Deflate output does not depend on
  // how its input or output is cut: the bytes are the same.
  const gzip = options.outPath.endsWith(".gz")
    ? createGzip({ level: options.gzipLevel ?? 6, chunkSize: GZIP_OUT_BYTES, highWaterMark: GZIP_BUFFER_BYTES } as ZlibOptions)
    : undefined;
  const sink: Writable = gzip ?? file;
  const done = gzip ? pipeline(gzip, file) : finished(file);
  done.catch(() => {}); // awaited below; an early failure must not count as unhandled meanwhile
  try {
    for (const chunk of run.batches()) {
      // The callback runs once the chunk is consumed (copied into zlib's window, or written to
      // disk): its buffer then takes the next rows, instead of a fresh one the kernel must map.
      const more = sink.write(chunk, (error) => {
        if (!error) run.recycle(chunk);
      });
      // One chunk per event-loop turn: a synchronous run of chunks would leave zlib's finished
      // thread-pool jobs waiting for the main thread to start the next one.
      await (more ? nextTurn() : Promise.race([once(sink, "drain"), done]));
    }
    sink.end();
    await done;
  } catch (error) {
    sink.destroy();
    file.destroy();
    await done.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, options.outPath);
  const summary = run.summary();
  if (options.writeSummary ?? true) {
    await writeFile(defectsSummaryPath(options.outPath), `${JSON.stringify(summary, null, 2)}\n`);
  }
  return summary;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class ExportRun {
  private readonly seed: number;
  private readonly rates: DefectRates;
  private readonly rows: number;
  private readonly startDate: string;
  private readonly endDate: string;
  private readonly years: number;
  private readonly periodDays: number;
  private readonly days: DayTable;
  private readonly monthEnds: number;
  private readonly saleBudget: number;
  private readonly stockRows: number;
  private readonly dayTargets: Float64Array;

  private readonly prng: Prng;
  private readonly injector: DefectInjector;
  private readonly suppliers: Supplier[];
  private readonly products: Product[];
  private readonly productsByMonth: Float64Array[];
  private readonly customers: CustomerFactory;
  private readonly customerBase: CustomerBase;
  private readonly ledger: StockLedger;
  private readonly regionalWarehouse = new Map<string, number>();
  private readonly supplierSpellings: string[][];

  private readonly fields: string[] = new Array(COLUMN_COUNT).fill("");
  private readonly segments: SegmentWriter;
  /** The order's dates and carrier, prepared anew for each order into the same objects. */
  private readonly orderDates: PreparedSegment;
  private readonly orderCarrier: PreparedSegment;
  private readonly orderDatesBytes = new Uint8Array(1024);
  private readonly orderCarrierBytes = new Uint8Array(1024);
  /** The lines of the current order (at most `LINES_PER_ORDER.length`). */
  private readonly lineProducts = new Int32Array(LINES_PER_ORDER.length);
  private readonly lineQuantities = new Int32Array(LINES_PER_ORDER.length);
  private readonly lineDiscounts: string[] = new Array<string>(LINES_PER_ORDER.length).fill("");
  private readonly lineValues: string[] = ["", "", ""];
  private readonly unknownProductValues: string[] = ["", "", "", "", "", ""];
  private readonly snapshotValues: string[] = ["", "", "", "", ""];
  private readonly saleProductSegments = new Map<number, PreparedSegment>();
  private readonly stockProductSegments = new Map<number, PreparedSegment>();
  private readonly saleSupplierSegments = new Map<number, PreparedSegment>();
  private readonly stockSupplierSegments = new Map<number, PreparedSegment>();
  private readonly saleWarehouseSegments = new Map<number, PreparedSegment>();
  private readonly stockWarehouseSegments = new Map<number, PreparedSegment>();
  /**
   * By popularity rank, for the ranks below its length: the busiest businesses first (up to
   * `businessCacheRanks` of them), then the busiest persons.
   */
  private readonly customerCache: (CachedCustomer | undefined)[];
  private readonly businessCacheRanks: number;
  /** Reused for the customers the cache does not keep. */
  private readonly passingCustomer: CachedCustomer;
  private readonly passingCustomerBytes = new Uint8Array(4096);
  private readonly described: Customer = emptyCustomer();
  private readonly snapshot: StockSnapshot = { product: 0, warehouse: 0, stockOnHand: 0, unitsOnOrder: 0, reorderLevel: 0, unitsReceived: 0 };
  private readonly customerSeen: Uint8Array;
  private readonly onProgress?: (rowsWritten: number) => void;

  private readonly out = new ChunkBuffer(CHUNK_BYTES);
  /** A segment rendered ahead of its place in the row (see `SegmentWriter.renderAside`). */
  private readonly aside = new ChunkBuffer(4096);
  /** Re-sent rows, written at the end of the day: a copy of an earlier row's bytes, or a near copy. */
  private laterToday: (Uint8Array | string)[] = [];
  private rowsWritten = 0;
  private saleWritten = 0;
  private stockWritten = 0;
  private orderCount = 0;
  private customerCount = 0;

  constructor(options: GenerateRawExportOptions) {
    this.seed = (options.seed ?? DEFAULT_SEED) >>> 0;
    this.rates = resolveDefectRates(options.defects);
    this.rows = options.rows;
    this.onProgress = options.onProgress;
    if (!Number.isInteger(this.rows) || this.rows < GENERATOR_MIN_ROWS) throw new Error(`generateRawExport: rows must be an integer >= ${GENERATOR_MIN_ROWS}, got ${options.rows}`);
    this.startDate = options.startDate ?? DEFAULT_START_DATE;
    this.years = options.years ?? DEFAULT_YEARS;
    if (!Number.isInteger(this.years) || this.years < 1) throw new Error(`generateRawExport: years must be a positive integer, got ${options.years}`);
    const end = addYears(this.startDate, this.years);
    this.periodDays = daysBetween(this.startDate, end);
    // Ship and delivery dates run past the period's last order by up to 3 + 7 days.
    this.days = new DayTable(this.startDate, this.periodDays + 11);
    this.endDate = this.days.iso[this.periodDays - 1];
    let monthEnds = 0;
    for (let d = 0; d < this.periodDays; d++) if (this.days.isMonthEnd(d)) monthEnds++;
    this.monthEnds = monthEnds;

    this.prng = new Prng(this.seed, 1);
    this.injector = new DefectInjector(this.rates, this.seed);
    this.segments = new SegmentWriter(this.injector);
    this.orderDates = this.segments.prepare(SEGMENT.orderDates, ["", "", "", ""]);
    this.orderCarrier = this.segments.prepare(SEGMENT.carrier, ["", "", "", ""]);

    const pairs = stockedPairCount(this.rows, monthEnds, PRODUCT_COUNT, WAREHOUSES.length);
    this.stockRows = pairs * monthEnds;
    this.saleBudget = this.rows - this.stockRows;
    if (this.saleBudget < 1) throw new Error(`generateRawExport: ${this.rows} rows leave no room for sales after ${this.stockRows} stock rows`);
    this.dayTargets = this.buildDayTargets();

    this.suppliers = buildSuppliers(this.seed);
    this.products = buildProducts(
      // One more price year than the period's length: a period may start mid-year.
      { seed: this.seed, products: PRODUCT_COUNT, years: this.years + 1, embeddedQuoteRate: this.rates.embeddedQuote, embeddedCommaRate: this.rates.embeddedComma },
      this.suppliers,
    );
    this.supplierSpellings = this.suppliers.map((s) => COUNTRY_SPELLINGS[s.countryCode]);
    this.productsByMonth = MONTH_DEMAND.map((_, month) =>
      cumulative(this.products.map((p) => p.popularity * CATEGORIES[p.category].seasonality[month])),
    );
    const popularityTotal = this.products.reduce((sum, p) => sum + p.popularity, 0);
    const unitsPerMonth = (this.saleBudget / Math.max(1, monthEnds)) * 1.6;
    this.ledger = new StockLedger(this.seed, PRODUCT_COUNT, WAREHOUSES.length, pairs, (p) => (unitsPerMonth * this.products[p].popularity) / popularityTotal);

    this.customerBase = planCustomerBase(this.saleBudget / MEAN_LINES_PER_ORDER, this.years);
    const customerCount = this.customerBase.businesses + this.customerBase.persons;
    this.customers = new CustomerFactory(this.seed, this.customerBase, this.periodDays, buildNamePools(this.seed), loadCommunePool(), {
      embeddedNewline: this.rates.embeddedNewline,
      embeddedComma: this.rates.embeddedComma,
      apostropheName: this.rates.apostropheName,
    });
    this.customerSeen = new Uint8Array(customerCount);
    this.customerCache = new Array(Math.min(customerCount, CUSTOMER_CACHE_RANKS)).fill(undefined);
    this.businessCacheRanks = Math.min(this.customerBase.businesses, CUSTOMER_CACHE_RANKS >> 2);
    this.passingCustomer = this.describeCustomer(0, 0, 0);
  }

  /** Cumulative share of the sale rows due by the end of each day: weekday, season, growth. */
  private buildDayTargets(): Float64Array {
    const noise = new Prng(this.seed, 2);
    const firstYear = this.days.year[0];
    const weights = new Float64Array(this.periodDays);
    for (let d = 0; d < this.periodDays; d++) {
      weights[d] =
        WEEKDAY_DEMAND[this.days.weekday[d]] *
        MONTH_DEMAND[this.days.monthOfYear[d]] *
        Math.pow(YEARLY_GROWTH, this.days.year[d] - firstYear) *
        (0.85 + 0.3 * noise.next());
    }
    return cumulative(weights);
  }

  *batches(): Generator<Buffer> {
    this.out.write(`${RAW_HEADER.join(",")}\n`);
    for (let day = 0; day < this.periodDays; day++) {
      const target = day === this.periodDays - 1 ? this.saleBudget : Math.round(this.saleBudget * this.dayTargets[day]);
      while (this.saleWritten < target) {
        this.writeOrder(day);
        if (this.out.full) yield this.flush();
      }
      // Duplicates land later the same day, as a re-sent batch would, not next to their original.
      for (const line of this.laterToday) {
        if (typeof line === "string") this.out.write(line);
        else this.out.bytes(line);
        this.rowsWritten++;
      }
      this.laterToday = [];
      if (this.days.isMonthEnd(day)) this.writeSnapshots(day);
      if (this.out.full) yield this.flush();
    }
    if (this.out.byteLength > 0) yield this.flush();
    if (this.rowsWritten !== this.rows) {
      throw new Error(`generateRawExport: wrote ${this.rowsWritten} rows, expected ${this.rows} (a generator bug)`);
    }
  }

  summary(): GeneratorSummary {
    const defectsInjected = {} as Record<DefectKind, number>;
    for (const kind of DEFECT_KINDS) defectsInjected[kind] = this.injector.counts[kind];
    const defectRates = {} as DefectRates;
    for (const kind of DEFECT_KINDS) defectRates[kind] = this.rates[kind];
    return {
      rows: this.rowsWritten,
      saleRows: this.saleWritten,
      stockRows: this.stockWritten,
      customers: this.customerCount,
      products: this.products.length,
      orders: this.orderCount,
      defectsInjected,
      seed: this.seed,
      suppliers: this.suppliers.length,
      carriers: CARRIERS.length,
      warehouses: WAREHOUSES.length,
      stockedPairs: this.ledger.pairCount,
      startDate: this.startDate,
      endDate: this.endDate,
      defectRates,
    };
  }

  /** Hands back a chunk from `batches` that the stream no longer needs. */
  recycle(chunk: Buffer): void {
    this.out.recycle(chunk);
  }

  private flush(): Buffer {
    const chunk = this.out.take();
    this.onProgress?.(this.rowsWritten);
    return chunk;
  }

  private customerOn(rank: number, number: number, day: number): CachedCustomer {
    const version = this.customers.versionOn(number, day);
    const cache = this.customerCache;
    if (rank >= cache.length) return this.describeCustomer(number, day, version, this.passingCustomer);
    const cached = cache[rank];
    if (cached !== undefined && cached.version === version) return cached;
    const entry = this.describeCustomer(number, day, version);
    cache[rank] = entry;
    return entry;
  }

  /** Customer `number` on `day`, into `into` (its bytes valid until the next call) or a new entry. */
  private describeCustomer(number: number, day: number, version: number, into?: CachedCustomer): CachedCustomer {
    const customer = this.customers.describe(number, day, this.described);
    const values = into?.segment.values ?? new Array<string>(SEGMENT.customer.width);
    values[0] = customer.id;
    values[1] = customer.isBusiness ? "BUSINESS" : "PERSON";
    values[2] = customer.companyName;
    values[3] = customer.firstName;
    values[4] = customer.lastName;
    values[5] = customer.email;
    values[6] = customer.phone;
    values[7] = customer.birthDate;
    values[8] = customer.gender;
    values[9] = customer.street;
    values[10] = customer.postalCode;
    values[11] = customer.city;
    values[12] = COUNTRY_SPELLINGS[customer.country][0];
    values[13] = customer.segment;
    values[14] = customer.cardNumber;
    const segment = into === undefined
      ? this.segments.prepare(SEGMENT.customer, values)
      : this.segments.prepare(SEGMENT.customer, values, into.segment, this.passingCustomerBytes);
    const entry: CachedCustomer = into ?? {
      version, isBusiness: false, regional: 0, streetHasComma: false, streetHasNewline: false, lastNameHasApostrophe: false, segment,
    };
    entry.version = version;
    entry.isBusiness = customer.isBusiness;
    entry.regional = this.regionalWarehouseOf(customer.region);
    entry.streetHasComma = customer.streetHasComma;
    entry.streetHasNewline = customer.streetHasNewline;
    entry.lastNameHasApostrophe = customer.lastNameHasApostrophe;
    return entry;
  }

  private regionalWarehouseOf(region: string): number {
    let index = this.regionalWarehouse.get(region);
    if (index === undefined) {
      index = warehouseForRegion(region);
      this.regionalWarehouse.set(region, index);
    }
    return index;
  }

  private writeOrder(day: number): void {
    const { prng, injector, customers, days, segments } = this;
    // A business or a person, then which one: the busiest are the likeliest (purchaseFrequency.ts).
    const base = this.customerBase;
    const isBusiness = prng.next() < base.businessOrderShare;
    const u = prng.next();
    const rank = isBusiness
      ? Math.floor(base.businesses * base.businessRanks.rankFraction(u))
      : Math.floor(base.persons * base.personRanks.rankFraction(u));
    const customerNumber = customers.numberForRank(isBusiness, rank);
    const cacheRank = isBusiness ? (rank < this.businessCacheRanks ? rank : CUSTOMER_CACHE_RANKS) : this.businessCacheRanks + rank;
    const customer = this.customerOn(cacheRank, customerNumber, day);
    const habits = isBusiness ? BUSINESS_HABITS : PERSON_HABITS;
    const customerSegment = customer.segment;
    if (!this.customerSeen[customerNumber]) {
      this.customerSeen[customerNumber] = 1;
      this.customerCount++;
    }
    this.orderCount++;
    const orderId = `CMD-${String(this.orderCount).padStart(8, "0")}`;
    const lineCount = Math.min(1 + prng.pickWeighted(LINES_PER_ORDER), this.saleBudget - this.saleWritten);
    const channel = SALES_CHANNELS[prng.pickWeighted(customer.isBusiness ? BUSINESS_CHANNELS : PERSON_CHANNELS)];
    const modeIndex = prng.pickWeighted(MODE_WEIGHTS);
    const mode = MODES[modeIndex];
    const carrier = CARRIERS[CARRIERS_BY_MODE[modeIndex][prng.pickWeighted(CARRIER_WEIGHTS_BY_MODE[modeIndex])]];
    const shipDay = day + prng.pickWeighted(SHIP_DELAY_DAYS);
    const [transitMin, transitMax] = TRANSIT_DAYS[mode];
    const deliveryDay = shipDay + prng.between(transitMin, transitMax);
    const [freightMin, freightMax] = FREIGHT_EUR[mode].base;
    const baseFreight = freightMin + prng.next() * (freightMax - freightMin);
    const yearIndex = days.year[day] - days.year[0];
    const month = days.monthOfYear[day];
    const regional = customer.regional;
    const unknownCarrier = injector.gates.unknownCarrier.hit();
    const unknownCarrierId = UNKNOWN_CARRIER_IDS[prng.int(10)];

    // Decide the lines first: the freight depends on the order's size and value.
    const { lineProducts, lineQuantities, lineDiscounts } = this;
    let orderValue = 0;
    for (let k = 0; k < lineCount; k++) {
      const product = prng.pickWeighted(this.productsByMonth[month]);
      let units = habits.unitScale;
      for (let f = 0; f < habits.unitFactors; f++) units *= prng.next();
      let quantity = 1 + Math.floor(units);
      const discounted = prng.next() < habits.discountChance;
      const discount = discounted ? prng.pick(DISCOUNTS) : "0.00";
      if (injector.hit("returnLine")) quantity = -quantity;
      lineProducts[k] = product;
      lineQuantities[k] = quantity;
      lineDiscounts[k] = discount;
      orderValue += this.products[product].priceValuesByYear[yearIndex] * Math.max(0, quantity) * (1 - DISCOUNT_RATES[discount]);
    }
    const freeShipping = orderValue >= FREE_SHIPPING_FROM_EUR && (mode === "standard" || mode === "relay point");
    const freight = freeShipping ? "0.00" : euros(baseFreight + FREIGHT_EUR[mode].perExtraLine * (lineCount - 1));

    // Prepared once per order, into the same objects.
    const { orderDates, orderCarrier: carrierSegment } = this;
    const dateValues = orderDates.values;
    dateValues[0] = days.iso[day];
    dateValues[1] = days.iso[shipDay];
    dateValues[2] = days.iso[deliveryDay];
    dateValues[3] = channel;
    segments.prepare(SEGMENT.orderDates, dateValues, orderDates, this.orderDatesBytes);
    const carrierValues = carrierSegment.values;
    carrierValues[0] = unknownCarrier ? unknownCarrierId : carrier.id;
    carrierValues[1] = unknownCarrier ? "" : carrier.name;
    carrierValues[2] = mode;
    carrierValues[3] = freight;
    segments.prepare(SEGMENT.carrier, carrierValues, carrierSegment, this.orderCarrierBytes);

    const { out } = this;
    const f = this.fields;
    for (let k = 0; k < lineCount; k++) {
      const lineNumber = String(k + 1);
      // The row's cells are only all needed for a near duplicate: when its gate is about to hit
      // (it is consulted once per row, below). Otherwise `f` gets only the cells defects change.
      const full = !injector.gates.nearDuplicate.wouldMiss(1);
      if (full) {
        f.fill("");
        f[COL.recordType] = "SALE";
        f[COL.orderId] = orderId;
        f[COL.lineNumber] = lineNumber;
      }
      // The row goes straight to the output, segment by segment, in column order.
      const rowStart = out.mark;
      out.bytes(SALE_HEAD);
      out.write(orderId);
      out.byte(COMMA);
      out.write(lineNumber);
      out.byte(COMMA);
      segments.render(SEGMENT.orderDates, orderDates, f, out, full);
      out.byte(COMMA);
      const customerHot = segments.render(SEGMENT.customer, customerSegment, f, out, full);
      out.byte(COMMA);

      const productIndex = lineProducts[k];
      const product = this.products[productIndex];
      const unknownProduct = injector.hit("unknownProduct");
      const warehouse = this.ledger.shippingWarehouse(productIndex, regional);
      let productSegment: PreparedSegment | null = null;
      let productHot = false;
      let supplierSegment: PreparedSegment | undefined;
      let supplierHot = false;
      if (unknownProduct) {
        // An id that was never in the catalogue: the export's join found nothing to describe it.
        const values = this.unknownProductValues;
        values[0] = `SKU-9${String(prng.int(100000)).padStart(5, "0")}`;
        segments.renderValues(SEGMENT.saleProduct, values, f, out);
      } else {
        productSegment = this.productSegment("SALE", productIndex, yearIndex);
        productHot = segments.render(SEGMENT.saleProduct, productSegment, f, out, full);
        // The supplier's defects are decided before the line's (both consult the missing-value
        // gate, in this order), though its columns come after the line's in the row.
        supplierSegment = this.supplierSegment("SALE", product.supplier);
        supplierHot = segments.renderAside(SEGMENT.saleSupplier, supplierSegment, f, this.aside, full);
      }
      out.byte(COMMA);
      const price = injector.hit("zeroPrice") ? "0.00" : product.pricesByYear[yearIndex];
      const lineValues = this.lineValues;
      lineValues[0] = price;
      lineValues[1] = String(lineQuantities[k]);
      lineValues[2] = lineDiscounts[k];
      segments.renderValues(SEGMENT.line, lineValues, f, out);
      out.byte(COMMA);
      if (supplierSegment === undefined) {
        out.bytes(EMPTY_SUPPLIER);
      } else {
        if (supplierHot) this.aside.moveTo(out);
        else out.bytes(supplierSegment.bytes);
        this.ledger.recordSale(productIndex, warehouse, lineQuantities[k]);
      }
      out.byte(COMMA);
      segments.render(SEGMENT.carrier, carrierSegment, f, out, full);
      if (unknownCarrier) injector.counts.unknownCarrier++;
      out.byte(COMMA);
      segments.render(SEGMENT.saleWarehouse, this.warehouseSegment("SALE", warehouse), f, out, full);
      out.bytes(SALE_TAIL);
      this.rowsWritten++;
      this.saleWritten++;

      this.countCarriedSpecials(customer, full || customerHot, unknownProduct ? null : product, productSegment, full || productHot);
      if (this.saleWritten < this.saleBudget && injector.gates.exactDuplicate.hit()) {
        injector.counts.exactDuplicate++;
        this.laterToday.push(out.since(rowStart));
        this.saleWritten++;
      }
      if (this.saleWritten < this.saleBudget && injector.gates.nearDuplicate.hit()) {
        // `full` was true for this row: `f` holds all its cells.
        const near = injector.nearDuplicate(f, NOISY_TEXT_COLUMNS.SALE);
        if (near) {
          injector.counts.nearDuplicate++;
          this.laterToday.push(csvLine(near, QUOTE_COLUMNS));
          this.saleWritten++;
        }
      }
    }
  }

  private writeSnapshots(day: number): void {
    const { ledger, days, segments, out } = this;
    const yearIndex = days.year[day] - days.year[0];
    const f = this.fields;
    const snapshotValues = this.snapshotValues;
    for (let pair = 0; pair < ledger.pairCount; pair++) {
      const snapshot = ledger.closeMonth(pair, this.snapshot);
      const product = this.products[snapshot.product];
      // No near duplicates of stock rows: `f` only gets the cells defects change.
      out.bytes(STOCK_HEAD);
      const productSegment = this.productSegment("STOCK", snapshot.product, yearIndex);
      const productHot = segments.render(SEGMENT.stockProduct, productSegment, f, out, false);
      out.bytes(STOCK_NO_LINE);
      segments.render(SEGMENT.stockSupplier, this.supplierSegment("STOCK", product.supplier), f, out, false);
      out.bytes(STOCK_NO_CARRIER);
      segments.render(SEGMENT.stockWarehouse, this.warehouseSegment("STOCK", snapshot.warehouse), f, out, false);
      out.byte(COMMA);
      snapshotValues[0] = days.iso[day];
      snapshotValues[1] = String(snapshot.stockOnHand);
      snapshotValues[2] = String(snapshot.unitsOnOrder);
      snapshotValues[3] = String(snapshot.reorderLevel);
      snapshotValues[4] = String(snapshot.unitsReceived);
      segments.renderValues(SEGMENT.snapshot, snapshotValues, f, out);
      out.byte(NEWLINE);
      this.countCarriedSpecials(null, false, product, productSegment, productHot);
      this.rowsWritten++;
      this.stockWritten++;
    }
  }

  /** Product columns of one product in one year, serialised once per record type. */
  private productSegment(type: "SALE" | "STOCK", product: number, yearIndex: number): PreparedSegment {
    const cache = type === "SALE" ? this.saleProductSegments : this.stockProductSegments;
    const key = product * (this.years + 1) + yearIndex;
    let prepared = cache.get(key);
    if (!prepared) {
      const p = this.products[product];
      prepared = this.segments.prepare(type === "SALE" ? SEGMENT.saleProduct : SEGMENT.stockProduct, [
        p.id, p.name, CATEGORIES[p.category].name, p.subcategory, p.brand, p.costsByYear[yearIndex],
      ]);
      cache.set(key, prepared);
    }
    return prepared;
  }

  private supplierSegment(type: "SALE" | "STOCK", supplier: number): PreparedSegment {
    const cache = type === "SALE" ? this.saleSupplierSegments : this.stockSupplierSegments;
    let prepared = cache.get(supplier);
    if (!prepared) {
      const s = this.suppliers[supplier];
      prepared = this.segments.prepare(type === "SALE" ? SEGMENT.saleSupplier : SEGMENT.stockSupplier, [
        s.id, s.name, s.country, s.contactName, s.contactEmail,
      ]);
      cache.set(supplier, prepared);
    }
    return prepared;
  }

  private warehouseSegment(type: "SALE" | "STOCK", warehouse: number): PreparedSegment {
    const cache = type === "SALE" ? this.saleWarehouseSegments : this.stockWarehouseSegments;
    let prepared = cache.get(warehouse);
    if (!prepared) {
      const w = WAREHOUSES[warehouse];
      prepared = this.segments.prepare(type === "SALE" ? SEGMENT.saleWarehouse : SEGMENT.stockWarehouse, [w.id, w.city]);
      cache.set(warehouse, prepared);
    }
    return prepared;
  }

  /**
   * Counts rows that still carry an injected comma, quote, line break or apostrophe after blanks.
   * The cells are read from the row when it holds them (a complete row, or a segment that a
   * defect changed), else from the segment's clean values.
   */
  private countCarriedSpecials(
    customer: CachedCustomer | null,
    customerFromRow: boolean,
    product: Product | null,
    productSegment: PreparedSegment | null,
    productFromRow: boolean,
  ): void {
    const f = this.fields;
    const counts = this.injector.counts;
    const customerCell = (col: number) => (customerFromRow ? f[col] : customer!.segment.values[col - SEGMENT.customer.start]);
    const street = customer !== null && customerCell(COL.street) !== "";
    const productName = product !== null && (productFromRow ? f[COL.productName] : productSegment!.values[COL.productName - SEGMENT.saleProduct.start]) !== "";
    if ((street && customer!.streetHasComma) || (productName && product!.hasComma)) counts.embeddedComma++;
    if (productName && product!.hasQuote) counts.embeddedQuote++;
    if (street && customer!.streetHasNewline) counts.embeddedNewline++;
    if (customer !== null && customer.lastNameHasApostrophe && customerCell(COL.lastName) !== "") counts.apostropheName++;
  }
}
