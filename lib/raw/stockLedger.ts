/**
 * Which products each warehouse carries, and their stock month by month. Sales decrement the
 * ledger as they are generated, so a month-end snapshot is consistent with the sales before it.
 *
 * Not every warehouse carries every product: the number of (product, warehouse) pairs is sized so
 * that snapshots are about `STOCK_ROW_SHARE` of the export (each product first in its home
 * warehouse, then regional assortments), capped by the full grid; past the cap, at millions of
 * rows, the stock share falls below that target.
 */
import { Prng } from "./prng";

export const STOCK_ROW_SHARE = 0.15;

export function stockedPairCount(rows: number, months: number, products: number, warehouses: number): number {
  const wanted = Math.round((STOCK_ROW_SHARE * rows) / Math.max(1, months));
  return Math.max(1, Math.min(products * warehouses, wanted));
}

export interface StockSnapshot {
  product: number;
  warehouse: number;
  stockOnHand: number;
  unitsOnOrder: number;
  reorderLevel: number;
  unitsReceived: number;
}

export class StockLedger {
  /** Pairs in snapshot order: by warehouse, then product. */
  readonly pairProduct: Int32Array;
  readonly pairWarehouse: Int32Array;
  /** `pairOf[product * warehouses + warehouse]`: the pair, or -1 when not carried. */
  private readonly pairOf: Int32Array;
  /** A warehouse that carries the product (its home), or -1. */
  readonly homeWarehouse: Int32Array;
  private readonly stock: Int32Array;
  private readonly onOrder: Int32Array;
  private readonly soldThisMonth: Int32Array;
  private readonly demand: Float64Array;

  constructor(
    seed: number,
    readonly products: number,
    readonly warehouses: number,
    pairCount: number,
    expectedMonthlyUnits: (product: number) => number,
  ) {
    const prng = new Prng(seed, 301);
    const productOrder = prng.shuffle([...Array(products).keys()]);
    const home = productOrder.map(() => prng.int(warehouses));
    const chosen: number[] = [];
    const taken = new Set<number>();
    productOrder.forEach((product, k) => {
      const key = product * warehouses + home[k];
      chosen.push(key);
      taken.add(key);
    });
    const others = prng.shuffle([...Array(products * warehouses).keys()].filter((key) => !taken.has(key)));
    const selected = chosen.concat(others).slice(0, pairCount).sort((a, b) => (a % warehouses) - (b % warehouses) || a - b);

    this.pairProduct = Int32Array.from(selected, (key) => Math.floor(key / warehouses));
    this.pairWarehouse = Int32Array.from(selected, (key) => key % warehouses);
    this.pairOf = new Int32Array(products * warehouses).fill(-1);
    this.homeWarehouse = new Int32Array(products).fill(-1);
    selected.forEach((key, pair) => (this.pairOf[key] = pair));
    productOrder.forEach((product, k) => {
      if (this.pairOf[product * warehouses + home[k]] >= 0) this.homeWarehouse[product] = home[k];
    });

    const n = selected.length;
    this.stock = new Int32Array(n);
    this.onOrder = new Int32Array(n);
    this.soldThisMonth = new Int32Array(n);
    this.demand = new Float64Array(n);
    for (let pair = 0; pair < n; pair++) {
      const carriers = this.carriersOf(this.pairProduct[pair]);
      this.demand[pair] = Math.max(2, expectedMonthlyUnits(this.pairProduct[pair]) / carriers);
      this.stock[pair] = Math.ceil(this.demand[pair] * 2.5) + prng.int(10);
    }
  }

  get pairCount(): number {
    return this.pairProduct.length;
  }

  private carriersOf(product: number): number {
    let count = 0;
    for (let w = 0; w < this.warehouses; w++) if (this.pairOf[product * this.warehouses + w] >= 0) count++;
    return Math.max(1, count);
  }

  /** The warehouse a line ships from: the customer's regional one if it carries the product. */
  shippingWarehouse(product: number, regional: number): number {
    if (this.pairOf[product * this.warehouses + regional] >= 0) return regional;
    const home = this.homeWarehouse[product];
    return home >= 0 ? home : regional;
  }

  recordSale(product: number, warehouse: number, quantity: number): void {
    const pair = this.pairOf[product * this.warehouses + warehouse];
    if (pair >= 0) this.soldThisMonth[pair] += quantity;
  }

  /**
   * Closes the month for one pair: last month's purchase order arrives, the month's net sales
   * leave (returns come back), and a new order is placed when stock falls to the reorder level.
   */
  closeMonth(pair: number, out: StockSnapshot): StockSnapshot {
    const received = this.onOrder[pair];
    const sold = this.soldThisMonth[pair];
    const stock = Math.max(0, this.stock[pair] + received - sold);
    const demand = 0.6 * this.demand[pair] + 0.4 * Math.max(0, sold);
    const reorderLevel = Math.max(3, Math.ceil(demand * 1.2));
    const onOrder = stock <= reorderLevel ? Math.max(reorderLevel, Math.ceil(demand * 3) + reorderLevel - stock) : 0;
    this.stock[pair] = stock;
    this.onOrder[pair] = onOrder;
    this.soldThisMonth[pair] = 0;
    this.demand[pair] = demand;
    out.product = this.pairProduct[pair];
    out.warehouse = this.pairWarehouse[pair];
    out.stockOnHand = stock;
    out.unitsOnOrder = onOrder;
    out.reorderLevel = reorderLevel;
    out.unitsReceived = received;
    return out;
  }
}
