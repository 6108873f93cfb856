/**
 * A small seeded PRNG (sfc32) and an integer hash, so that the generator produces the same bytes
 * for the same seed on every machine. Faker is far too slow to call per row of a 10 M-row export;
 * this is a few nanoseconds per draw.
 */

/** 32-bit avalanche hash (the murmur3 finaliser): derives independent seeds from (seed, id, salt). */
export function mix32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Fixed arity (missing parts are 0): a rest parameter would allocate on every call. */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = mix32(0x9e3779b9 ^ mix32(a + 0x7f4a7c15));
  h = mix32(h ^ mix32(b + 0x7f4a7c15));
  h = mix32(h ^ mix32(c + 0x7f4a7c15));
  return mix32(h ^ mix32(d + 0x7f4a7c15));
}

/** Uniform [0, 1) from a hash: a property of an entity that needs no stored state. */
export function unitHash(a: number, b = 0, c = 0, d = 0): number {
  return hash32(a, b, c, d) / 4294967296;
}

export class Prng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number, stream = 0) {
    this.reseed(seed, stream);
  }

  /** Reuses the object for a per-entity stream, so deriving a customer allocates nothing. */
  reseed(seed: number, stream = 0): this {
    this.a = mix32(seed ^ 0xa5a5a5a5);
    this.b = mix32(stream + 0x3c6ef372);
    this.c = mix32(seed + stream * 0x9e3779b9);
    this.d = 1;
    // sfc32 states that start close together need a few rounds before they decorrelate.
    for (let i = 0; i < 12; i++) this.nextU32();
    return this;
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi], both included. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn from a cumulative weight table (see `cumulative`). */
  pickWeighted(cumulativeWeights: Float64Array): number {
    return searchCumulative(cumulativeWeights, this.next());
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

/** Normalised running sums: the last entry is 1, so a uniform draw maps to an index. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i];
    out[i] = sum;
  }
  if (!(sum > 0)) throw new Error("cumulative: weights must sum to a positive number");
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export function searchCumulative(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Decides "does this event happen?" at a fixed rate with one decrement per call: the gap to the
 * next hit is drawn from the geometric distribution, so a rate checked on every field of every
 * row (hundreds of millions of checks at 10 M rows) costs almost nothing. A rate of 0 never hits.
 */
export class RateGate {
  private countdown: number;

  constructor(
    readonly rate: number,
    private readonly prng: Prng,
  ) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`RateGate: rate must be in [0, 1], got ${rate}`);
    this.countdown = this.gap();
  }

  hit(): boolean {
    if (--this.countdown > 0) return false;
    this.countdown = this.gap();
    return true;
  }

  /** True when the next `checks` calls to `hit` would all miss (see `skip`). */
  wouldMiss(checks: number): boolean {
    return this.countdown > checks;
  }

  /** The same as `checks` missed calls to `hit`; only valid after `wouldMiss(checks)`. */
  skip(checks: number): void {
    this.countdown -= checks;
  }

  private gap(): number {
    if (this.rate <= 0) return Number.POSITIVE_INFINITY;
    if (this.rate >= 1) return 1;
    return 1 + Math.floor(Math.log(1 - this.prng.next()) / Math.log(1 - this.rate));
  }
}
