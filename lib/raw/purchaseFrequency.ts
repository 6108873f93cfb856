/**
 * How many orders each customer places: the NBD model of repeat buying (Ehrenberg 1959,
 * "Repeat-Buying", 1988; the purchase process of Schmittlein, Morrison & Colombo's Pareto/NBD,
 * 1987). Each customer orders as a Poisson process whose rate varies from customer to customer
 * as a gamma distribution, so the orders of one customer over the period are negative binomial:
 * most buy once, a few buy often. Customers whose draw is zero orders exist in the retailer's
 * files but never appear in the export.
 *
 * The generator picks the customer of each order by rank: customers are sorted by their rate
 * (rank 0 buys most), and an order falls on rank fraction x with density proportional to the
 * rate at x. For a gamma rate of shape k (scale 1), the rank fraction of rate z is Q(k, z)
 * (the regularised upper incomplete gamma) and the share of orders placed by customers above
 * rate z is Q(k + 1, z); a table of both, made once, turns a uniform draw into a rank by a
 * binary search, with no state per customer.
 */
import gammainc from "@stdlib/math-base-special-gammainc";

export interface BuyerPool {
  /** Gamma shape of the purchase rates: the smaller, the more unequal the customers. */
  shape: number;
  /** Among the customers who order in a year, the share who order more than once. */
  annualRepeatRate: number;
}

/** P(no order) and P(exactly one order) for a negative binomial of this shape and mean. */
function zeroAndOne(shape: number, mean: number): [number, number] {
  const base = 1 + mean / shape;
  return [Math.pow(base, -shape), mean * Math.pow(base, -shape - 1)];
}

/** Share of a pool's customers who order at least once when each orders `mean` times on average. */
export function buyerShare(shape: number, mean: number): number {
  return 1 - zeroAndOne(shape, mean)[0];
}

/** Among the customers who order at least once, the share who order more than once. */
export function repeatRate(shape: number, mean: number): number {
  const [zero, one] = zeroAndOne(shape, mean);
  return 1 - one / (1 - zero);
}

/** Mean orders per buyer (customers with at least one order). */
export function ordersPerBuyer(shape: number, mean: number): number {
  return mean / buyerShare(shape, mean);
}

/**
 * The mean yearly orders of a pool's customers (buyers or not) that gives its annual repeat
 * rate: the repeat rate grows with the mean, so bisection finds it.
 */
export function annualMean(pool: BuyerPool): number {
  if (!(pool.annualRepeatRate > 0 && pool.annualRepeatRate < 1) || !(pool.shape > 0)) {
    throw new Error(`purchase frequency: a pool needs a gamma shape > 0 and a repeat rate in (0, 1), got ${JSON.stringify(pool)}`);
  }
  let low = 1e-9;
  let high = 1;
  while (repeatRate(pool.shape, high) < pool.annualRepeatRate) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (repeatRate(pool.shape, mid) < pool.annualRepeatRate) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Turns a uniform draw into a customer's rank fraction, busiest first (see the file comment). */
export class RateRanks {
  /** On a geometric grid of rates, descending from the highest: the share of orders placed above each rate... */
  private readonly orderShares: Float64Array;
  /** ...and the share of customers above it (their rank fraction). */
  private readonly fractions: Float64Array;

  /** Rates from 1e-12 to 60 (scale 1): below, customers (almost) never order; above, none are left. */
  constructor(shape: number, points = 4096) {
    const orderShares = new Float64Array(points + 2);
    const fractions = new Float64Array(points + 2);
    const [low, high] = [1e-12, 60];
    for (let i = 0; i < points; i++) {
      const rate = high * Math.pow(low / high, i / (points - 1));
      orderShares[i + 1] = gammainc(rate, shape + 1, true, true);
      fractions[i + 1] = gammainc(rate, shape, true, true);
    }
    // Rate infinity first (no one above it), rate zero last (everyone).
    orderShares[points + 1] = 1;
    fractions[points + 1] = 1;
    this.orderShares = orderShares;
    this.fractions = fractions;
  }

  /** Rank fraction in [0, 1) for a uniform `u` in [0, 1). */
  rankFraction(u: number): number {
    const { orderShares, fractions } = this;
    let low = 0;
    let high = orderShares.length - 1;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if (orderShares[mid] <= u) low = mid;
      else high = mid;
    }
    const span = orderShares[high] - orderShares[low];
    const x = span > 0 ? fractions[low] + ((u - orderShares[low]) / span) * (fractions[high] - fractions[low]) : fractions[low];
    return x < 1 ? x : 0.9999999999;
  }
}
